// StreamFanOut: the table stream's records published to the SNS FIFO fan-out topic.
import { createSnsFanOutPublisher } from '#adapters/sns/fan-out-publisher';
import { config, requiredSetting } from '#config';
import { createStreamFanOut } from '#use-cases/stream-fan-out';
import { snsClient } from './aws-clients';
import { once } from './once';

export const wireStreamFanOut = once(() =>
  createStreamFanOut({
    publisher: createSnsFanOutPublisher({
      client: snsClient(),
      topicArn: requiredSetting(config, 'FAN_OUT_TOPIC_ARN', 'the SNS FIFO topic the stream records are published to'),
    }),
  }),
);
