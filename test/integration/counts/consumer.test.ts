// The ticket events consumer on DynamoDB Local and fauxqs: stream records
// (from the table's real stream, or built as the pipe delivers them) go through
// a FIFO queue with the stack's redrive policy to the real handler.
import { randomUUID } from 'node:crypto';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { createCountsRepository, type CountsRepository } from '#adapters/dynamodb/counts-repository';
import { toContactItem } from '#adapters/dynamodb/entities/contact';
import { toTicketItem } from '#adapters/dynamodb/entities/ticket';
import { countKey } from '#domain/folder-counts';
import { createTicketCounts } from '#use-cases/ticket-counts';
import {
  createQueues,
  createTable,
  drainQueue,
  dynamodb,
  groupOf,
  nonZero,
  receive,
  redrive,
  relayStream,
  sendRecords,
  sqsEvent,
  ticket,
  ticketStreamRecord,
} from './harness';

let tableName: string;
let counts: CountsRepository;
let handler: typeof import('../../../functions/ticket-events-consumer').handler;
let createTicketEventsHandler: typeof import('../../../functions/handlers/ticket-events-consumer').createTicketEventsHandler;

beforeAll(async () => {
  tableName = await createTable();
  // The handler reads its table from the environment once, when it is loaded, as in Lambda.
  process.env.TABLE_NAME = tableName;
  // The failures these tests provoke on purpose would fill the output with error logs.
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  ({ handler } = await import('../../../functions/ticket-events-consumer'));
  ({ createTicketEventsHandler } = await import('../../../functions/handlers/ticket-events-consumer'));
  counts = createCountsRepository({ client: dynamodb, tableName });
});

