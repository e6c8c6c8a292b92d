// Counts converge after a burst: 200 random ticket transitions, delivered to
// the consumer in shuffled batches, with a quarter of them delivered twice —
// what the pipe and SQS may do (retries, redeliveries) and ordering across
// tickets, which the FIFO queue does not promise.
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { createCountsRepository, type CountsRepository } from '#adapters/dynamodb/counts-repository';
import { countKeysOf } from '#domain/folder-counts';
import type { Ticket } from '#domain/ticket';
import { createTable, dynamodb, groupOf, nonZero, sqsEvent, ticket, ticketStreamRecord, type StreamRecordBody } from './harness';

let counts: CountsRepository;
let handler: typeof import('../../../functions/ticket-events-consumer').handler;

beforeAll(async () => {
  const tableName = await createTable();
  process.env.TABLE_NAME = tableName;
  ({ handler } = await import('../../../functions/ticket-events-consumer'));
  counts = createCountsRepository({ client: dynamodb, tableName });
});

/** A small seeded generator (mulberry32), so a failing burst can be replayed from the seed in the test name. */
function random(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!;
  const shuffle = <T>(list: T[]): T[] => {
    for (let i = list.length - 1; i > 0; i--) {
      const j = Math.floor(next() * (i + 1));
      [list[i], list[j]] = [list[j]!, list[i]!];
    }
    return list;
  };
  return { next, pick, shuffle };
}

/** `count` transitions over a handful of tickets; returns their stream records and the tickets' final states. */
function burst(workspace: string, count: number, rng: ReturnType<typeof random>) {
  const users = [null, randomUUID(), randomUUID(), randomUUID()];
  const topics = ['general', randomUUID(), randomUUID()];
  const tickets: Ticket[] = [];
  const records: StreamRecordBody[] = [];
  const change = (before: Ticket | null, after: Ticket) => {
    records.push(ticketStreamRecord(before, after));
    if (before) tickets[tickets.indexOf(before)] = after;
    else tickets.push(after);
  };
  while (records.length < count) {
    if (tickets.length < 5 || rng.next() < 0.15) {
      change(null, ticket({ workspace, topic: rng.pick(topics), assignee: rng.pick(users) }));
      continue;
    }
    const current = rng.pick(tickets);
    const next = { ...current, version: current.version + 1 };
    switch (rng.pick(['close-or-reopen', 'assign', 'topic', 'note'] as const)) {
      case 'close-or-reopen':
        change(current, { ...next, status: current.status === 'open' ? 'closed' : 'open' });
        break;
      case 'assign':
        change(current, { ...next, assignee: rng.pick(users) });
        break;
      case 'topic':
        change(current, { ...next, topic: rng.pick(topics) });
        break;
      case 'note':
        change(current, next);
        break;
    }
  }
  return { records, tickets };
}

describe('folder counts', () => {
  const seed = Math.floor(Math.random() * 2 ** 31);

  it(`converge after 200 transitions delivered shuffled, in batches, with duplicates (seed ${seed})`, async () => {
    const rng = random(seed);
    const workspace = randomUUID();
    const { records, tickets } = burst(workspace, 200, rng);
    const deliveries = rng.shuffle([...records, ...records.filter(() => rng.next() < 0.25)]);

    const batches: StreamRecordBody[][] = [];
    for (let start = 0; start < deliveries.length; ) {
      const size = 1 + Math.floor(rng.next() * 10);
      batches.push(deliveries.slice(start, start + size));
      start += size;
    }
    // Several consumers at once, as Lambda scales out over message groups.
    for (let start = 0; start < batches.length; start += 4) {
      const responses = await Promise.all(
        batches
          .slice(start, start + 4)
          .map((batch) => handler(sqsEvent(batch.map((record) => ({ body: JSON.stringify(record), group: groupOf(record) }))))),
      );
      for (const response of responses) expect(response.batchItemFailures).toEqual([]);
    }

    const expected = new Map<string, number>();
    for (const final of tickets) {
      for (const key of countKeysOf({ status: final.status, assignee_uuid: final.assignee, topic_uuid: final.topic })) {
        expected.set(key, (expected.get(key) ?? 0) + 1);
      }
    }
    expect(deliveries.length).toBeGreaterThan(records.length);
    expect(nonZero(await counts.readCounts(workspace))).toEqual(nonZero(expected));
    // ~250 transactions contending on a few counter items: on a loaded 2-core machine this can take
    // well over the default 30 s; what the test asserts is convergence, not speed.
  }, 180_000);
});
