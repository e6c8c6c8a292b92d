// Target of the table stream's pipe (invoked synchronously with a batch of
// stream records, the ticket and message records the pipe's filter lets
// through): publishes each record to the SNS FIFO fan-out topic, from where
// the consumers' FIFO queues receive them (docs/architecture.md, "The
// fan-out"). Pipes cannot target an SNS FIFO topic, hence this function. A
// refused record fails the invocation: the pipe retries the batch (the
// topic's deduplication on the stream eventID drops what already went out)
// and after its retries parks it in the pipe's dead-letter queue. Records are
// published as they came, read no further than their eventID and partition
// key: one whose images are malformed must not hold back its batch here, it
// fails alone in each consumer's queue (Powertools Parser reads it there, and
// in stream-metrics.ts for the metrics).
import { streamMetrics } from '#adapters/dynamodb/stream-metrics';
import { observed } from '#adapters/observability/handler';
import { logger } from '#adapters/observability/logger';
import { recordMetrics } from '#adapters/observability/metrics';
import * as z from 'zod';
import { wireStreamFanOut } from '#wiring/stream-fan-out';

/** A pipe with a Lambda target passes the batch as a JSON array of records. */
const pipeBatch = z.array(z.unknown());

const fanOut = wireStreamFanOut();

export const handler = observed(async function handler(event: unknown): Promise<{ published: number }> {
  const records = pipeBatch.parse(event);
  try {
    const published = await fanOut(records);
    // Counted once published: a batch that failed is retried by the pipe and counted then.
    recordMetrics(streamMetrics(records));
    return published;
  } catch (error) {
    logger.error('stream records not published; the pipe will retry the batch', { records: records.length, error });
    throw error;
  }
});
