// The second reader of the table stream: only ticket closes (old image open,
// new image closed) go to the closed-tickets FIFO queue, where the
// closed-ticket consumer starts follow-up flows (docs/triggers.md; why a
// second pipe rather than a second target: docs/architecture.md).
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { TicketEventsPipe } from './ticket-events-pipe';

/** The event pattern of a close: a ticket item modified from status open to status closed. */
export const CLOSED_TICKET_FILTER = {
  eventName: ['MODIFY'],
  dynamodb: {
    OldImage: { type: { S: ['ticket'] }, status: { S: ['open'] } },
    NewImage: { type: { S: ['ticket'] }, status: { S: ['closed'] } },
  },
};

export interface ClosedTicketPipeProps {
  readonly table: ITable;
  readonly queue: IQueue;
  readonly deadLetterQueue: IQueue;
}

/** Same group (the ticket) and dedup id (the stream eventID) as the ticket events pipe, with the close filter. */
export function addClosedTicketPipe(scope: Construct, id: string, props: ClosedTicketPipeProps): TicketEventsPipe {
  return new TicketEventsPipe(scope, id, { ...props, filter: CLOSED_TICKET_FILTER });
}
