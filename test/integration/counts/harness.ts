// What the counts tests run on: their own table (as the CDK stack declares it)
// on DynamoDB Local, their own FIFO queue and dead-letter queue on fauxqs
// (redrive policy as the stack declares it), ticket items as the repositories
// store them, stream records as the pipe delivers them, and a loop that plays
// Lambda's SQS event source mapping.
import { randomUUID } from 'node:crypto';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DescribeStreamCommand, DynamoDBStreamsClient, GetRecordsCommand, GetShardIteratorCommand } from '@aws-sdk/client-dynamodb-streams';
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SQSClient,
  type Message,
} from '@aws-sdk/client-sqs';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { toTicketItem } from '#adapters/dynamodb/entities/ticket';
import { tableDefinition } from '#adapters/dynamodb/table';
import type { Ticket } from '#domain/ticket';
import { fanOutBatches } from '#use-cases/stream-fan-out';
import { TICKET_RECORD_FILTER } from '../../../infra/constructs/stream-fan-out';
import { matchesPattern } from '../../../infra/local/event-pattern';
import { pipeEvent } from '../../../infra/local/pipe';
import { TICKET_EVENTS_MAX_RECEIVE_COUNT } from '../../../infra/stacks/stateful-stack';
import { pipeStreamRecord } from '../../support/stream-record';

export const dynamodb = new DynamoDBClient({});
// The endpoint comes from AWS_ENDPOINT_URL_SQS; fauxqs's queue URLs (sqs.<region>.<host>) are not meant to be dialled.
export const sqs = new SQSClient({ useQueueUrlAsEndpoint: false });

export async function createTable(): Promise<string> {
  const tableName = `counts-${randomUUID()}`;
  await dynamodb.send(new CreateTableCommand(tableDefinition(tableName)));
  return tableName;
}

export interface TicketEventsQueues {
  queueUrl: string;
  deadLetterQueueUrl: string;
}

/** The stack's FIFO queue and FIFO DLQ with its maxReceiveCount; a 1 s visibility timeout keeps retries quick. */
/** The consumer's queue and its DLQ, with the stack's redrive count unless the test names another. */
export async function createQueues(maxReceiveCount = TICKET_EVENTS_MAX_RECEIVE_COUNT): Promise<TicketEventsQueues> {
  const suffix = randomUUID().slice(0, 8);
  const dlq = await sqs.send(new CreateQueueCommand({ QueueName: `ticket-events-dlq-${suffix}.fifo`, Attributes: { FifoQueue: 'true' } }));
  const dlqArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlq.QueueUrl, AttributeNames: ['QueueArn'] }))).Attributes?.QueueArn;
  const queue = await sqs.send(
    new CreateQueueCommand({
      QueueName: `ticket-events-${suffix}.fifo`,
      Attributes: {
        FifoQueue: 'true',
        VisibilityTimeout: '1',
        RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount }),
      },
    }),
  );
  return { queueUrl: queue.QueueUrl!, deadLetterQueueUrl: dlq.QueueUrl! };
}

/** A ticket as the domain holds it; override what the test cares about. */
export function ticket(overrides: Partial<Ticket> & Pick<Ticket, 'workspace'>): Ticket {
  const now = '2026-11-24T10:00:00.000000Z';
  return {
    uuid: randomUUID(),
    status: 'open',
    contact: randomUUID(),
    topic: 'general',
    assignee: null,
    opened_on: now,
    opened_by: null,
    opened_in: null,
    modified_on: now,
    last_activity_on: now,
    closed_on: null,
    replied_on: null,
    last_message: null,
    version: 1,
    ...overrides,
  };
}

export interface StreamRecordBody {
  eventID: string;
  eventName: 'INSERT' | 'MODIFY' | 'REMOVE';
  dynamodb: { Keys: Record<string, unknown>; NewImage?: Record<string, unknown>; OldImage?: Record<string, unknown>; [other: string]: unknown };
  [other: string]: unknown;
}

