// The API rate limit per workspace on DynamoDB Local, through admitApiRequest:
// each "container" is a composition of its own (its own limiter, as each Lambda
// container has), all over one table. One container is exact; several never
// refuse before the limit and overshoot it by at most one batch each; a
// request costs a fraction of a write; the 429 says when the hour ends.
import { randomUUID } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rateCounterKeys } from '#adapters/dynamodb/entities/rate-counter';
import { createDynamoDbRepositories, type ConsumedCapacityReport } from '#adapters/dynamodb/index';
import { RateLimitedError } from '#domain/errors';
import { API_RATE_WINDOW_SECONDS, API_TALLY_POLICY, batchSize, fixedWindow } from '#domain/rate-limit';
import { createUseCases } from '#use-cases/index';
import { createTestTable, type TestTable } from '../storage/support';

let table: TestTable;

beforeAll(async () => {
  table = await createTestTable('rate-limit');
});

afterAll(async () => {
  await table.drop();
});

/** Requests of the "several containers" tests, all in one hour (a stopped clock: no request grows old). */
const inOneHour = () => new Date('2026-11-24T12:30:00.000Z');

/** A container's own composition over the shared table, on `clock`, reporting its DynamoDB calls to `calls`. */
function container(clock: () => Date, calls: ConsumedCapacityReport[] = []) {
  const repositories = createDynamoDbRepositories({ client: table.client, tableName: table.tableName, onConsumedCapacity: (report) => calls.push(report) });
  return createUseCases({ ...repositories, clock });
}

type Container = ReturnType<typeof container>;

/** true: admitted; the RateLimitedError: refused; anything else is thrown. */
async function admit(on: Container, workspace: string, limitPerHour: number): Promise<true | RateLimitedError> {
  try {
    await on.admitApiRequest({ workspace, limitPerHour });
    return true;
  } catch (error) {
    if (error instanceof RateLimitedError) return error;
    throw error;
  }
}

const newWorkspace = () => randomUUID();

describe('one container', () => {
  it('admits exactly the limit, then answers 429 with Retry-After to the end of the hour; other workspaces are unaffected', async () => {
    const now = new Date('2026-11-24T10:07:30.000Z');
    const only = container(() => now);
    const workspace = newWorkspace();
    for (let request = 0; request < 20; request++) expect(await admit(only, workspace, 20)).toBe(true);
    const refused = await admit(only, workspace, 20);
    expect(refused).toBeInstanceOf(RateLimitedError);
    expect(refused).toMatchObject({ code: 'rate_limited', retryAfterSeconds: 52 * 60 + 30, message: expect.stringContaining('20 an hour') });
    expect(await admit(only, newWorkspace(), 20)).toBe(true);
    // A higher limit (the workspace raised its own) lets it in again within the hour.
    expect(await admit(only, workspace, 21)).toBe(true);
    expect(await admit(only, workspace, 21)).toBeInstanceOf(RateLimitedError);
  });

  it('costs a fiftieth of a write per request far from the limit, spread over the shard items, which add up to the requests', async () => {
    const calls: ConsumedCapacityReport[] = [];
    const now = new Date('2026-11-24T11:20:00.000Z');
    const only = container(() => now, calls);
    const workspace = newWorkspace();
    const window = fixedWindow(now, API_RATE_WINDOW_SECONDS);
    for (let request = 0; request < 1000; request++) expect(await admit(only, workspace, 3600)).toBe(true);
    const writes = calls.filter((call) => call.command === 'UpdateItem');
    const reads = calls.filter((call) => call.command === 'BatchGetItem');
    expect(writes).toHaveLength(1000 / API_TALLY_POLICY.maxBatch);
    expect(writes.reduce((sum, call) => sum + call.writeUnits, 0)).toBe(1000 / API_TALLY_POLICY.maxBatch);
    expect(reads).toHaveLength(1000 / API_TALLY_POLICY.maxBatch);
    const shards = await Promise.all(
      Array.from({ length: API_TALLY_POLICY.shards }, (_, shard) =>
        table.client.send(new GetCommand({ TableName: table.tableName, Key: rateCounterKeys.apiShard(workspace, shard, window.start), ConsistentRead: true })),
      ),
    );
    const hits = shards.map((out) => (out.Item?.hits as number | undefined) ?? 0);
    expect(hits.reduce((sum, count) => sum + count, 0)).toBe(1000);
    expect(hits.filter((count) => count > 0).length).toBeGreaterThan(1);
    for (const out of shards.filter((found) => found.Item))
      expect(out.Item).toMatchObject({ type: 'rate_counter', ttl: window.end + API_RATE_WINDOW_SECONDS });
  });

  it('starts again at each hour: exhausted just before the hour turns, admitted just after (fast-check over the edge)', async () => {
    const hour = fixedWindow(new Date('2026-11-24T10:00:00.000Z'), API_RATE_WINDOW_SECONDS);
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 5_000 }), fc.integer({ min: 0, max: 5_000 }), fc.integer({ min: 1, max: 4 }), async (beforeMs, afterMs, limit) => {
        let now = new Date(hour.end * 1000 - beforeMs);
        const only = container(() => now);
        const workspace = newWorkspace();
        for (let request = 0; request < limit; request++) expect(await admit(only, workspace, limit)).toBe(true);
        const refused = await admit(only, workspace, limit);
        expect(refused).toMatchObject({ retryAfterSeconds: Math.max(1, Math.ceil(beforeMs / 1000)) });
        now = new Date(hour.end * 1000 + afterMs);
        expect(await admit(only, workspace, limit)).toBe(true);
      }),
      { numRuns: 15 },
    );
  });
});

describe('several containers', () => {
  it('with limit 20 over 5 containers: never refused before 20 requests, and 429 before 20 + 5 (one batch of 1 each)', async () => {
    const containers = Array.from({ length: 5 }, () => container(inOneHour));
    const workspace = newWorkspace();
    const answers: (true | RateLimitedError)[] = [];
    // Each request goes to a container at random, as Lambda spreads them.
    for (let request = 0; request < 40; request++) answers.push(await admit(containers[Math.floor(Math.random() * 5)]!, workspace, 20));
    const admitted = answers.filter((answer) => answer === true).length;
    expect(answers.slice(0, 20).every((answer) => answer === true)).toBe(true);
    expect(admitted).toBeLessThanOrEqual(20 + 5 * batchSize(20, 0, API_TALLY_POLICY));
    const refused = answers.find((answer): answer is RateLimitedError => answer !== true);
    expect(refused?.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect(refused?.retryAfterSeconds).toBeLessThanOrEqual(API_RATE_WINDOW_SECONDS);
  });

  it('with limit 500 over 8 containers taking requests at once: at least 500 admitted, at most 500 + 8 batches', async () => {
    const containers = Array.from({ length: 8 }, () => container(inOneHour));
    const workspace = newWorkspace();
    let admitted = 0;
    /** Requests admitted up to the end of the wave (8 requests at once, one per container) in which the first refusal came. */
    let admittedByFirstRefusal: number | null = null;
    for (let wave = 0; wave < 150; wave++) {
      const answers = await Promise.all(containers.map((each) => admit(each, workspace, 500)));
      admitted += answers.filter((answer) => answer === true).length;
      if (answers.some((answer) => answer !== true)) admittedByFirstRefusal ??= admitted;
    }
    expect(admittedByFirstRefusal).not.toBeNull();
    expect(admittedByFirstRefusal!).toBeGreaterThanOrEqual(500);
    expect(admitted).toBeLessThanOrEqual(500 + 8 * batchSize(500, 0, API_TALLY_POLICY));
  });
});
