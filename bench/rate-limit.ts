// The API rate limit's cost and ceiling (issue 13 item 2), on DynamoDB Local,
// before and after batching it over shards (docs/benchmarks.md, "Rate
// limiting"). Runnable alone: `npx tsx bench/rate-limit.ts [requests]`.
//
// - before: one conditional UpdateItem on one item per request — the exact
//   counter (rate-limit-counter.ts) the API limit used until this change, and
//   the sign-in and channel limits still use; measured here on one subject;
// - after: the batched limiter (api-request-limiter.ts) through
//   admitApiRequest, first in one container, then with the same requests
//   spread round-robin over several containers (a limiter each).
//
// The ceiling is the workspace's requests per second at which the limiter's
// own items reach DynamoDB's per-partition cap (1,000 WCU/s, 3,000 RCU/s):
// cap ÷ (capacity units per request that land on the busiest partition). Each
// shard's partition key differs, so DynamoDB may place the shards on
// different partitions; the figure takes the measured share of the busiest
// shard and assumes a partition each, and the worst case (all shards on one
// partition) is printed beside it.
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { CreateTableCommand, DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createApiRequestLimiter } from '#adapters/dynamodb/api-request-limiter';
import { createDynamoDbRepositories } from '#adapters/dynamodb/index';
import { createRateLimitCounter } from '#adapters/dynamodb/rate-limit-counter';
import { tableDefinition } from '#adapters/dynamodb/table';
import { createTableClient, type ConsumedCapacityReport } from '#adapters/dynamodb/table-client';
import { RateLimitedError } from '#domain/errors';
import { API_RATE_WINDOW_SECONDS, API_TALLY_POLICY, batchSize, DEFAULT_API_REQUESTS_PER_HOUR, fixedWindow } from '#domain/rate-limit';
import { createUseCases } from '#use-cases/index';
import type { BenchFigure, BenchSection } from './report';
import { LOCAL_CREDENTIALS, LOCAL_REGION, startDynamoDbLocal } from '../infra/local/emulators';


export interface RateLimitBenchOptions {
  /** A running DynamoDB Local (bench/run.ts has one); omitted: one is started and stopped. */
  dynamodbEndpoint?: string;
  /** Requests of one workspace per measurement (default 1000). */
  requests?: number;
  /** Warm containers the requests are spread over in the "several containers" runs (default 10). */
  containers?: number;
  log?: (line: string) => void;
}

/** DynamoDB's throughput cap of one partition. */
const PARTITION_WCU_PER_SECOND = 1000;
const PARTITION_RCU_PER_SECOND = 3000;

interface Measured {
  requests: number;
  writes: number;
  wcu: number;
  reads: number;
  rcu: number;
  /** Write units per item written (item key → units). */
  wcuByItem: Map<string, number>;
  /** Items each read reads, each in its own partition, at 1 RCU (AWS: a strongly consistent read of an item up to 4 KB). */
  itemsPerRead: number;
}

/** Calls seen while `run` runs, by their consumed capacity; writes are attributed to the item they name. */
function recorder() {
  const calls: ConsumedCapacityReport[] = [];
  return { calls, onConsumedCapacity: (report: ConsumedCapacityReport) => void calls.push(report) };
}

function summarize(requests: number, calls: ConsumedCapacityReport[], wcuByItem: Map<string, number>, itemsPerRead: number): Measured {
  const writes = calls.filter((call) => call.command === 'UpdateItem');
  const reads = calls.filter((call) => call.command === 'BatchGetItem' || call.command === 'GetItem');
  return {
    requests,
    writes: writes.length,
    wcu: writes.reduce((sum, call) => sum + call.writeUnits, 0),
    reads: reads.length,
    rcu: reads.reduce((sum, call) => sum + call.readUnits, 0),
    wcuByItem,
    itemsPerRead,
  };
}

/** Requests per second one workspace can make before the limiter's busiest partition reaches its cap. */
function ceiling(measured: Measured, spread: boolean): number {
  const totalWcu = [...measured.wcuByItem.values()].reduce((sum, units) => sum + units, 0);
  const busiestWcu = spread ? Math.max(0, ...measured.wcuByItem.values()) : totalWcu;
  const wcuPerRequestOnBusiest = busiestWcu / measured.requests;
  // Reads at AWS's price (DynamoDB Local reports less for shards not written yet): 1 RCU per item a read reads,
  // on that item's partition — all of them on one partition in the worst case.
  const rcuPerRequestOnBusiest = (measured.reads * (spread ? 1 : measured.itemsPerRead)) / measured.requests;
  const byWrites = wcuPerRequestOnBusiest > 0 ? PARTITION_WCU_PER_SECOND / wcuPerRequestOnBusiest : Number.POSITIVE_INFINITY;
  const byReads = rcuPerRequestOnBusiest > 0 ? PARTITION_RCU_PER_SECOND / rcuPerRequestOnBusiest : Number.POSITIVE_INFINITY;
  return Math.floor(Math.min(byWrites, byReads));
}