describe('the ticket events consumer', () => {
  it('keeps the counts from the table stream, relayed as the pipe does, ignoring items that are not tickets', async () => {
    const workspace = randomUUID();
    const documents = DynamoDBDocumentClient.from(dynamodb, { marshallOptions: { removeUndefinedValues: true } });
    const put = (item: Record<string, unknown>) => documents.send(new PutCommand({ TableName: tableName, Item: item }));

    const alice = randomUUID();
    const first = ticket({ workspace, topic: 'sales', assignee: alice });
    const second = ticket({ workspace, topic: 'sales' });
    const third = ticket({ workspace, topic: 'support' });
    for (const t of [first, second, third]) await put(toTicketItem(t));
    await put(toTicketItem({ ...second, status: 'closed', version: 2 })); // closed
    await put(toTicketItem({ ...third, assignee: alice, version: 2 })); // taken by alice
    await put(toTicketItem({ ...first, last_activity_on: '2026-11-24T11:00:00.000000Z', version: 2 })); // a note: no folder changes
    await put(toContactItem({ workspace, uuid: randomUUID(), name: 'Ann', language: null, urns: [], fields: {}, open_ticket: null, created_on: 'x', modified_on: 'x', version: 1 }));

    const { queueUrl } = await createQueues();
    const relayed = await relayStream(tableName, queueUrl);
    expect(relayed.filter((record) => JSON.stringify(record).includes(workspace))).toHaveLength(6); // the contact is filtered out
    await drainQueue(queueUrl, handler);

    expect(nonZero(await counts.readCounts(workspace))).toEqual({
      [countKey.status('open')]: 2,
      [countKey.status('closed')]: 1,
      [countKey.assignee(alice, 'open')]: 2,
      [countKey.assignee(null, 'closed')]: 1,
      [countKey.topic('sales', 'open')]: 1,
      [countKey.topic('sales', 'closed')]: 1,
      [countKey.topic('support', 'open')]: 1,
    });
  });

  it('counts a record delivered twice once: in one batch, in a later batch, and through the queue with a new deduplication id', async () => {
    const workspace = randomUUID();
    const opened = ticket({ workspace });
    const record = ticketStreamRecord(null, opened);
    const message = { body: JSON.stringify(record), group: groupOf(record) };

    expect(await handler(sqsEvent([message, message]))).toEqual({ batchItemFailures: [] });
    expect(await handler(sqsEvent([message]))).toEqual({ batchItemFailures: [] });
    const { queueUrl } = await createQueues();
    // A pipe retry after SQS's 5-minute deduplication window arrives as a new message.
    await sendRecords(queueUrl, [record], () => randomUUID());
    await drainQueue(queueUrl, handler);

    expect(nonZero(await counts.readCounts(workspace))).toEqual({
      [countKey.status('open')]: 1,
      [countKey.assignee(null, 'open')]: 1,
      [countKey.topic('general', 'open')]: 1,
    });
  });

  it('fails a poison message alone, holding back only the later messages of its ticket', async () => {
    const workspace = randomUUID();
    const poisoned = ticket({ workspace });
    const healthy = ticket({ workspace });
    const poisonGroup = groupOf(ticketStreamRecord(null, poisoned));
    const event = sqsEvent([
      { id: 'healthy-open', body: JSON.stringify(ticketStreamRecord(null, healthy)), group: groupOf(ticketStreamRecord(null, healthy)) },
      { id: 'poison', body: '{"eventID": "broken", "dynamodb": ', group: poisonGroup },
      { id: 'after-poison', body: JSON.stringify(ticketStreamRecord(null, poisoned)), group: poisonGroup },
      { id: 'not-a-ticket-image', body: JSON.stringify({ eventID: 'e1', eventName: 'MODIFY', dynamodb: { NewImage: { type: { S: 'ticket' } } } }), group: 'other' },
      {
        id: 'healthy-close',
        body: JSON.stringify(ticketStreamRecord(healthy, { ...healthy, status: 'closed' })),
        group: groupOf(ticketStreamRecord(null, healthy)),
      },
    ]);

    const { batchItemFailures } = await handler(event);

    expect(batchItemFailures.map((failure) => failure.itemIdentifier)).toEqual(['poison', 'after-poison', 'not-a-ticket-image']);
    expect(nonZero(await counts.readCounts(workspace))).toEqual({
      [countKey.status('closed')]: 1,
      [countKey.assignee(null, 'closed')]: 1,
      [countKey.topic('general', 'closed')]: 1,
    });
  });

  it('moves a poison message to the DLQ after the queue\'s maxReceiveCount receives, without blocking other tickets', async () => {
    const workspace = randomUUID();
    // The stack's count (TICKET_EVENTS_MAX_RECEIVE_COUNT) rides out a long outage; a few receives show the same here.
    const maxReceiveCount = 5;
    const { queueUrl, deadLetterQueueUrl } = await createQueues(maxReceiveCount);
    const healthy = ticketStreamRecord(null, ticket({ workspace }));
    await sendRecords(queueUrl, [healthy]);
    // A well-formed record whose ticket image is not one (no workspace, an unknown status).
    const base = ticketStreamRecord(null, ticket({ workspace }));
    const poison = { ...base, dynamodb: { ...base.dynamodb, Keys: { pk: { S: `WS#${workspace}#TICKET#poison` } }, NewImage: { type: { S: 'ticket' }, status: { S: 'lost' } } } };
    await sendRecords(queueUrl, [poison]);

    const invocations = await drainQueue(queueUrl, handler);

    const poisonMessageId = invocations.flatMap((invocation) => invocation.failedIds)[0];
    expect(invocations.filter((invocation) => invocation.failedIds.includes(poisonMessageId!))).toHaveLength(maxReceiveCount);
    const parked = await receive(deadLetterQueueUrl);
    expect(parked.map((message) => JSON.parse(message.Body!).eventID)).toEqual([poison.eventID]);
    expect(nonZero(await counts.readCounts(workspace))).toEqual({
      [countKey.status('open')]: 1,
      [countKey.assignee(null, 'open')]: 1,
      [countKey.topic('general', 'open')]: 1,
    });
  }, 60_000);

  it('applies a record once after it failed into the DLQ (table throttled) and was redriven', async () => {
    const workspace = randomUUID();
    // A few receives to the DLQ (the stack's count rides out a quarter of an hour).
    const { queueUrl, deadLetterQueueUrl } = await createQueues(5);
    // DynamoDB Local never throttles: the failure is injected in front of the real repository.
    let throttled = true;
    const flaky = createTicketEventsHandler(
      createTicketCounts({
        counts: {
          applyDeltas: (input) => {
            if (throttled) return Promise.reject(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));
            return counts.applyDeltas(input);
          },
        },
      }),
    );
    const opened = ticket({ workspace, assignee: 'bob' });
    const records = [ticketStreamRecord(null, opened), ticketStreamRecord(opened, { ...opened, status: 'closed' })];
    await sendRecords(queueUrl, records);

    await drainQueue(queueUrl, flaky);
    expect(await redrive(deadLetterQueueUrl, queueUrl)).toBe(2);
    throttled = false;
    await drainQueue(queueUrl, flaky);
    // The opening redriven once more: the guard keeps the counts right.
    await sendRecords(queueUrl, [records[0]!], () => randomUUID());

    await drainQueue(queueUrl, flaky);
    expect(await receive(deadLetterQueueUrl)).toEqual([]);
    expect(nonZero(await counts.readCounts(workspace))).toEqual({
      [countKey.status('closed')]: 1,
      [countKey.assignee('bob', 'closed')]: 1,
      [countKey.topic('general', 'closed')]: 1,
    });
  }, 90_000);
});
