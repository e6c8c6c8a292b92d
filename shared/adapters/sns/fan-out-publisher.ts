// The fan-out port over Amazon SNS PublishBatch to the FIFO fan-out topic. In
// the local stack the same call reaches fauxqs's SNS (AWS_ENDPOINT_URL_SNS);
// this code never knows the difference.
import { PublishBatchCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { FanOutEntry, FanOutPublisher } from '#use-cases/stream-fan-out';

export function createSnsFanOutPublisher(options: { client: SNSClient; topicArn: string }): FanOutPublisher {
  return {
    async publishBatch(entries: FanOutEntry[]) {
      const response = await options.client.send(
        new PublishBatchCommand({
          TopicArn: options.topicArn,
          PublishBatchRequestEntries: entries.map((entry) => ({
            Id: entry.id,
            Message: entry.message,
            MessageGroupId: entry.groupId,
            MessageDeduplicationId: entry.deduplicationId,
          })),
        }),
      );
      return {
        failed: (response.Failed ?? []).map((failure) => ({ id: failure.Id ?? '?', reason: `${failure.Code ?? 'Error'}: ${failure.Message ?? ''}` })),
      };
    },
  };
}