/** A stream record of a ticket change, shaped as the pipe delivers it (the images are the stored ticket items). */
export function ticketStreamRecord(before: Ticket | null, after: Ticket | null, eventID = randomUUID()): StreamRecordBody {
  const image = (value: Ticket | null) => (value ? marshall(toTicketItem(value), { removeUndefinedValues: true }) : undefined);
  const key = toTicketItem((after ?? before)!);
  return pipeStreamRecord({
    eventID,
    eventName: !before ? 'INSERT' : !after ? 'REMOVE' : 'MODIFY',
    Keys: marshall({ pk: key.pk, sk: key.sk }),
    NewImage: image(after),
    OldImage: image(before),
  });
}

/** The SQS event Lambda hands the consumer for these bodies (one message group per ticket, as the pipe sets it). */
export function sqsEvent(messages: { body: string; group: string; id?: string }[]): SQSEvent {
  return { Records: messages.map((message) => sqsRecord(message.id ?? randomUUID(), message.body, message.group)) };
}

function sqsRecord(messageId: string, body: string, group: string, receiveCount = '1'): SQSRecord {
  return {
    messageId,
    receiptHandle: messageId,
    body,
    attributes: {
      ApproximateReceiveCount: receiveCount,
      SentTimestamp: String(Date.now()),
      SenderId: 'pipe',
      ApproximateFirstReceiveTimestamp: String(Date.now()),
      MessageGroupId: group,
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:ticket-events.fifo',
    awsRegion: 'us-east-1',
  };
}

/** The message group the pipe gives a record ($.dynamodb.Keys.pk.S: the ticket). */
/** The group and deduplication id the fan-out publishes a record with (the queue keeps both). */
const fanOutEntry = (record: StreamRecordBody) => fanOutBatches([record])[0]![0]!;
export const groupOf = (record: StreamRecordBody) => fanOutEntry(record).groupId;

/**
 * What the pipe does, once: reads the table's stream from the start, keeps the
 * records the pipe's filter keeps, and sends them to the queue with the pipe's
 * group and deduplication ids. Returns the records it sent. (The local stack's
 * pipe, infra/local/pipe.ts, does this continuously; its event shape, filter
 * matcher and JSON paths are reused here.)
 */
export async function relayStream(tableName: string, queueUrl: string): Promise<StreamRecordBody[]> {
  const streams = new DynamoDBStreamsClient({ endpoint: process.env.AWS_ENDPOINT_URL_DYNAMODB });
  const streamArn = (await dynamodb.send(new DescribeTableCommand({ TableName: tableName }))).Table?.LatestStreamArn;
  const shards = (await streams.send(new DescribeStreamCommand({ StreamArn: streamArn }))).StreamDescription?.Shards ?? [];
  const records: StreamRecordBody[] = [];
  for (const shard of shards) {
    let iterator = (await streams.send(new GetShardIteratorCommand({ StreamArn: streamArn, ShardId: shard.ShardId, ShardIteratorType: 'TRIM_HORIZON' })))
      .ShardIterator;
    while (iterator) {
      const page = await streams.send(new GetRecordsCommand({ ShardIterator: iterator }));
      if (!page.Records?.length) break;
      records.push(...page.Records.map((record) => pipeEvent(record, streamArn!) as unknown as StreamRecordBody));
      iterator = page.NextShardIterator;
    }
  }
  streams.destroy();
  const kept = records.filter((record) => matchesPattern(TICKET_RECORD_FILTER, record));
  await sendRecords(queueUrl, kept);
  return kept;
}

/** Sends stream records as the fan-out does: group = ticket partition key, deduplication id = eventID (unless a test overrides it). */
export async function sendRecords(
  queueUrl: string,
  records: StreamRecordBody[],
  deduplicationId = (record: StreamRecordBody) => fanOutEntry(record).deduplicationId,
) {
  for (let start = 0; start < records.length; start += 10) {
    const entries = records.slice(start, start + 10).map((record, index) => ({
      Id: String(index),
      MessageBody: JSON.stringify(record),
      MessageGroupId: groupOf(record),
      MessageDeduplicationId: deduplicationId(record),
    }));
    const sent = await sqs.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }));
    if (sent.Failed?.length) throw new Error(`SendMessageBatch failed: ${JSON.stringify(sent.Failed)}`);
  }
}

