// Command → live event (issue 10, item 5): how long after an agent's command
// the other agent's open WebSocket receives the event, through the local
// stack's whole pipeline — the command's transaction, the table stream, the
// pipe, the fan-out function, the SNS FIFO topic, the live-updates FIFO queue,
// the LiveUpdatesConsumer, @connections and the socket. Three paths:
//
// - assign → ticket_changed (the ticket's own record),
// - assign → counts_changed (the folder counters the TicketEventsConsumer
//   writes first, so one more trip through the stream),
// - reply → msg_created at the connection subscribed to the ticket.
//
// Commands are made one at a time, so each is measured without queueing.
// Not a test: it measures and reports. `npm run bench` calls runLiveUpdatesBench
// with the stack it already runs; `npx tsx bench/live-update-latency.ts` runs
// it alone on a local stack of its own (TICKETER_CDK_OUT: an existing cloud
// assembly instead of a new `cdk synth`).
import { performance } from 'node:perf_hooks';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createDynamoDbRepositories } from '#adapters/dynamodb/index';
import { createUseCases } from '#use-cases/index';
import { LOCAL_CREDENTIALS } from '../infra/local/emulators';
import { startLocalStack, type LocalStack } from '../infra/local/stack';
import { connectLive, type LiveClient } from '../test/support/live-client';
import { createStackClient } from './stack-client';
import { PIPELINE_TIMEOUT_MS, PIPELINE_WARM_UP_ROUNDS, latencyFigures, latencyRow, type BenchFigure, type BenchSection, type LatencyRow } from './report';

export interface LiveUpdateRow extends LatencyRow {
  /** The event the socket waits for, after which command. */
  path: 'assign → ticket_changed' | 'assign → counts_changed' | 'reply → msg_created';
}

export async function benchLiveUpdates(options: { stack: LocalStack; directEndpoint: string; rounds?: number; log?: (line: string) => void }): Promise<LiveUpdateRow[]> {
  const { stack } = options;
  const log = options.log ?? (() => undefined);
  const rounds = options.rounds ?? 30;
  if (!stack.websocketUrl) throw new Error('the templates have no WebSocket API: nothing to measure');
  const setup = createUseCases(
    createDynamoDbRepositories({ client: new DynamoDBClient({ endpoint: options.directEndpoint, region: stack.region, credentials: LOCAL_CREDENTIALS }), tableName: stack.tableName }),
  );
  const workspace = await setup.createWorkspace({ name: `Live benchmark ${randomUUID().slice(0, 6)}` });
  const people = await Promise.all(
    ['Actor', 'Watcher'].map(async (name) => {
      const member = await setup.addMember({ workspace: workspace.uuid, email: `bench-${randomUUID()}@example.com`, name: `Bench ${name}`, role: 'administrator' });
      return { ...member, token: (await setup.issueApiToken({ workspace: workspace.uuid, user: member.uuid, name: 'live benchmark' })).token };
    }),
  );
  const [actor, watcher] = people as [(typeof people)[0], (typeof people)[0]];
  const client = createStackClient(stack, { workspace: workspace.uuid, token: actor.token });
  await client.post('/channels', { type: 'EX', name: 'Bench gateway', schemes: ['tel'], address: '+250788000000', config: { send_url: `${stack.gatewayUrl}/send`, method: 'POST' } });
  const openTicket = (round: number) =>
    client.openTicket({ idempotency_key: randomUUID(), contact: { uuid: randomUUID(), name: `Bench ${round}`, urns: [`tel:+2507885${String(round).padStart(5, '0')}`] }, topic: null });

  const socket: LiveClient = await connectLive(stack.websocketUrl, watcher.token);
  const samples = { ticket: [] as number[], counts: [] as number[], msg: [] as number[] };
  try {
    log(`command → live event: ${PIPELINE_WARM_UP_ROUNDS} warm-up rounds, then ${rounds} measured, one at a time…`);
    for (let round = 0; round < PIPELINE_WARM_UP_ROUNDS + rounds; round++) {
      const ticket = await openTicket(round);
      // The watcher has the ticket's conversation open; its opening has reached the socket (so nothing of it is pending).
      await socket.next((frame) => frame.type === 'ticket_changed' && frame.ticket.uuid === ticket, PIPELINE_TIMEOUT_MS);
      await socket.next((frame) => frame.type === 'counts_changed' && frame.counts.unassigned === 1, PIPELINE_TIMEOUT_MS);
      const subscribed = socket.frames.length;
      socket.send({ action: 'subscribe', ticket_uuid: ticket });
      await socket.next((frame) => frame.type === 'subscribed' && frame.ticket_uuid === ticket, PIPELINE_TIMEOUT_MS, subscribed);

      // assign → ticket_changed and counts_changed
      let from = socket.frames.length;
      let started = performance.now();
      await client.assign(ticket, actor.uuid);
      const ticketChanged = socket.next((frame) => frame.type === 'ticket_changed' && frame.ticket.uuid === ticket && frame.ticket.assignee?.uuid === actor.uuid, PIPELINE_TIMEOUT_MS, from).then(() => performance.now() - started);
      const countsChanged = socket.next((frame) => frame.type === 'counts_changed' && frame.counts.unassigned === 0, PIPELINE_TIMEOUT_MS, from).then(() => performance.now() - started);
      const [ticketMs, countsMs] = await Promise.all([ticketChanged, countsChanged]);

      // reply → msg_created
      from = socket.frames.length;
      started = performance.now();
      const sent = (await client.post(`/tickets/${ticket}/messages`, { text: `Benchmark reply ${round}` })) as { uuid: string };
      await socket.next((frame) => frame.type === 'msg_created' && frame.msg.uuid === sent.uuid, PIPELINE_TIMEOUT_MS, from);
      const msgMs = performance.now() - started;
      if (round >= PIPELINE_WARM_UP_ROUNDS) {
        samples.ticket.push(ticketMs);
        samples.counts.push(countsMs);
        samples.msg.push(msgMs);
      }
      // Close it, so the next round's counts start from an empty Unassigned again.
      await client.close(ticket);
      await socket.next((frame) => frame.type === 'counts_changed' && frame.counts.mine === 0 && frame.counts.all === 0, PIPELINE_TIMEOUT_MS, from);
    }
  } finally {
    await socket.close();
    client.destroy();
  }
  return [
    { path: 'assign → ticket_changed', ...latencyRow('POST /tickets/{uuid}/assign → ticket_changed at another agent’s socket', samples.ticket) },
    { path: 'assign → counts_changed', ...latencyRow('POST /tickets/{uuid}/assign → counts_changed (after the counts consumer)', samples.counts) },
    { path: 'reply → msg_created', ...latencyRow('POST /tickets/{uuid}/messages → msg_created at the subscribed socket', samples.msg) },
  ];
}

