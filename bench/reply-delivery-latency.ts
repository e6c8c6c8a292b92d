// Agent reply → gateway receipt (issue 8, item 7): how long after an agent
// sends a reply the contact's gateway receives it, through the local stack's
// whole pipeline — the reply's transaction, the table stream, the pipe, the
// fan-out function, the SNS FIFO topic, the deliveries FIFO queue, the
// DeliveryConsumer, the HTTP send to the gateway (a stand-in server on a free
// port) — beside the floor: the same reply written with the use case directly
// and the same request sent to the gateway directly, one after the other.
// Replies are made one at a time, so each is measured without queueing.
//
// Capacity per reply counts every DynamoDB call from the reply request until
// the message is marked `wired` (the reply's write, the authorizer's and rate
// limiter's, the delivery consumer's reads and status write); the folder-count
// consumer's calls are background (bench/run.ts BACKGROUND_KEY_MARKERS).
//
// Not a test: it measures and reports. `npm run bench` calls runReplyDeliveryBench
// with the stack and the recording proxy it already runs.
import { performance } from 'node:perf_hooks';
import { randomUUID } from 'node:crypto';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { createDynamoDbRepositories } from '#adapters/dynamodb/index';
import { messageKeys } from '#adapters/dynamodb/entities/message';
import { createUseCases } from '#use-cases/index';
import { LOCAL_CREDENTIALS } from '../infra/local/emulators';
import type { LocalStack } from '../infra/local/stack';
import { startGatewayStandIn } from '../test/support/gateway-stand-in';
import type { DynamoDbProxy } from './dynamodb-proxy';
import { createStackClient, type StackClient } from './stack-client';
import { PIPELINE_TIMEOUT_MS, PIPELINE_WARM_UP_ROUNDS, figure, latencyFigures, latencyRow, type BenchFigure, type BenchSection, type LatencyRow } from './report';

export interface ReplyDeliveryRow extends LatencyRow {
  side: 'stack' | 'floor';
  /** Mean capacity units per reply. */
  readUnits: number;
  writeUnits: number;
}

const POLL_MS = 10;
const REPLY = 'Hello, this is Ana from support. Your refund for order 1234 is on its way.';

export async function benchReplyDelivery(options: { stack: LocalStack; proxy: DynamoDbProxy; directEndpoint: string; replies?: number; log?: (line: string) => void }): Promise<ReplyDeliveryRow[]> {
  const { stack, proxy } = options;
  const log = options.log ?? (() => undefined);
  const replies = options.replies ?? 30;
  const gateway = await startGatewayStandIn();
  let client: StackClient | undefined;
  try {
    // Setup and the floor's use cases talk to DynamoDB Local directly for setup, through the proxy for the floor.
    const direct = new DynamoDBClient({ endpoint: options.directEndpoint, region: stack.region, credentials: LOCAL_CREDENTIALS });
    const setup = createUseCases(createDynamoDbRepositories({ client: direct, tableName: stack.tableName }));
    const floorUseCases = createUseCases(
      createDynamoDbRepositories({ client: new DynamoDBClient({ endpoint: proxy.endpoint, region: stack.region, credentials: LOCAL_CREDENTIALS }), tableName: stack.tableName }),
    );
    const workspace = await setup.createWorkspace({ name: `Reply benchmark ${randomUUID().slice(0, 6)}` });
    const agent = await setup.addMember({ workspace: workspace.uuid, email: `bench-${randomUUID()}@example.com`, name: 'Bench Agent', role: 'administrator' });
    const { token } = await setup.issueApiToken({ workspace: workspace.uuid, user: agent.uuid, name: 'reply benchmark' });
    const http = (client = createStackClient(stack, { workspace: workspace.uuid, token }));
    const sendUrl = `${gateway.url}/send`;
    await http.post('/channels', { type: 'EX', name: 'Bench gateway', schemes: ['tel'], address: '+250788000000', config: { send_url: sendUrl, content_type: 'json', max_length: 640 } });
    const openTicket = async (round: number, side: string): Promise<{ ticket: string; contact: string }> => {
      const contact = randomUUID();
      const ticket = await http.openTicket({
        idempotency_key: randomUUID(),
        contact: { uuid: contact, name: `Bench ${side} ${round}`, urns: [`tel:+2507884${side === 'stack' ? 0 : 1}${String(round).padStart(4, '0')}`] },
        topic: { name: 'Billing' },
        note: 'benchmark',
      });
      return { ticket, contact };
    };

    const samples = { stack: [] as { ms: number; readUnits: number; writeUnits: number }[], floor: [] as { ms: number; readUnits: number; writeUnits: number }[] };
    log(`reply → gateway: ${PIPELINE_WARM_UP_ROUNDS} warm-up replies, then ${replies} measured per side, one at a time…`);
    for (let round = 0; round < PIPELINE_WARM_UP_ROUNDS + replies; round++) {
      // The stack: POST the reply, wait for the gateway to receive it and for its `wired` status to be written.
      const stackTicket = await openTicket(round, 'stack');
      const before = gateway.requests.length;
      const window = proxy.openWindow();
      const started = performance.now();
      let sent: { uuid: string; created_on: string };
      try {
        sent = (await http.post(`/tickets/${stackTicket.ticket}/messages`, { text: REPLY })) as { uuid: string; created_on: string };
        while (gateway.requests.length === before) {
          if (performance.now() - started > PIPELINE_TIMEOUT_MS) throw new Error(`the gateway received nothing ${PIPELINE_TIMEOUT_MS} ms after reply ${round}`);
          await new Promise((resolve) => setTimeout(resolve, POLL_MS));
        }
      } catch (error) {
        window.close();
        throw error;
      }
      const ms = performance.now() - started;
      await waitUntilSent(direct, stack.tableName, messageKeys.message(workspace.uuid, stackTicket.contact, sent.created_on, sent.uuid), started);
      const { calls } = window.close();
      if (round >= PIPELINE_WARM_UP_ROUNDS) samples.stack.push({ ms, readUnits: sum(calls, 'readUnits'), writeUnits: sum(calls, 'writeUnits') });

      // The floor: the same reply with the use case (through the proxy), then the same request straight to the gateway.
      const floorTicket = await openTicket(round, 'floor');
      const floorWindow = proxy.openWindow();
      const floorStarted = performance.now();
      const written = await floorUseCases.replyToTicket({ actor: { workspace: workspace.uuid, user: agent.uuid }, ticket: floorTicket.ticket, input: { text: REPLY } });
      await fetch(sendUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ id: written.uuid, text: REPLY, to: '+250788000001' }) }).then((response) => response.text());
      const floorMs = performance.now() - floorStarted;
      const floorCalls = floorWindow.close().calls;
      if (round >= PIPELINE_WARM_UP_ROUNDS) samples.floor.push({ ms: floorMs, readUnits: sum(floorCalls, 'readUnits'), writeUnits: sum(floorCalls, 'writeUnits') });
    }

    const row = (side: ReplyDeliveryRow['side'], what: string, taken: { ms: number; readUnits: number; writeUnits: number }[]): ReplyDeliveryRow => ({
      side,
      ...latencyRow(
        what,
        taken.map((sample) => sample.ms),
      ),
      readUnits: sum(taken, 'readUnits') / taken.length,
      writeUnits: sum(taken, 'writeUnits') / taken.length,
    });
    return [
      row('stack', 'POST /tickets/{uuid}/messages → the gateway receives it (stream, pipe, fan-out, queue, DeliveryConsumer)', samples.stack),
      row('floor', 'the reply use case directly, then the same HTTP request to the gateway directly', samples.floor),
    ];
  } finally {
    client?.destroy();
    await gateway.stop();
  }
}

