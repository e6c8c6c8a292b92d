// The counts repository on DynamoDB Local: one transaction per stream record,
// guarded by the record's eventID.
import { randomUUID } from 'node:crypto';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { createCountsRepository, type CountsRepository } from '#adapters/dynamodb/counts-repository';
import { APPLIED_EVENT_TTL_SECONDS, appliedEventKeys, countKeys } from '#adapters/dynamodb/entities/folder-count';
import type { ConsumedCapacityReport } from '#adapters/dynamodb/table-client';
import { createTable, dynamodb } from './harness';

const documents = DynamoDBDocumentClient.from(dynamodb);
const NOW = new Date('2026-11-24T10:00:00Z');
let tableName: string;
let counts: CountsRepository;
const reports: ConsumedCapacityReport[] = [];

beforeAll(async () => {
  tableName = await createTable();
  counts = createCountsRepository({ client: dynamodb, tableName, clock: () => NOW, onConsumedCapacity: (report) => reports.push(report) });
});

const deltas = (entries: Record<string, number>) => new Map(Object.entries(entries));

describe('the counts repository', () => {
  it('adds the deltas of a record once, whatever the number of deliveries', async () => {
    const workspace = randomUUID();
    const eventId = randomUUID();
    expect(await counts.applyDeltas({ workspace, eventId, deltas: deltas({ 'STATUS#open': 1, 'TOPIC#p#STATUS#open': 1 }) })).toBe('applied');
    expect(await counts.applyDeltas({ workspace, eventId, deltas: deltas({ 'STATUS#open': 1, 'TOPIC#p#STATUS#open': 1 }) })).toBe('already_applied');
    expect(await counts.applyDeltas({ workspace, eventId: randomUUID(), deltas: deltas({ 'STATUS#open': -1, 'STATUS#closed': 1 }) })).toBe('applied');

    expect(Object.fromEntries(await counts.readCounts(workspace))).toEqual({ 'STATUS#open': 0, 'STATUS#closed': 1, 'TOPIC#p#STATUS#open': 1 });
  });

  it('keeps the guard item of an applied record for 7 days, and writes counters as count items', async () => {
    const workspace = randomUUID();
    const eventId = randomUUID();
    await counts.applyDeltas({ workspace, eventId, deltas: deltas({ 'STATUS#open': 1 }) });

    const guard = await documents.send(new GetCommand({ TableName: tableName, Key: appliedEventKeys.record(workspace, eventId) }));
    expect(guard.Item).toEqual({ pk: `WS#${workspace}#APPLIED#${eventId}`, sk: 'APPLIED', type: 'applied_event', ttl: NOW.getTime() / 1000 + APPLIED_EVENT_TTL_SECONDS });
    expect(APPLIED_EVENT_TTL_SECONDS).toBe(7 * 24 * 3600);
    const counter = await documents.send(new GetCommand({ TableName: tableName, Key: { pk: countKeys.partition(workspace), sk: 'STATUS#open' } }));
    expect(counter.Item).toEqual({ pk: `WS#${workspace}#COUNTS`, sk: 'STATUS#open', type: 'count', count: 1 });
  });

  it('writes all or nothing: a failing counter leaves no guard, so the record is applied when retried', async () => {
    const workspace = randomUUID();
    const eventId = randomUUID();
    // A corrupt counter: ADD on a string fails, cancelling the whole transaction.
    const corrupt = { pk: countKeys.partition(workspace), sk: 'STATUS#closed', type: 'count', count: 'many' };
    await documents.send(new PutCommand({ TableName: tableName, Item: corrupt }));
    const record = { workspace, eventId, deltas: deltas({ 'STATUS#open': 1, 'STATUS#closed': 1 }) };

    await expect(counts.applyDeltas(record)).rejects.toThrow();
    expect((await documents.send(new GetCommand({ TableName: tableName, Key: appliedEventKeys.record(workspace, eventId) }))).Item).toBeUndefined();
    expect(await counts.readCounts(workspace)).toEqual(new Map([['STATUS#closed', Number.NaN]]));

    await documents.send(new PutCommand({ TableName: tableName, Item: { ...corrupt, count: 0 } }));
    expect(await counts.applyDeltas(record)).toBe('applied');
    expect(Object.fromEntries(await counts.readCounts(workspace))).toEqual({ 'STATUS#open': 1, 'STATUS#closed': 1 });
  });

  it('reads a workspace’s counters with one Query, and only that workspace’s', async () => {
    const mine = randomUUID();
    const theirs = randomUUID();
    await counts.applyDeltas({ workspace: mine, eventId: randomUUID(), deltas: deltas({ 'STATUS#open': 2 }) });
    await counts.applyDeltas({ workspace: theirs, eventId: randomUUID(), deltas: deltas({ 'STATUS#open': 5 }) });

    reports.length = 0;
    expect(Object.fromEntries(await counts.readCounts(mine))).toEqual({ 'STATUS#open': 2 });
    expect(reports.map((report) => report.command)).toEqual(['Query']);
    expect(await counts.readCounts(randomUUID())).toEqual(new Map());
  });
});
