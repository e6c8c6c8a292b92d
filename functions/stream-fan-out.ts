// Target of the table stream's pipe (invoked synchronously with a batch of
// stream records, the ticket and message records the pipe's filter lets
// through): publishes each record to the SNS FIFO fan-out topic, from where
// the consumers' FIFO queues receive them (docs/architecture.md, "The
// fan-out"). Pipes cannot target an SNS FIFO topic, hence this function. A
// refused record fails the invocation: the pipe retries the batch (the
// topic's deduplication on the stream eventID drops what already went out)
// and after its retries parks it in the pipe's dead-letter queue.
import { logger } from '#adapters/observability/logger';
import { streamMetrics } from '#adapters/dynamodb/stream-metrics';
import { observed } from '#adapters/observability/handler';
import { recordMetrics } from '#adapters/observability/metrics';
import { SNSClient } from '@aws-sdk/client-sns';
import { z } from 'zod';
import { createSnsFanOutPublisher } from '#adapters/sns/fan-out-publisher';
import { config, requiredSetting } from '#config';
import { createStreamFanOut } from '#use-cases/stream-fan-out';
import { traced } from '#adapters/observability/tracer';

const fanOut = createStreamFanOut({
  publisher: createSnsFanOutPublisher({
    client: traced(new SNSClient({})),
    topicArn: requiredSetting(config, 'FAN_OUT_TOPIC_ARN', 'the SNS FIFO topic the stream records are published to'),
  }),
});

/** A pipe with a Lambda target passes the batch as a JSON array of records. */
const pipeBatch = z.array(z.unknown());

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
