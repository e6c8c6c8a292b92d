// SQS FIFO consumer of ticket stream records (table stream → pipe → queue):
// keeps the folder counts. Each message body is one DynamoDB stream record
// (shared/adapters/dynamodb/stream-record.ts); records are applied in queue
// order, a failed one holding back its ticket's later ones
// (shared/adapters/sqs/fifo-batch.ts). Failed messages are reported one by one
// (ReportBatchItemFailures) and come back after a backoff of 1, 2, 4, 8 s (not
// the queue's 180 s visibility timeout), so that the counts catch up within
// seconds once storage answers again; applying a record twice is harmless
// (the APPLIED#eventID guard). After the queue's maxReceiveCount (about 15
// minutes of failing) a message lands in its dead-letter queue.
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { ticketChangeOf } from '#adapters/dynamodb/stream-record';
import { observed } from '#adapters/observability/handler';
import { logger } from '#adapters/observability/logger';
import { processFifoBatch } from '#adapters/sqs/fifo-batch';
import { receiveCountOf, type MessageVisibility } from '#adapters/sqs/retry-visibility';
import { retryBackoffSeconds } from '#domain/backoff';
import type { TicketCounts } from '#use-cases/ticket-counts';
import { wireTicketEventsConsumer } from '#wiring/ticket-events-consumer';

/** The wait before a failed ticket event's next try: 1, 2, 4, then 8 s (at most 8 s behind storage coming back). */
export const TICKET_EVENT_RETRY = { baseSeconds: 1, capSeconds: 8 } as const;

/** The handler over given counts (tests inject failures the emulators cannot produce) and the queue's visibility (null: the queue's timeout). */
export function createTicketEventsHandler(counts: TicketCounts, visibility: MessageVisibility | null = null) {
  return (event: SQSEvent): Promise<SQSBatchResponse> =>
    processFifoBatch(
      event,
      async (record) => {
        const change = ticketChangeOf(record.body);
        if (change) await counts.applyChange(change);
      },
      {
        logFailure: (record, error) => logger.error('ticket event not applied; the queue will redeliver it', { messageId: record.messageId, error }),
        ...(visibility && { retry: { visibility, delayOf: (first) => retryBackoffSeconds(receiveCountOf(first), TICKET_EVENT_RETRY.baseSeconds, TICKET_EVENT_RETRY.capSeconds) } }),
      },
    );
}

const { counts, visibility } = wireTicketEventsConsumer();
export const handler = observed(createTicketEventsHandler(counts, visibility));