function sum<K extends string>(items: readonly Record<K, number>[], key: K): number {
  return items.reduce((total, item) => total + item[key], 0);
}

/** Waits (reading DynamoDB Local directly, so nothing is counted) until the message has left `queued`. */
async function waitUntilSent(direct: DynamoDBClient, tableName: string, key: { pk: string; sk: string }, started: number): Promise<void> {
  for (;;) {
    const { Item } = await direct.send(new GetItemCommand({ TableName: tableName, Key: { pk: { S: key.pk }, sk: { S: key.sk } }, ConsistentRead: true }));
    if (Item?.status?.S && Item.status.S !== 'queued') return;
    if (performance.now() - started > PIPELINE_TIMEOUT_MS) throw new Error(`message ${key.sk} still queued after ${PIPELINE_TIMEOUT_MS} ms`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

export function replyDeliveryTable(rows: readonly ReplyDeliveryRow[]): string {
  const [stack, floor] = rows;
  const ratio = stack && floor ? ` (${(stack.p50Ms / floor.p50Ms).toFixed(2)}× the floor at p50)` : '';
  return [
    '| side | what | replies | p50 ms | p99 ms | max ms | RCU / WCU per reply |',
    '|---|---|---:|---:|---:|---:|---:|',
    ...rows.map((row) => `| ${row.side} | ${row.what} | ${row.samples} | ${row.p50Ms.toFixed(1)} | ${row.p99Ms.toFixed(1)} | ${row.maxMs.toFixed(1)} | ${+row.readUnits.toFixed(1)} / ${+row.writeUnits.toFixed(1)} |`),
    '',
    `Latency ratio${ratio}.`,
  ].join('\n');
}

export const REPLY_DELIVERY_TITLE = 'Agent reply → gateway receipt';

/** `reply delivery/<side>/p50`, `/p99`, `/max`, `/RCU`, `/WCU` (per reply), and the stack's p50 ÷ the floor's; the headline first: the stack's p50. */
export function replyDeliveryFigures(rows: readonly ReplyDeliveryRow[]): BenchFigure[] {
  const stack = rows.find((row) => row.side === 'stack');
  const floor = rows.find((row) => row.side === 'floor');
  const stackFirst = [...rows].sort((a, b) => Number(b.side === 'stack') - Number(a.side === 'stack'));
  return [
    ...stackFirst.flatMap((row) => [
      ...latencyFigures(`reply delivery/${row.side}`, row),
      figure(`reply delivery/${row.side}/RCU`, row.readUnits, 'RCU'),
      figure(`reply delivery/${row.side}/WCU`, row.writeUnits, 'WCU'),
    ]),
    ...(stack && floor ? [figure('reply delivery/latency ratio', stack.p50Ms / floor.p50Ms, '×')] : []),
  ];
}

export function replyDeliverySection(rows: readonly ReplyDeliveryRow[]): BenchSection {
  return {
    title: REPLY_DELIVERY_TITLE,
    markdown: `## ${REPLY_DELIVERY_TITLE}\n\nA reply through the whole pipeline to an External API gateway stand-in, beside the floor; see bench/reply-delivery-latency.ts.\n\n${replyDeliveryTable(rows)}`,
    figures: replyDeliveryFigures(rows),
    raw: rows,
  };
}

/** The section of `npm run bench`. */
export async function runReplyDeliveryBench(options: Parameters<typeof benchReplyDelivery>[0]): Promise<BenchSection> {
  return replyDeliverySection(await benchReplyDelivery(options));
}
