// DeliveryConsumer's handler over given use cases: each record's message
// delivered by the delivery use case, its result logged and counted, and a
// send to retry reported failed with its queue message's visibility pushed
// out to the backoff.
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { messageLocationOf } from '#adapters/dynamodb/stream-record';
import { deliveryMetrics } from '#adapters/observability/delivery-metrics';
import { logger } from '#adapters/observability/logger';
import { recordMetrics } from '#adapters/observability/metrics';
import { processFifoBatch } from '#adapters/sqs/fifo-batch';
import { groupOf, receiveCountOf, type MessageVisibility } from '#adapters/sqs/retry-visibility';
import type { Delivery } from '#use-cases/delivery';

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
