// TicketEventsConsumer: the folder counts over DynamoDB; the queue's visibility through SQS.
import { createCountsRepository } from '#adapters/dynamodb/counts-repository';
import { sqsMessageVisibility } from '#adapters/sqs/retry-visibility';
import { createTicketCounts } from '#use-cases/ticket-counts';
import { table } from './adapters';
import { sqsClient } from './aws-clients';
import { once } from './once';

export const wireTicketEventsConsumer = once(() => ({
  counts: createTicketCounts({ counts: createCountsRepository(table()) }),
  visibility: sqsMessageVisibility(sqsClient()),
}));
