// Close → first follow-up message (issue 5, item 5): how long after an agent
// closes a ticket its contact's satisfaction survey sends its first message,
// through the local stack's whole pipeline — table stream, pipe, StreamFanOut, fan-out topic,
// closed-tickets FIFO queue, ClosedTicketConsumer, FlowEngine (Lambda Invoke),
// the sprint's transaction. Closes are made one at a time, so each is
// measured without queueing behind the others.
//
// Two measures per close:
//   recorded   the message's `created_on` minus the ticket's `closed_on` — both
//              written by the functions on this machine's clock, so the
//              client's polling does not blur it
//   observed   from sending the close request to the client first seeing the
//              message (polling every 20 ms): what a watching agent waits
//
// Not a test: it measures and reports. Alone: `npx tsx bench/closed-ticket-latency.ts
// [--closes N] [--cdk-out DIR]` starts its own local stack; `npm run bench` calls
// `runClosedTicketLatencyBench` with the stack it already runs.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { createDynamoDbRepositories } from '#adapters/dynamodb/index';
import { createUseCases } from '#use-cases/index';
import { LOCAL_CREDENTIALS } from '../infra/local/emulators';
import { startLocalStack, type LocalStack } from '../infra/local/stack';
import { exportOf, surveyFlow } from '../test/integration/triggers/fixtures';
import { PIPELINE_TIMEOUT_MS, PIPELINE_WARM_UP_ROUNDS, latencyFigures, latencyRow, type BenchFigure, type BenchSection, type LatencyRow } from './report';

export interface ClosedTicketLatencyRow extends LatencyRow {
  measure: 'recorded' | 'observed';
}

export interface ClosedTicketLatencyOptions {
  /** The running local stack (its DynamoDB, HTTP API and Lambda endpoints). */
  stack: LocalStack;
  /** Measured closes (default 30), after PIPELINE_WARM_UP_ROUNDS unmeasured warm-up closes. */
  closes?: number;
  log?: (line: string) => void;
}

const SURVEY = surveyFlow('e5000000-0000-4000-8000-000000000001', 'Benchmark Survey');
const POLL_MS = 20;

/** A workspace of its own (the benchmark leaves the seeded one alone) with the survey and its closed-ticket trigger. */
async function benchmarkWorkspace(stack: LocalStack, lambda: LambdaClient) {
  const useCases = createUseCases(
    createDynamoDbRepositories({
      client: new DynamoDBClient({ endpoint: stack.dynamodbEndpoint, region: stack.region, credentials: LOCAL_CREDENTIALS }),
      tableName: stack.tableName,
    }),
  );
  const workspace = await useCases.createWorkspace({ name: `Closed-ticket benchmark ${randomUUID().slice(0, 6)}` });
  const agent = await useCases.addMember({ workspace: workspace.uuid, email: `bench-${randomUUID()}@example.com`, name: 'Bench Agent', role: 'administrator' });
  const { token } = await useCases.issueApiToken({ workspace: workspace.uuid, user: agent.uuid, name: 'closed-ticket benchmark' });
  const imported = await invoke(lambda, stack.functions.FlowEngine!, { command: 'import_flows', workspace: workspace.uuid, definitions: exportOf([SURVEY], [{ flow: SURVEY }]) });
  if ((imported as { triggers?: unknown[] }).triggers?.length !== 1) throw new Error(`import_flows did not create the trigger: ${JSON.stringify(imported).slice(0, 300)}`);
  return { workspace: workspace.uuid, token };
}

async function invoke(lambda: LambdaClient, functionName: string, payload: unknown): Promise<unknown> {
  const out = await lambda.send(new InvokeCommand({ FunctionName: functionName, InvocationType: 'RequestResponse', Payload: JSON.stringify(payload) }));
  const body = JSON.parse(Buffer.from(out.Payload!).toString()) as Record<string, unknown>;
  if (out.FunctionError || body.error) throw new Error(`${functionName} failed: ${JSON.stringify(body).slice(0, 300)}`);
  return body;
}

