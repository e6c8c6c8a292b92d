// TicketEventsConsumer's handler over given use cases: each record's ticket
// change applied to the folder counts, in queue order per ticket
// (shared/adapters/sqs/fifo-batch.ts), and a failed record's next try pushed
// out to its backoff by its receive count.
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { ticketChangeOf } from '#adapters/dynamodb/stream-record';
import { logger } from '#adapters/observability/logger';
import { processFifoBatch } from '#adapters/sqs/fifo-batch';
import { receiveCountOf, type MessageVisibility } from '#adapters/sqs/retry-visibility';
import { retryBackoffSeconds } from '#domain/backoff';
import type { TicketCounts } from '#use-cases/ticket-counts';

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