export function liveUpdateTable(rows: readonly LiveUpdateRow[]): string {
  return [
    '| what | events | p50 ms | p99 ms | max ms |',
    '|---|---:|---:|---:|---:|',
    ...rows.map((row) => `| ${row.what} | ${row.samples} | ${row.p50Ms.toFixed(1)} | ${row.p99Ms.toFixed(1)} | ${row.maxMs.toFixed(1)} |`),
  ].join('\n');
}

export const LIVE_UPDATES_TITLE = 'Command → live event';

/** `live updates/<path>/p50`, `/p99`, `/max`, in the rows' order; the headline first: assign → ticket_changed p50. */
export function liveUpdateFigures(rows: readonly LiveUpdateRow[]): BenchFigure[] {
  return rows.flatMap((row) => latencyFigures(`live updates/${row.path}`, row));
}

export function liveUpdatesSection(rows: readonly LiveUpdateRow[]): BenchSection {
  return {
    title: LIVE_UPDATES_TITLE,
    markdown: `## ${LIVE_UPDATES_TITLE}\n\nAn agent's command until another agent's WebSocket receives the event; see bench/live-update-latency.ts.\n\n${liveUpdateTable(rows)}`,
    figures: liveUpdateFigures(rows),
    raw: rows,
  };
}

/** The section of `npm run bench`. */
export async function runLiveUpdatesBench(options: Parameters<typeof benchLiveUpdates>[0]): Promise<BenchSection> {
  return liveUpdatesSection(await benchLiveUpdates(options));
}

// Alone: a local stack of its own on free ports, in memory.
if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const log = (line: string) => console.log(`▸ ${line}`);
  const cloudAssemblyDir = process.env.TICKETER_CDK_OUT ?? mkdtempSync(path.join(os.tmpdir(), 'ticketer-live-bench-'));
  const stack = await startLocalStack({ ports: 0, cloudAssemblyDir, synth: !process.env.TICKETER_CDK_OUT, seed: false, log });
  try {
    const rounds = Number(process.env.ROUNDS ?? 30);
    const rows = await benchLiveUpdates({ stack, directEndpoint: stack.dynamodbEndpoint, rounds, log });
    console.log(`\n${liveUpdateTable(rows)}\n\n${os.cpus().length} × ${os.cpus()[0]?.model.trim() ?? 'CPU'}, load ${os.loadavg()[0]?.toFixed(2)}`);
  } finally {
    await stack.stop();
    if (!process.env.TICKETER_CDK_OUT) rmSync(cloudAssemblyDir, { recursive: true, force: true });
  }
}
