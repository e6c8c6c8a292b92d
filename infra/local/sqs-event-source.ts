// Runs the AWS::Lambda::EventSourceMapping resources whose source is an SQS
// queue the way Lambda's pollers do: long-poll, gather up to BatchSize
// messages (within MaximumBatchingWindowInSeconds), invoke the function, and
// delete what succeeded. With ReportBatchItemFailures only the reported items
// stay; a thrown error leaves the whole batch. What stays becomes visible
// again after the queue's visibility timeout, and the queue's redrive policy
// (applied by fauxqs) moves it to the dead-letter queue after maxReceiveCount.
import { setTimeout as sleep } from 'node:timers/promises';
import {
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  type Message,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { resourcesOfType, type CloudAssembly, type IntrinsicResolver } from './cloud-assembly';
import type { FunctionHost, LocalFunction } from './functions';
import type { LocalQueue } from './resources';

export interface SqsEventSourceMapping {
  queue: LocalQueue;
  function: LocalFunction;
  batchSize: number;
  batchingWindowSeconds: number;
  reportBatchItemFailures: boolean;
}

export function readSqsEventSourceMappings(
  assembly: CloudAssembly,
  resolver: IntrinsicResolver,
  functions: FunctionHost,
  queues: LocalQueue[],
): SqsEventSourceMapping[] {
  return resourcesOfType(assembly, 'AWS::Lambda::EventSourceMapping').flatMap(({ stack, logicalId, resource }) => {
    const properties = resolver.resolve(resource.Properties ?? {}, stack) as Record<string, any>;
    if (properties.Enabled === false) return [];
    const queue = queues.find((candidate) => candidate.queueArn === properties.EventSourceArn);
    if (!queue) throw new Error(`${logicalId}: only event source mappings from the templates' SQS queues run locally`);
    const fn = functions.find(String(properties.FunctionName));
    if (!fn) throw new Error(`${logicalId}: function ${properties.FunctionName} is not in the templates`);
    return [
      {
        queue,
        function: fn,
        batchSize: Number(properties.BatchSize ?? 10),
        batchingWindowSeconds: Number(properties.MaximumBatchingWindowInSeconds ?? 0),
        reportBatchItemFailures: ((properties.FunctionResponseTypes ?? []) as string[]).includes('ReportBatchItemFailures'),
      },
    ];
  });
}

/** The record Lambda gives a function for one SQS message. */
export function sqsRecord(message: Message, queue: LocalQueue, region: string) {
  return {
    messageId: message.MessageId!,
    receiptHandle: message.ReceiptHandle!,
    body: message.Body ?? '',
    attributes: message.Attributes ?? {},
    messageAttributes: Object.fromEntries(
      Object.entries(message.MessageAttributes ?? {}).map(([name, value]) => [
        name,
        {
          ...(value.StringValue !== undefined ? { stringValue: value.StringValue } : {}),
          ...(value.BinaryValue !== undefined ? { binaryValue: Buffer.from(value.BinaryValue).toString('base64') } : {}),
          stringListValues: value.StringListValues ?? [],
          binaryListValues: (value.BinaryListValues ?? []).map((item) => Buffer.from(item).toString('base64')),
          dataType: value.DataType!,
        },
      ]),
    ),
    md5OfBody: message.MD5OfBody!,
    ...(message.MD5OfMessageAttributes ? { md5OfMessageAttributes: message.MD5OfMessageAttributes } : {}),
    eventSource: 'aws:sqs',
    eventSourceARN: queue.queueArn,
    awsRegion: region,
  };
}

/** Which messages of a batch to delete after an invocation, as Lambda decides it. */
export function messagesToDelete(
  batch: Message[],
  outcome: Awaited<ReturnType<LocalFunction['invoke']>>,
  reportBatchItemFailures: boolean,
): Message[] {
  if (!outcome.ok) return [];
  if (!reportBatchItemFailures) return batch;
  const failures = (outcome.result as { batchItemFailures?: unknown } | null)?.batchItemFailures;
  if (failures === undefined || failures === null) return batch;
  if (!Array.isArray(failures)) return [];
  const failedIds = new Set<string>();
  for (const failure of failures) {
    const id = (failure as { itemIdentifier?: unknown } | null)?.itemIdentifier;
    // An empty or unknown identifier makes Lambda treat the whole batch as failed.
    if (typeof id !== 'string' || !batch.some((message) => message.MessageId === id)) return [];
    failedIds.add(id);
  }
  return batch.filter((message) => !failedIds.has(message.MessageId!));
}

export interface RunningEventSource {
  stop(): Promise<void>;
}

export function startSqsEventSource(
  mapping: SqsEventSourceMapping,
  client: SQSClient,
  options: { region: string; log: (line: string) => void; waitTimeSeconds?: number },
): RunningEventSource {
  const abort = new AbortController();
  const { queue } = mapping;

  const receiveBatch = async (): Promise<Message[]> => {
    const batch: Message[] = [];
    const windowEnds = Date.now() + mapping.batchingWindowSeconds * 1000;
    do {
      const response = await client.send(
        new ReceiveMessageCommand({
          QueueUrl: queue.queueUrl,
          MaxNumberOfMessages: Math.min(10, mapping.batchSize - batch.length),
          WaitTimeSeconds: batch.length ? 0 : (options.waitTimeSeconds ?? 20),
          MessageSystemAttributeNames: ['All'],
          MessageAttributeNames: ['All'],
        }),
        { abortSignal: abort.signal },
      );
      batch.push(...(response.Messages ?? []));
      if (!response.Messages?.length && batch.length) {
        if (Date.now() >= windowEnds) break;
        await sleep(Math.min(200, windowEnds - Date.now()), undefined, { signal: abort.signal });
      }
    } while (batch.length < mapping.batchSize && batch.length > 0 && Date.now() < windowEnds);
    return batch;
  };

  const poll = async () => {
    while (!abort.signal.aborted) {
      try {
        const batch = await receiveBatch();
        if (!batch.length) continue;
        const outcome = await mapping.function.invoke({ Records: batch.map((message) => sqsRecord(message, queue, options.region)) });
        if (!outcome.ok) {
          options.log(`[${mapping.function.name}] batch of ${batch.length} from ${queue.queueName} failed: ${outcome.error.errorType}: ${outcome.error.errorMessage}`);
        }
        const done = messagesToDelete(batch, outcome, mapping.reportBatchItemFailures);
        for (let start = 0; start < done.length; start += 10) {
          await client.send(
            new DeleteMessageBatchCommand({
              QueueUrl: queue.queueUrl,
              Entries: done.slice(start, start + 10).map((message, index) => ({ Id: String(index), ReceiptHandle: message.ReceiptHandle! })),
            }),
          );
        }
      } catch (error) {
        if (abort.signal.aborted) break;
        options.log(`event source ${queue.queueName} → ${mapping.function.name}: ${(error as Error).message}; retrying`);
        await sleep(1_000, undefined, { signal: abort.signal }).catch(() => undefined);
      }
    }
  };

  const running = poll();
  return {
    async stop() {
      abort.abort();
      await running.catch(() => undefined);
    },
  };
}
