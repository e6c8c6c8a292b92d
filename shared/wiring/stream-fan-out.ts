// What the StreamFanOut function uses, built once per container: the fan-out
// over SNS PublishBatch to the FIFO fan-out topic.
import { SNSClient } from '@aws-sdk/client-sns';
import { traced } from '#adapters/observability/tracer';
import { createSnsFanOutPublisher } from '#adapters/sns/fan-out-publisher';
import { config, requiredSetting } from '#config';
import { createStreamFanOut } from '#use-cases/stream-fan-out';

export const fanOut = createStreamFanOut({
  publisher: createSnsFanOutPublisher({
    client: traced(new SNSClient({})),
    topicArn: requiredSetting(config, 'FAN_OUT_TOPIC_ARN', 'the SNS FIFO topic the stream records are published to'),
  }),
});
