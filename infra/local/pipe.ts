// Runs an AWS::Pipes::Pipe whose source is a DynamoDB stream and whose target
// is an SQS queue or a Lambda function: polls the stream of DynamoDB Local,
// applies the pipe's filter criteria, and hands the matching records on — to a
// queue each as JSON with the message group and deduplication ids taken from
// the record by the template's JSON paths, to a function as one synchronous
// invocation with the batch (a JSON array of records; a function error fails
// the batch). Failures are retried with backoff a finite number of times
// (halving the batch first with AUTOMATIC_BISECT), then the records go to the
// pipe's dead-letter queue. Shard positions are checkpointed in a file, so a
// restart neither loses nor replays records. Parking a record never fails on
// what the record holds (a real pipe's DLQ message carries the batch's
// position, not its records): no record can stall its shard.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  ExpiredIteratorException,
  GetRecordsCommand,
  GetShardIteratorCommand,
  TrimmedDataAccessException,
  type _Record as StreamRecord,
  type Shard,
} from '@aws-sdk/client-dynamodb-streams';
import { SendMessageBatchCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { resourcesOfType, type CloudAssembly, type IntrinsicResolver } from './cloud-assembly';
import { matchesPattern, type EventPattern } from './event-pattern';
import type { FunctionHost, LocalFunction } from './functions';
import type { LocalQueue } from './resources';

/** Where a pipe hands its records: a queue (one message each) or a function (one synchronous invocation per batch). */
export type PipeTarget =
  | { kind: 'sqs'; queue: LocalQueue; messageGroupIdPath: string | undefined; messageDeduplicationIdPath: string | undefined }
  | { kind: 'lambda'; function: LocalFunction };

export interface PipeDefinition {
  name: string;
  streamArn: string;
  target: PipeTarget;
  deadLetterQueue: LocalQueue | undefined;
  filters: EventPattern[];
  batchSize: number;
  maximumRetryAttempts: number;
  /** -1 = no limit. */
  maximumRecordAgeSeconds: number;
  /** OnPartialBatchItemFailure AUTOMATIC_BISECT: a failed batch is halved and each half retried, so one bad record does not drag its batch to the DLQ. */
  bisectOnFailure: boolean;
  startingPosition: 'LATEST' | 'TRIM_HORIZON';
}

export function readPipes(assembly: CloudAssembly, resolver: IntrinsicResolver, queues: LocalQueue[], functions: FunctionHost): PipeDefinition[] {
  const queueByArn = (arn: string) => queues.find((queue) => queue.queueArn === arn);
  return resourcesOfType(assembly, 'AWS::Pipes::Pipe').map(({ stack, logicalId, resource }) => {
    const properties = resolver.resolve(resource.Properties ?? {}, stack) as Record<string, any>;
    const streamArn = String(properties.Source);
    const target = pipeTarget(String(properties.Target), properties.TargetParameters ?? {}, queueByArn, functions);
    if (!streamArn.includes(':dynamodb:') || !target) {
      throw new Error(`${logicalId}: only pipes from a DynamoDB stream to an SQS queue or a Lambda function run locally`);
    }
    const source = properties.SourceParameters?.DynamoDBStreamParameters ?? {};
    const dlqArn: string | undefined = source.DeadLetterConfig?.Arn;
    return {
      name: String(properties.Name ?? `${stack.name}-${logicalId}`),
      streamArn,
      target,
      deadLetterQueue: dlqArn ? queueByArn(dlqArn) : undefined,
      filters: ((properties.SourceParameters?.FilterCriteria?.Filters ?? []) as { Pattern: string }[]).map(
        (filter) => JSON.parse(filter.Pattern) as EventPattern,
      ),
      batchSize: Number(source.BatchSize ?? 10),
      maximumRetryAttempts: Number(source.MaximumRetryAttempts ?? -1),
      maximumRecordAgeSeconds: Number(source.MaximumRecordAgeInSeconds ?? -1),
      bisectOnFailure: source.OnPartialBatchItemFailure === 'AUTOMATIC_BISECT',
      startingPosition: source.StartingPosition === 'TRIM_HORIZON' ? 'TRIM_HORIZON' : 'LATEST',
    };
  });
}

function pipeTarget(
  arn: string,
  parameters: Record<string, any>,
  queueByArn: (arn: string) => LocalQueue | undefined,
  functions: FunctionHost,
): PipeTarget | undefined {
  if (arn.includes(':lambda:')) {
    const invocationType = parameters.LambdaFunctionParameters?.InvocationType ?? 'REQUEST_RESPONSE';
    if (invocationType !== 'REQUEST_RESPONSE') throw new Error(`pipe target ${arn}: only REQUEST_RESPONSE invocations run locally`);
    const fn = functions.find(arn);
    return fn && { kind: 'lambda', function: fn };
  }
  const queue = queueByArn(arn);
  const sqsParameters = parameters.SqsQueueParameters ?? {};
  return (
    queue && { kind: 'sqs', queue, messageGroupIdPath: sqsParameters.MessageGroupId, messageDeduplicationIdPath: sqsParameters.MessageDeduplicationId }
  );
}

/** What a pipe's target is called in log lines. */
export function targetName(target: PipeTarget): string {
  return target.kind === 'sqs' ? target.queue.queueName : target.function.name;
}

/** `$.dynamodb.Keys.pk.S` → the value at that place in the event (the JSON paths pipes accept). */
export function valueAtJsonPath(event: unknown, jsonPath: string): unknown {
  if (!jsonPath.startsWith('$')) return jsonPath; // a static value
  const steps = jsonPath.slice(1).match(/[^.[\]]+/g) ?? [];
  return steps.reduce<unknown>((value, step) => (value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[step] : undefined), event);
}

/** The record as a pipe passes it on: the stream record with epoch-second times and base64 binaries. */
export function pipeEvent(record: StreamRecord, streamArn: string): Record<string, unknown> {
  const json = JSON.stringify(record, function toJson(this: unknown, key, value: unknown) {
    const original = (this as Record<string, unknown>)[key];
    if (original instanceof Uint8Array) return Buffer.from(original).toString('base64');
    if (original instanceof Date) return Math.floor(original.getTime() / 1000);
    return value;
  });
  return { ...(JSON.parse(json) as Record<string, unknown>), eventSourceARN: streamArn };
}

/** Per shard: the last sequence number handed on, or the time the pipe began reading at LATEST. */
type Checkpoint = Record<string, { sequenceNumber: string } | { latestSince: number }>;

export interface RunningPipe {
  /**
   * Settles once the pipe has a position in every shard: on AWS a pipe reads before the deployment
   * ends, so a record written after the start must not be missed by a LATEST starting position.
   */
  ready: Promise<void>;
  stop(): Promise<void>;
}

export function startPipe(
  pipe: PipeDefinition,
  clients: { streams: DynamoDBStreamsClient; sqs: SQSClient },
  options: { checkpointDirectory: string | undefined; log: (line: string) => void; pollIntervalMs?: number },
): RunningPipe {
  const checkpointFile = options.checkpointDirectory ? path.join(options.checkpointDirectory, `${pipe.name}.json`) : undefined;
  const firstStart = !checkpointFile || !existsSync(checkpointFile);
  const checkpoint: Checkpoint = checkpointFile && !firstStart ? (JSON.parse(readFileSync(checkpointFile, 'utf8')) as Checkpoint) : {};
  const saveCheckpoint = () => {
    if (!checkpointFile) return;
    mkdirSync(path.dirname(checkpointFile), { recursive: true });
    writeFileSync(`${checkpointFile}.tmp`, JSON.stringify(checkpoint, null, 2));
    renameSync(`${checkpointFile}.tmp`, checkpointFile);
  };
  const abort = new AbortController();
  const iterators = new Map<string, string>();
  const finishedShards = new Set<string>();
  const skipBefore = new Map<string, number>();
  let knownAtStart: Set<string> | undefined;

  const iteratorFor = async (shard: Shard): Promise<string | undefined> => {
    const shardId = shard.ShardId!;
    const position = checkpoint[shardId];
    const request =
      position && 'sequenceNumber' in position
        ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER' as const, SequenceNumber: position.sequenceNumber }
        : !position && firstStart && knownAtStart?.has(shardId) && pipe.startingPosition === 'LATEST'
          ? { ShardIteratorType: 'LATEST' as const }
          : { ShardIteratorType: 'TRIM_HORIZON' as const };
    if (request.ShardIteratorType === 'LATEST') {
      checkpoint[shardId] = { latestSince: Date.now() };
      saveCheckpoint();
    }
    // Reading from the start of a shard the pipe first joined at LATEST: skip what came before.
    if (position && 'latestSince' in position && request.ShardIteratorType === 'TRIM_HORIZON') skipBefore.set(shardId, position.latestSince);
    else skipBefore.delete(shardId);
    try {
      const response = await clients.streams.send(
        new GetShardIteratorCommand({ StreamArn: pipe.streamArn, ShardId: shardId, ...request }),
        { abortSignal: abort.signal },
      );
      return response.ShardIterator;
    } catch (error) {
      if (error instanceof TrimmedDataAccessException) {
        delete checkpoint[shardId];
        return (
          await clients.streams.send(new GetShardIteratorCommand({ StreamArn: pipe.streamArn, ShardId: shardId, ShardIteratorType: 'TRIM_HORIZON' }))
        ).ShardIterator;
      }
      throw error;
    }
  };

  const readableShards = async (): Promise<Shard[]> => {
    const shards: Shard[] = [];
    let exclusiveStartShardId: string | undefined;
    do {
      const { StreamDescription } = await clients.streams.send(
        new DescribeStreamCommand({ StreamArn: pipe.streamArn, ExclusiveStartShardId: exclusiveStartShardId }),
        { abortSignal: abort.signal },
      );
      shards.push(...(StreamDescription?.Shards ?? []));
      exclusiveStartShardId = StreamDescription?.LastEvaluatedShardId;
    } while (exclusiveStartShardId);
    knownAtStart ??= new Set(shards.map((shard) => shard.ShardId!));
    const present = new Set(shards.map((shard) => shard.ShardId!));
    // A child shard is read once its parent is read to its end, keeping per-item order.
    return shards.filter(
      (shard) =>
        !finishedShards.has(shard.ShardId!) &&
        (!shard.ParentShardId || !present.has(shard.ParentShardId) || finishedShards.has(shard.ParentShardId)),
    );
  };

  /** Older than MaximumRecordAgeInSeconds (the record's creation time is in epoch seconds in the event). */
  const tooOld = (event: Record<string, unknown>) => {
    const created = (event.dynamodb as { ApproximateCreationDateTime?: number } | undefined)?.ApproximateCreationDateTime;
    return pipe.maximumRecordAgeSeconds >= 0 && created !== undefined && Date.now() / 1000 - created > pipe.maximumRecordAgeSeconds;
  };

  const handOn = async (shardId: string, records: StreamRecord[]) => {
    const events = records.map((record) => pipeEvent(record, pipe.streamArn));
    await deliver(shardId, events.filter((event) => !pipe.filters.length || pipe.filters.some((filter) => matchesPattern(filter, event))));
  };

  /** Hands events on until they are delivered or parked in the dead-letter queue, in stream order. */
  const deliver = async (shardId: string, events: Record<string, unknown>[]): Promise<void> => {
    let pending = events;
    for (let attempt = 0; pending.length; attempt++) {
      for (const event of pending.filter(tooOld)) await deadLetter(shardId, event, 'MaximumRecordAgeExceeded');
      const failed = await sendToTarget(pending.filter((event) => !tooOld(event)));
      if (!failed.length) return;
      if (pipe.bisectOnFailure && failed.length > 1) {
        const half = Math.ceil(failed.length / 2);
        await deliver(shardId, failed.slice(0, half));
        await deliver(shardId, failed.slice(half));
        return;
      }
      if (pipe.maximumRetryAttempts >= 0 && attempt >= pipe.maximumRetryAttempts) {
        for (const event of failed) await deadLetter(shardId, event, 'MaximumRetryAttemptsExceeded');
        return;
      }
      await sleep(Math.min(200 * 2 ** attempt, 5_000), undefined, { signal: abort.signal });
      pending = failed;
    }
  };

  /** Hands events to the target; returns those that could not be delivered. */
  const sendToTarget = async (events: Record<string, unknown>[]): Promise<Record<string, unknown>[]> => {
    const { target } = pipe;
    if (!events.length) return [];
    if (target.kind === 'lambda') {
      const outcome = await target.function.invoke(events);
      if (outcome.ok) return [];
      options.log(`pipe ${pipe.name}: ${target.function.name} failed on ${events.length} record(s): ${outcome.error.errorType}: ${outcome.error.errorMessage}`);
      return events;
    }
    const failed: Record<string, unknown>[] = [];
    for (let start = 0; start < events.length; start += 10) {
      const chunk = events.slice(start, start + 10);
      try {
        const response = await clients.sqs.send(
          new SendMessageBatchCommand({
            QueueUrl: target.queue.queueUrl,
            Entries: chunk.map((event, index) => ({
              Id: String(index),
              MessageBody: JSON.stringify(event),
              ...(target.messageGroupIdPath ? { MessageGroupId: String(valueAtJsonPath(event, target.messageGroupIdPath)) } : {}),
              ...(target.messageDeduplicationIdPath
                ? { MessageDeduplicationId: String(valueAtJsonPath(event, target.messageDeduplicationIdPath)) }
                : {}),
            })),
          }),
        );
        for (const failure of response.Failed ?? []) {
          options.log(`pipe ${pipe.name}: target refused a record: ${failure.Code} ${failure.Message ?? ''}`);
          failed.push(chunk[Number(failure.Id)]!);
        }
      } catch (error) {
        options.log(`pipe ${pipe.name}: sending to ${target.queue.queueName} failed: ${(error as Error).message}`);
        failed.push(...chunk);
      }
    }
    return failed;
  };

  /**
   * Parks a record: a message with the pipe, the reason and where the record
   * is in the stream (what a real pipe's DLQ message says), plus the record
   * itself for reading it here. A record the queue refuses (characters SQS
   * does not take, more than 256 KB) is parked by its position alone, and a
   * queue that refuses even that only costs a log line: the shard goes on.
   */
  const deadLetter = async (shardId: string, event: Record<string, unknown>, reason: string) => {
    const eventId = String(event.eventID);
    if (!pipe.deadLetterQueue) {
      options.log(`pipe ${pipe.name}: dropped record ${eventId} (${reason}; no dead-letter queue)`);
      return;
    }
    const queue = pipe.deadLetterQueue;
    const sequenceNumber = (event.dynamodb as { SequenceNumber?: string } | undefined)?.SequenceNumber;
    const batchInfo = { streamArn: pipe.streamArn, shardId, startSequenceNumber: sequenceNumber, endSequenceNumber: sequenceNumber, batchSize: 1 };
    const fifo = queue.queueName.endsWith('.fifo');
    const send = (body: object) =>
      clients.sqs.send(
        new SendMessageCommand({
          QueueUrl: queue.queueUrl,
          MessageBody: JSON.stringify(body),
          ...(fifo ? { MessageGroupId: pipe.name, MessageDeduplicationId: eventId } : {}),
        }),
      );
    try {
      await send({ pipe: pipe.name, reason, batchInfo, record: event });
    } catch (withRecord) {
      try {
        await send({ pipe: pipe.name, reason, batchInfo, eventID: eventId, recordRefused: (withRecord as Error).message });
      } catch (error) {
        options.log(`pipe ${pipe.name}: record ${eventId} could not be parked in ${queue.queueName} (${reason}): ${(error as Error).message}; skipped`);
        return;
      }
    }
    options.log(`pipe ${pipe.name}: record ${eventId} sent to ${queue.queueName} (${reason})`);
  };

  let markReady = () => {};
  const ready = new Promise<void>((resolve) => (markReady = resolve));

  const poll = async () => {
    while (!abort.signal.aborted) {
      let received = 0;
      try {
        for (const shard of await readableShards()) {
          const shardId = shard.ShardId!;
          let iterator = iterators.get(shardId) ?? (await iteratorFor(shard));
          if (!iterator) continue;
          let response;
          try {
            response = await clients.streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: pipe.batchSize }), {
              abortSignal: abort.signal,
            });
          } catch (error) {
            if (!(error instanceof ExpiredIteratorException)) throw error;
            iterators.delete(shardId);
            continue;
          }
          const records = response.Records ?? [];
          const since = skipBefore.get(shardId);
          // Creation times may be rounded down (to the second on AWS, coarser on DynamoDB Local):
          // a minute's margin replays a few records rather than losing any.
          const fresh =
            since === undefined
              ? records
              : records.filter((record) => (record.dynamodb?.ApproximateCreationDateTime?.getTime() ?? Infinity) >= since - 60_000);
          if (fresh.length) await handOn(shardId, fresh);
          const last = records.at(-1)?.dynamodb?.SequenceNumber;
          if (last) {
            checkpoint[shardId] = { sequenceNumber: last };
            saveCheckpoint();
          }
          received += records.length;
          iterator = response.NextShardIterator;
          if (iterator) iterators.set(shardId, iterator);
          else {
            iterators.delete(shardId);
            finishedShards.add(shardId);
          }
        }
      } catch (error) {
        if (abort.signal.aborted) break;
        options.log(`pipe ${pipe.name}: ${(error as Error).message}; retrying`);
        iterators.clear();
      }
      markReady();
      if (!received) await sleep(options.pollIntervalMs ?? 250, undefined, { signal: abort.signal }).catch(() => undefined);
    }
  };

  const running = poll().finally(markReady);
  return {
    ready,
    async stop() {
      abort.abort();
      await running.catch(() => undefined);
    },
  };
}
