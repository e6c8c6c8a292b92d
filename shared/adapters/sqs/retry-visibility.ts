// When a consumer's failed queue messages come back. Lambda's SQS event source
// leaves a failed batch item on the queue, and the queue hands it out again
// after its visibility timeout (minutes: it must exceed 6 × the function's
// timeout). A consumer that knows better — a backoff — sets the failed
// message's visibility itself (ChangeMessageVisibility with the receipt
// handle Lambda passed; the event source's grant allows it), on AWS and on the
// local stack alike. In a FIFO group nothing is handed out while one message
// is in flight, so the group's held-back messages get the same delay and come
// back together, in order.
import { ChangeMessageVisibilityCommand, GetQueueUrlCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';

export interface MessageVisibility {
  /** Makes the queue message visible again in `seconds`. */
  delay(record: SQSRecord, seconds: number): Promise<void>;
}

/** The queue each record came from (its URL looked up once by the ARN's name and account). */
export function sqsMessageVisibility(sqs: SQSClient): MessageVisibility {
  const urls = new Map<string, Promise<string>>();
  const urlOf = (arn: string) => {
    let url = urls.get(arn);
    if (!url) {
      const [, , , , account, name] = arn.split(':');
      url = sqs.send(new GetQueueUrlCommand({ QueueName: name, QueueOwnerAWSAccountId: account })).then((out) => out.QueueUrl!);
      url.catch(() => urls.delete(arn));
      urls.set(arn, url);
    }
    return url;
  };
  return {
    async delay(record, seconds) {
      await sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: await urlOf(record.eventSourceARN), ReceiptHandle: record.receiptHandle, VisibilityTimeout: seconds }));
    },
  };
}

/** A record's FIFO message group (a standard queue's message is a group of its own). */
export function groupOf(record: SQSRecord): string {
  return record.attributes?.MessageGroupId ?? record.messageId;
}

/**
 * Sets the visibility of each failed message to its group's delay
 * (`delayOf` the group's first failed record; null: leave it to the queue).
 * A delay that cannot be set only costs time: `warn` says so.
 */
export async function delayFailedMessages(
  visibility: MessageVisibility,
  failed: readonly SQSRecord[],
  delayOf: (first: SQSRecord) => number | null,
  warn: (message: string, details: Record<string, unknown>) => void,
): Promise<void> {
  const groupDelay = new Map<string, number | null>();
  for (const record of failed) if (!groupDelay.has(groupOf(record))) groupDelay.set(groupOf(record), delayOf(record));
  await Promise.all(
    failed.map(async (record) => {
      const seconds = groupDelay.get(groupOf(record));
      if (seconds == null) return;
      try {
        await visibility.delay(record, seconds);
      } catch (error) {
        warn("could not set the retry delay; the queue's visibility timeout applies", { messageId: record.messageId, error: String(error) });
      }
    }),
  );
}

/** How often the queue has handed the message out (1 on the first receive). */
export function receiveCountOf(record: SQSRecord): number {
  return Number(record.attributes?.ApproximateReceiveCount ?? '1') || 1;
}
