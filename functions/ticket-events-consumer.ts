// SQS FIFO consumer of ticket stream records (table stream → pipe → queue):
// keeps the folder counts. Each message body is one DynamoDB stream record as
// the pipe delivers it; failed messages are reported one by one
// (ReportBatchItemFailures) and come back after a backoff of 1, 2, 4, 8 s (not
// the queue's 180 s visibility timeout), so that the counts catch up within
// seconds once storage answers again; applying a record twice is harmless
// (the APPLIED#eventID guard). After the queue's maxReceiveCount (about 15
// minutes of failing) a message lands in its dead-letter queue.
import { logger } from '#adapters/observability/logger';
import { observed } from '#adapters/observability/handler';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { z } from 'zod';
import { createCountsRepository } from '#adapters/dynamodb/counts-repository';
import { ITEM_TYPE } from '#adapters/dynamodb/keys';
import { readTicketStreamRecord } from '#adapters/dynamodb/stream-record';
import { delayFailedMessages, receiveCountOf, sqsMessageVisibility, type MessageVisibility } from '#adapters/sqs/retry-visibility';
import { retryBackoffSeconds } from '#domain/backoff';
import { config } from '#config';
import type { TicketCountImage } from '#domain/folder-counts';
import { createTicketCounts, type TicketChange, type TicketCounts } from '#use-cases/ticket-counts';
import { traced } from '#adapters/observability/tracer';

const ticketCounts = createTicketCounts({
  counts: createCountsRepository({ client: traced(new DynamoDBClient({})), tableName: config.TABLE_NAME }),
});

/** The attributes of a ticket item (shared/adapters/dynamodb/items.ts) that place it in folders. */
const ticketImageSchema = z.object({
  type: z.literal(ITEM_TYPE.ticket),
  workspace: z.string().min(1),
  status: z.enum(['open', 'closed']),
  topic_uuid: z.string().min(1),
  assignee_uuid: z.string().min(1).nullish(),
});

/** The ticket change a message reports; null when it is not about a ticket; throws when it is malformed. */
export function ticketChangeFromMessageBody(body: string): TicketChange | null {
  const { eventId, before, after } = readTicketStreamRecord(body, ticketImageSchema);
  const workspace = (after ?? before)?.workspace;
  if (!workspace) return null;
  const countImage = (image: typeof before): TicketCountImage | null =>
    image && { status: image.status, topic_uuid: image.topic_uuid, assignee_uuid: image.assignee_uuid ?? null };
  return { eventId, workspace, before: countImage(before), after: countImage(after) };
}

/** The wait before a failed ticket event's next try: 1, 2, 4, then 8 s (at most 8 s behind storage coming back). */
export const TICKET_EVENT_RETRY = { baseSeconds: 1, capSeconds: 8 } as const;

/** The handler over given counts (tests inject failures the emulators cannot produce) and the queue's visibility (null: the queue's timeout). */
export function createTicketEventsHandler(counts: TicketCounts, visibility: MessageVisibility | null = null) {
  return async (event: SQSEvent): Promise<SQSBatchResponse> => {
    const messages = event.Records.map((record) => ({
      id: record.messageId,
      // Always set on a FIFO queue; a message's own id keeps a stray standard-queue message in a group of its own.
      group: record.attributes.MessageGroupId ?? record.messageId,
      record,
      readChange: () => ticketChangeFromMessageBody(record.body),
    }));
    const { failures } = await counts.applyBatch(messages);
    for (const failure of failures) {
      logger.error('ticket event not applied; the queue will redeliver it', { messageId: failure.id, error: failure.error });
    }
    if (visibility && failures.length) {
      const byId = new Map(messages.map((message) => [message.id, message]));
      await delayFailedMessages(
        visibility,
        failures.map((failure) => byId.get(failure.id)!),
        (first) => retryBackoffSeconds(receiveCountOf(first), TICKET_EVENT_RETRY.baseSeconds, TICKET_EVENT_RETRY.capSeconds),
        (message, details) => logger.warn(message, details),
      );
    }
    return { batchItemFailures: failures.map((failure) => ({ itemIdentifier: failure.id })) };
  };
}

export const handler = observed(createTicketEventsHandler(ticketCounts, sqsMessageVisibility(traced(new SQSClient({})))));
