// DeliveryConsumer: SQS FIFO consumer of the deliveries queue (fan-out of the
// table's stream: msg INSERTs of outgoing messages; one message group per
// contact). Each message is delivered by the delivery use case; a send to
// retry has its queue message's visibility pushed out to the backoff and is
// reported failed (ReportBatchItemFailures) — its contact's later messages
// wait behind it in the FIFO group, which keeps their order. After
// DELIVERY_MAX_ATTEMPTS receives the queue's redrive policy parks it in the
// DLQ (docs/channels.md "Retries and redrive").
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { messageLocationOf } from '#adapters/dynamodb/stream-record';
import { deliveryMetrics } from '#adapters/observability/delivery-metrics';
import { observed } from '#adapters/observability/handler';
import { logger } from '#adapters/observability/logger';
import { recordMetrics } from '#adapters/observability/metrics';
import { processFifoBatch } from '#adapters/sqs/fifo-batch';
import { groupOf, receiveCountOf, type MessageVisibility } from '#adapters/sqs/retry-visibility';
import type { Delivery } from '#use-cases/delivery';
import { wireDeliveryConsumer } from '#wiring/delivery-consumer';

export function createDeliveryHandler(delivery: Delivery, visibility: MessageVisibility) {
  return async (event: SQSEvent): Promise<SQSBatchResponse> => {
    /** The backoff of each group whose message is to be retried. */
    const retryDelay = new Map<string, number>();
    return processFifoBatch(
      event,
      async (record) => {
        const location = messageLocationOf(record.body);
        if (!location) return;
        const result = await delivery.deliver({ location, receiveCount: receiveCountOf(record) });
        logger.info('delivery', { msg: location.uuid, result: result.kind, ...('reason' in result ? { reason: result.reason } : {}) });
        recordMetrics(deliveryMetrics(result));
        if (result.kind !== 'retry') return;
        retryDelay.set(groupOf(record), result.delaySeconds);
        throw new Error(`delivery of ${location.uuid} to be retried: ${result.reason}${result.final ? ' (retries exhausted: to the DLQ)' : ''}`);
      },
      {
        logFailure: (record, error) => logger.warn('delivery not done; the queue will redeliver it', { messageId: record.messageId, error: String(error) }),
        // The retried message comes back after its backoff, and its contact's later messages (held back, so
        // reported failed too) with it: a FIFO group hands nothing out while one of its messages is in flight.
        retry: { visibility, delayOf: (first) => retryDelay.get(groupOf(first)) ?? null },
      },
    );
  };
}

const { delivery, queue } = wireDeliveryConsumer();
export const handler = observed(createDeliveryHandler(delivery, queue));