export async function runRateLimitBench(options: RateLimitBenchOptions = {}): Promise<BenchSection> {
  const requests = options.requests ?? 1000;
  const containerCount = options.containers ?? 10;
  const log = options.log ?? (() => undefined);
  const emulator = options.dynamodbEndpoint ? null : await startDynamoDbLocal();
  const endpoint = options.dynamodbEndpoint ?? emulator!.endpoint;
  const client = new DynamoDBClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  const tableName = `bench-rate-limit-${randomUUID()}`;
  await client.send(new CreateTableCommand(tableDefinition(tableName)));
  try {
    // A stopped clock: every request in one hour, none of them growing old (the time-based writes are the quiet containers' case, not this one's).
    const now = new Date('2026-11-24T10:00:00.000Z');
    const window = fixedWindow(now, API_RATE_WINDOW_SECONDS);
    const limit = DEFAULT_API_REQUESTS_PER_HOUR;

    // Before: one conditional UpdateItem on the one counter item per request.
    log(`rate limit: ${requests} requests, one counter item (before)…`);
    const before = recorder();
    const exact = createRateLimitCounter(createTableClient({ client, tableName, onConsumedCapacity: before.onConsumedCapacity }));
    const subject = { kind: 'channel', channel: `bench-${randomUUID()}` } as const;
    for (let request = 0; request < requests; request++) await exact.take(subject, window, limit);
    const beforeMeasured = summarize(requests, before.calls, new Map([['counter', before.calls.reduce((sum, call) => sum + call.writeUnits, 0)]]), 0);

    // After: admitApiRequest over the batched limiter; write units attributed to the shard each write chose.
    const afterRun = async (containers: number) => {
      const calls = recorder();
      const shardOf: number[] = [];
      const composed = Array.from({ length: containers }, () => {
        const table = createTableClient({ client, tableName, onConsumedCapacity: calls.onConsumedCapacity });
        const random = () => {
          const value = Math.random();
          shardOf.push(Math.floor(value * API_TALLY_POLICY.shards));
          return value;
        };
        const repositories = createDynamoDbRepositories({ client, tableName });
        return createUseCases({ ...repositories, apiRequests: createApiRequestLimiter(table, { random }), clock: () => now });
      });
      const workspace = randomUUID();
      for (let request = 0; request < requests; request++) await composed[request % containers]!.admitApiRequest({ workspace, limitPerHour: limit });
      const writes = calls.calls.filter((call) => call.command === 'UpdateItem');
      const wcuByItem = new Map<string, number>();
      writes.forEach((call, index) => wcuByItem.set(`shard ${shardOf[index]}`, (wcuByItem.get(`shard ${shardOf[index]}`) ?? 0) + call.writeUnits));
      return summarize(requests, calls.calls, wcuByItem, API_TALLY_POLICY.shards);
    };
    log(`rate limit: ${requests} requests, batched, one container (after)…`);
    const oneContainer = await afterRun(1);
    log(`rate limit: ${requests} requests, batched, ${containerCount} containers (after)…`);
    const several = await afterRun(containerCount);

    // Accuracy: a limit of 1000 and twice as many requests of one workspace, `containerCount` at a time, each
    // to a container at random (Lambda's spreading); the worst of a few trials.
    const overLimit = 1000;
    const trials = 3;
    let admitted = 0;
    for (let trial = 0; trial < trials; trial++) {
      log(`rate limit: overshoot with ${containerCount} containers, trial ${trial + 1} of ${trials}…`);
      const containers = Array.from({ length: containerCount }, () => createUseCases({ ...createDynamoDbRepositories({ client, tableName }), clock: () => now }));
      const workspace = randomUUID();
      let admittedInTrial = 0;
      for (let wave = 0; wave < (2 * overLimit) / containerCount; wave++) {
        const answers = await Promise.all(
          containers.map(() =>
            containers[Math.floor(Math.random() * containerCount)]!.admitApiRequest({ workspace, limitPerHour: overLimit }).then(
              () => true,
              (error: unknown) => {
                if (error instanceof RateLimitedError) return false;
                throw error;
              },
            ),
          ),
        );
        admittedInTrial += answers.filter(Boolean).length;
      }
      admitted = Math.max(admitted, admittedInTrial);
    }
    const overshoot = admitted - overLimit;
    const overshootBound = containerCount * batchSize(overLimit, 0, API_TALLY_POLICY);

    const perRequest = (value: number, measured: Measured) => value / measured.requests;
    const rows: [string, Measured][] = [
      ['before: 1 conditional UpdateItem per request, 1 item', beforeMeasured],
      ['after: batched over 4 shards, 1 container', oneContainer],
      [`after: batched over 4 shards, ${containerCount} containers (round-robin)`, several],
    ];
    const format = (value: number, digits = 3) => (Number.isFinite(value) ? value.toLocaleString('en-US', { maximumFractionDigits: digits }) : '∞');
    const markdown = [
      `${requests} requests of one workspace at its limit of ${limit} an hour, on DynamoDB Local (its capacity accounting).`,
      `Ceiling: requests/s of one workspace before the limiter's busiest partition reaches 1,000 WCU/s or 3,000 RCU/s, the lower of`,
      `1,000 ÷ (WCU per request landing on the busiest shard) and 3,000 ÷ (RCU per request on it; a read costs 1 RCU on each shard's partition,`,
      `AWS's price of a strongly consistent read of a small item). "Worst case": every shard on one partition. RCU/request is DynamoDB Local's accounting.`,
      '',
      '| design | writes/request | WCU/request | reads/request | RCU/request | items written | ceiling (req/s) | worst case (req/s) |',
      '|---|---:|---:|---:|---:|---:|---:|---:|',
      ...rows.map(
        ([name, measured]) =>
          `| ${name} | ${format(perRequest(measured.writes, measured))} | ${format(perRequest(measured.wcu, measured))} | ${format(perRequest(measured.reads, measured))} | ${format(perRequest(measured.rcu, measured))} | ${measured.wcuByItem.size} | ${format(ceiling(measured, true), 0)} | ${format(ceiling(measured, false), 0)} |`,
      ),
      '',
      `Accuracy: limit ${overLimit}, ${2 * overLimit} requests arriving ${containerCount} at a time, each to one of ${containerCount} containers at random, worst of ${trials} trials: ${admitted} admitted, ${overshoot} over the limit (bound: ${containerCount} containers × a batch of ${batchSize(overLimit, 0, API_TALLY_POLICY)} = ${overshootBound}).`,
    ].join('\n');
    const figures: BenchFigure[] = [
      { name: `rate limit/batched over shards/writes per request`, value: perRequest(oneContainer.writes, oneContainer), unit: 'writes', better: 'lower' },
      { name: `rate limit/batched over shards/WCU per request`, value: perRequest(oneContainer.wcu, oneContainer), unit: 'WCU', better: 'lower' },
      { name: `rate limit/batched over shards/RCU per request`, value: perRequest(oneContainer.rcu, oneContainer), unit: 'RCU', better: 'lower' },
      { name: `rate limit/batched over shards/ceiling`, value: ceiling(oneContainer, true), unit: 'requests/s', better: 'higher' },
      { name: `rate limit/batched over shards/ceiling worst case`, value: ceiling(oneContainer, false), unit: 'requests/s', better: 'higher' },
      { name: `rate limit/batched over shards/${containerCount} containers/WCU per request`, value: perRequest(several.wcu, several), unit: 'WCU', better: 'lower' },
      { name: `rate limit/batched over shards/${containerCount} containers/ceiling`, value: ceiling(several, true), unit: 'requests/s', better: 'higher' },
      { name: `rate limit/batched over shards/${containerCount} containers/overshoot at 1000`, value: overshoot, unit: 'requests', better: 'lower' },
      { name: `rate limit/one exact counter (old design)/writes per request`, value: perRequest(beforeMeasured.writes, beforeMeasured), unit: 'writes', better: 'lower' },
      { name: `rate limit/one exact counter (old design)/WCU per request`, value: perRequest(beforeMeasured.wcu, beforeMeasured), unit: 'WCU', better: 'lower' },
      { name: `rate limit/one exact counter (old design)/ceiling`, value: ceiling(beforeMeasured, true), unit: 'requests/s', better: 'higher' },
    ];
    return { title: 'Rate limiting', markdown, figures };
  } finally {
    await client.send(new DeleteTableCommand({ TableName: tableName })).catch(() => undefined);
    client.destroy();
    await emulator?.stop();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const requests = process.argv[2] ? Number(process.argv[2]) : undefined;
  const section = await runRateLimitBench({ requests, log: (line) => console.error(line) });
  console.log(`## ${section.title}\n\n${section.markdown}\n`);
  for (const figure of section.figures) console.log(`${figure.name}: ${figure.value} ${figure.unit}`);
}