export async function receive(queueUrl: string, waitTimeSeconds = 0): Promise<Message[]> {
  const out = await sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: queueUrl,
      MaxNumberOfMessages: 10,
      WaitTimeSeconds: waitTimeSeconds,
      MessageSystemAttributeNames: ['MessageGroupId', 'ApproximateReceiveCount', 'MessageDeduplicationId'],
    }),
  );
  return out.Messages ?? [];
}

export async function deleteMessages(queueUrl: string, messages: Message[]) {
  if (messages.length === 0) return;
  await sqs.send(
    new DeleteMessageBatchCommand({
      QueueUrl: queueUrl,
      Entries: messages.map((message, index) => ({ Id: String(index), ReceiptHandle: message.ReceiptHandle })),
    }),
  );
}

type Handler = (event: SQSEvent) => Promise<SQSBatchResponse>;

/**
 * Lambda's SQS event source mapping, in short: receive a batch, invoke the
 * handler, delete what it did not report as failed; failed messages come back
 * after the visibility timeout, and past maxReceiveCount the queue moves them
 * to its DLQ. Stops when the queue has stayed empty for `idleReceives` long polls of
 * 1 s (longer than the test queues' visibility timeout, so no failed message is left behind).
 */
export async function drainQueue(queueUrl: string, handler: Handler, { idleReceives = 2 } = {}) {
  const invocations: { messageIds: string[]; failedIds: string[] }[] = [];
  for (let idle = 0; idle < idleReceives; ) {
    const messages = await receive(queueUrl, 1);
    if (messages.length === 0) {
      idle++;
      continue;
    }
    idle = 0;
    const event: SQSEvent = {
      Records: messages.map((message) =>
        sqsRecord(message.MessageId!, message.Body!, message.Attributes?.MessageGroupId ?? '', message.Attributes?.ApproximateReceiveCount),
      ),
    };
    const { batchItemFailures } = await handler(event);
    const failedIds = new Set(batchItemFailures.map((failure) => failure.itemIdentifier));
    await deleteMessages(queueUrl, messages.filter((message) => !failedIds.has(message.MessageId!)));
    invocations.push({ messageIds: messages.map((message) => message.MessageId!), failedIds: [...failedIds] });
  }
  return invocations;
}

/**
 * Redrive from the DLQ back to the source queue. fauxqs does not implement
 * StartMessageMoveTask (on AWS: `aws sqs start-message-move-task`), so this
 * receives from the DLQ and re-sends each message to its group with a new
 * deduplication id (the original id may still be inside SQS's 5-minute
 * deduplication window); the consumer's applied-event guard makes that safe.
 */
export async function redrive(deadLetterQueueUrl: string, queueUrl: string): Promise<number> {
  let moved = 0;
  for (;;) {
    const messages = await receive(deadLetterQueueUrl);
    if (messages.length === 0) return moved;
    await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: messages.map((message, index) => ({
          Id: String(index),
          MessageBody: message.Body!,
          MessageGroupId: message.Attributes?.MessageGroupId,
          MessageDeduplicationId: `${message.Attributes?.MessageDeduplicationId ?? message.MessageId}-redrive-${randomUUID()}`.slice(0, 128),
        })),
      }),
    );
    await deleteMessages(deadLetterQueueUrl, messages);
    moved += messages.length;
  }
}

/** The workspace's counters, without those back at zero (their items stay). */
export function nonZero(counts: Map<string, number>): Record<string, number> {
  return Object.fromEntries([...counts].filter(([, count]) => count !== 0).sort(([a], [b]) => a.localeCompare(b)));
}