export async function benchClosedTicketLatency(options: ClosedTicketLatencyOptions): Promise<ClosedTicketLatencyRow[]> {
  const { stack } = options;
  const log = options.log ?? (() => undefined);
  const closes = options.closes ?? 30;
  const lambda = new LambdaClient({ endpoint: stack.lambdaEndpoint, region: stack.region, credentials: LOCAL_CREDENTIALS });
  const { workspace, token } = await benchmarkWorkspace(stack, lambda);
  const headers = { authorization: `Token ${token}`, 'content-type': 'application/json' };
  const http = async (method: 'GET' | 'POST', url: string) => {
    const response = await fetch(`${stack.apiUrl}${url}`, { method, headers, ...(method === 'POST' ? { body: '{}' } : {}) });
    return { status: response.status, body: (await response.json()) as any };
  };

  const recorded: number[] = [];
  const observed: number[] = [];
  log(`closed-ticket latency: ${PIPELINE_WARM_UP_ROUNDS} warm-up closes, then ${closes} measured, one at a time…`);
  for (let round = 0; round < PIPELINE_WARM_UP_ROUNDS + closes; round++) {
    const contact = randomUUID();
    const opened = (await invoke(lambda, stack.functions.TicketCommand!, {
      command: 'open_ticket',
      workspace,
      idempotency_key: randomUUID(),
      contact: { uuid: contact, name: `Bench ${round}`, urns: [`tel:+2507880${String(10_000 + round).padStart(5, '0')}`] },
      topic: { name: 'Billing' },
      assignee: null,
      note: 'benchmark',
    })) as { ticket: { uuid: string } };

    const sentAt = performance.now();
    const closed = await http('POST', `/tickets/${opened.ticket.uuid}/close`);
    if (closed.status !== 200) throw new Error(`close answered ${closed.status}: ${JSON.stringify(closed.body).slice(0, 300)}`);
    let first: { created_on: string } | undefined;
    while (!first) {
      if (performance.now() - sentAt > PIPELINE_TIMEOUT_MS) throw new Error(`no follow-up message ${PIPELINE_TIMEOUT_MS} ms after closing ticket ${opened.ticket.uuid}`);
      const page = await http('GET', `/contacts/${contact}/messages`);
      first = page.status === 200 ? (page.body.results as { direction: string; created_on: string }[]).find((message) => message.direction === 'out') : undefined;
      if (!first) await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
    if (round < PIPELINE_WARM_UP_ROUNDS) continue;
    observed.push(performance.now() - sentAt);
    recorded.push(Date.parse(first.created_on) - Date.parse(closed.body.ticket.closed_on));
  }

  return [
    { measure: 'recorded', ...latencyRow('message `created_on` − ticket `closed_on` (function clocks)', recorded) },
    { measure: 'observed', ...latencyRow('close request sent → message seen by a client polling every 20 ms', observed) },
  ];
}

export function closedTicketLatencyTable(rows: readonly ClosedTicketLatencyRow[]): string {
  return [
    '| measure | what | closes | p50 ms | p99 ms | max ms |',
    '|---|---|---:|---:|---:|---:|',
    ...rows.map((row) => `| ${row.measure} | ${row.what} | ${row.samples} | ${row.p50Ms.toFixed(0)} | ${row.p99Ms.toFixed(0)} | ${row.maxMs.toFixed(0)} |`),
  ].join('\n');
}

export const CLOSED_TICKET_TITLE = 'Close → first follow-up message';

/** `closed ticket/<measure>/p50`, `/p99`, `/max`; the headline first: what a watching agent waits (observed p50). */
export function closedTicketLatencyFigures(rows: readonly ClosedTicketLatencyRow[]): BenchFigure[] {
  const observedFirst = [...rows].sort((a, b) => Number(b.measure === 'observed') - Number(a.measure === 'observed'));
  return observedFirst.flatMap((row) => latencyFigures(`closed ticket/${row.measure}`, row));
}

export function closedTicketLatencySection(rows: readonly ClosedTicketLatencyRow[]): BenchSection {
  return {
    title: CLOSED_TICKET_TITLE,
    markdown: `## ${CLOSED_TICKET_TITLE}\n\nA closed-ticket trigger starts a survey; see bench/closed-ticket-latency.ts.\n\n${closedTicketLatencyTable(rows)}`,
    figures: closedTicketLatencyFigures(rows),
    raw: rows,
  };
}

/** The section of `npm run bench`. */
export async function runClosedTicketLatencyBench(options: ClosedTicketLatencyOptions): Promise<BenchSection> {
  return closedTicketLatencySection(await benchClosedTicketLatency(options));
}

async function main() {
  const { values } = parseArgs({ options: { closes: { type: 'string' }, 'cdk-out': { type: 'string' } } });
  const closes = values.closes ? Number(values.closes) : 30;
  // --cdk-out DIR runs an already synthesized cloud assembly; otherwise the app is synthesized into a temporary folder.
  const given = values['cdk-out'];
  const cloudAssemblyDir = given ? path.resolve(given) : mkdtempSync(path.join(os.tmpdir(), 'ticketer-bench-closes-'));
  const log = (line: string) => console.log(`▸ ${line}`);
  const stack = await startLocalStack({ cloudAssemblyDir, synth: !given, ports: 0, log });
  try {
    console.log(`\n${closedTicketLatencyTable(await benchClosedTicketLatency({ stack, closes, log }))}\n`);
  } finally {
    await stack.stop();
    if (!given) rmSync(cloudAssemblyDir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
