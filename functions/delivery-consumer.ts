// DeliveryConsumer: SQS FIFO consumer of the deliveries queue (fan-out of the
// table's stream: msg INSERTs of outgoing messages; one message group per
// contact). Each message is delivered by the delivery use case; a send to
// retry has its queue message's visibility pushed out to the backoff and is
// reported failed (ReportBatchItemFailures) — its contact's later messages
// wait behind it in the FIFO group, which keeps their order. After
// DELIVERY_MAX_ATTEMPTS receives the queue's redrive policy parks it in the
// DLQ (docs/channels.md "Retries and redrive"). Attachments in the
// attachments bucket are handed to the gateway as presigned GET URLs.
import { logger } from '#adapters/observability/logger';
import { deliveryMetrics } from '#adapters/observability/delivery-metrics';
import { observed } from '#adapters/observability/handler';
import { recordMetrics } from '#adapters/observability/metrics';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { createChannelRepository } from '#adapters/dynamodb/channel-repository';
import { ITEM_TYPE } from '#adapters/dynamodb/keys';
import { readStreamRecord } from '#adapters/dynamodb/stream-record';
import { createTableClient } from '#adapters/dynamodb/table-client';
import { createSecretBox } from '#adapters/secrets/secret-box';
import { delayFailedMessages, receiveCountOf, sqsMessageVisibility, type MessageVisibility } from '#adapters/sqs/retry-visibility';
import { createExternalSender } from '#channels/external-sender';
import { createTelegramSender } from '#channels/telegram-api';
import { channelSecretsKey } from '../shared/channel-secrets-key';
import { attachmentStore, documentClient } from '#composition';
import { config } from '#config';
import type { MessageLocation } from '#use-cases/channel-ports';
import { createDelivery, type Delivery } from '#use-cases/delivery';
import { processInGroupOrder } from '#use-cases/fifo-batch';
import { traced } from '#adapters/observability/tracer';

/** Where a queue message is: its stream record's msg item (null: not an outgoing message INSERT, nothing to do). */
export function messageLocationOf(body: string): MessageLocation | null {
  const record = readStreamRecord(body);
  const image = record.newImage;
  if (record.eventName !== 'INSERT' || !image || image.type !== ITEM_TYPE.message || image.direction !== 'out') return null;
  return { workspace: String(image.workspace), contact: String(image.contact), created_on: String(image.created_on), uuid: String(image.uuid) };
}

export type DeliveryQueue = MessageVisibility;

/** The queue each record came from (shared/adapters/sqs/retry-visibility.ts). */
export const sqsDeliveryQueue = sqsMessageVisibility;

export function createDeliveryHandler(delivery: Delivery, queue: DeliveryQueue) {
  return async (event: SQSEvent): Promise<SQSBatchResponse> => {
    const messages = event.Records.map((record) => ({ id: record.messageId, group: record.attributes.MessageGroupId ?? record.messageId, record }));
    /** The backoff of each group whose message is to be retried. */
    const retryDelay = new Map<string, { messageId: string; seconds: number }>();
    const { failures } = await processInGroupOrder(messages, async ({ id, group, record }) => {
      const location = messageLocationOf(record.body);
      if (!location) return;
      const receiveCount = receiveCountOf(record);
      const result = await delivery.deliver({ location, receiveCount });
      logger.info('delivery', { msg: location.uuid, result: result.kind, ...('reason' in result ? { reason: result.reason } : {}) });
      recordMetrics(deliveryMetrics(result));
      if (result.kind === 'retry') {
        retryDelay.set(group, { messageId: id, seconds: result.delaySeconds });
        throw new Error(`delivery of ${location.uuid} to be retried: ${result.reason}${result.final ? ' (retries exhausted: to the DLQ)' : ''}`);
      }
    });
    // The retried message comes back after its backoff, and its contact's later messages (held back, so
    // reported failed too) with it: a FIFO group hands nothing out while one of its messages is in flight,
    // so leaving them to the queue's visibility timeout would hold the contact back that long.
    const byId = new Map(messages.map((message) => [message.id, message]));
    await delayFailedMessages(
      queue,
      failures.map((failure) => byId.get(failure.id)!),
      (first) => retryDelay.get(byId.get(first.messageId)!.group)?.seconds ?? null,
      (message, details) => logger.warn(message, details),
    );
    for (const failure of failures) logger.warn('delivery not done; the queue will redeliver it', { messageId: failure.id, error: String(failure.error) });
    return { batchItemFailures: failures.map((failure) => ({ itemIdentifier: failure.id })) };
  };
}

const table = createTableClient({ client: documentClient, tableName: config.TABLE_NAME });
const sqsClient = traced(new SQSClient({}));

export const handler = observed(createDeliveryHandler(
  createDelivery({
    channels: createChannelRepository(table),
    secrets: createSecretBox(channelSecretsKey),
    senders: { EX: createExternalSender(), TG: createTelegramSender(config.TELEGRAM_API_URL) },
    retryBaseSeconds: config.DELIVERY_RETRY_BASE_SECONDS,
    // Attachments of the bucket reach the gateway as presigned GETs (7 days).
    ...(attachmentStore ? { attachments: attachmentStore } : {}),
  }),
  sqsDeliveryQueue(sqsClient),
));
