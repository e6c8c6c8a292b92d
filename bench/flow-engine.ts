// The flow engine's cost per sprint (issue 4, item 5): a 20-node flow of ten
// questions (msg waits with number and text tests) and ten computing nodes
// (results from expressions, messages with templates), resumed once per
// answer. Three sides of the same resume:
//
//   engine            the engine core in process, in-memory ports, session JSON round trip
//   service           the flow use cases in process over DynamoDB (load, sprint, one transaction)
//   local stack       the FlowEngine function by Lambda Invoke (receive_msg)
//
// Not a test: it measures and reports. Alone: `npx tsx bench/flow-engine.ts
// [--resumes N] [--cdk-out DIR]` starts its own local stack; `npm run bench` calls
// `runFlowEngineBench` with the stack it already runs.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { createFlowRepository } from '#adapters/dynamodb/flow-repository';
import { createDynamoDbRepositories } from '#adapters/dynamodb/index';
import { createTableClient, type ConsumedCapacityReport } from '#adapters/dynamodb/table-client';
import { newId } from '#domain/ids';
import { SessionAssets } from '#flows/assets';
import type { FlowJSON } from '#flows/definition/types';
import { FlowEngine, type SprintResult } from '#flows/engine';
import type { SessionJSON } from '#flows/session';
import { systemClock, uuidV7 } from '#flows/system-ports';
import { createFlowUseCases } from '#use-cases/flows';
import { createUseCases } from '#use-cases/index';
import { LOCAL_CREDENTIALS } from '../infra/local/emulators';
import { startLocalStack, type LocalStack } from '../infra/local/stack';
import { figure, type BenchFigure, type BenchSection } from './report';

export interface FlowEngineBenchRow {
  side: 'engine' | 'service' | 'local stack';
  what: string;
  resumes: number;
  medianMs: number;
  p95Ms: number;
  /** DynamoDB capacity per resume (service side only; the others: null). */
  readUnits: number | null;
  writeUnits: number | null;
}

export interface FlowEngineBenchOptions {
  /** The running local stack (its seeded workspace, DynamoDB and Lambda endpoints). */
  stack: LocalStack;
  /** Measured resumes per side (default 100 for the engine, a third of that through storage). */
  resumes?: number;
  log?: (line: string) => void;
}

const QUESTIONS = 10;
const ANSWERS = ['42', 'seven', '3.5', 'Kigali', '100', 'no idea', '9', 'yes', '17', 'done'];

/** Ten question nodes (send_msg + msg wait) alternating with ten computing nodes: 20 nodes, 10 waits a session. */
export function benchmarkFlow(): FlowJSON {
  const id = (kind: number, index: number) => `f1000000-0000-4000-8000-${String(kind).padStart(4, '0')}${String(index).padStart(8, '0')}`;
  const nodes: Record<string, unknown>[] = [];
  for (let index = 0; index < QUESTIONS; index++) {
    const ask = id(1, index);
    const compute = id(2, index);
    const next = index + 1 < QUESTIONS ? id(1, index + 1) : undefined;
    nodes.push({
      uuid: ask,
      actions: [
        {
          uuid: id(3, index),
          type: 'send_msg',
          text: `Question ${index + 1} for @contact.name: a number please (so far @(default(results.total.value, 0)))`,
          quick_replies: ['1', '10', '@(upper("skip"))'],
        },
      ],
      router: {
        type: 'switch',
        wait: { type: 'msg' },
        operand: '@input.text',
        result_name: `Answer ${index}`,
        cases: [
          { uuid: id(4, index), type: 'has_number_between', arguments: ['0', '1000'], category_uuid: id(5, index) },
          { uuid: id(6, index), type: 'has_any_word', arguments: ['yes no done'], category_uuid: id(7, index) },
        ],
        categories: [
          { uuid: id(5, index), name: 'Number', exit_uuid: id(8, index) },
          { uuid: id(7, index), name: 'Word', exit_uuid: id(9, index) },
          { uuid: id(10, index), name: 'Other', exit_uuid: id(9, index) },
        ],
        default_category_uuid: id(10, index),
      },
      exits: [
        { uuid: id(8, index), destination_uuid: compute },
        { uuid: id(9, index), destination_uuid: compute },
      ],
    });
    nodes.push({
      uuid: compute,
      actions: [
        {
          uuid: id(11, index),
          type: 'set_run_result',
          name: 'Total',
          value: `@(default(results.total.value, 0) + if(is_error(number(input.text)), text_length(input.text), number(input.text)))`,
          category: '',
        },
        { uuid: id(12, index), type: 'set_run_local', local: 'last', value: '@(upper(word(input.text, 0)))', operation: 'set' },
        { uuid: id(13, index), type: 'send_msg', text: `Got "@input.text" (@locals.last), category @results.answer_${index}.category; total @(format_number(results.total.value, 1))` },
      ],
      exits: [{ uuid: id(14, index), ...(next ? { destination_uuid: next } : {}) }],
    });
  }
  return { uuid: id(0, 0), name: 'Benchmark: ten questions', spec_version: '14.4.2', language: 'eng', type: 'messaging', revision: 1, nodes } as unknown as FlowJSON;
}

function summarize(samples: number[]): { medianMs: number; p95Ms: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] ?? 0;
  return { medianMs: at(0.5), p95Ms: at(0.95) };
}

/** Answers in a loop: every tenth resume ends a session and the next one starts (not measured). */
async function measureResumes(count: number, warmup: number, start: () => Promise<void>, resume: (answer: string) => Promise<void>): Promise<number[]> {
  const samples: number[] = [];
  let answered = QUESTIONS;
  for (let round = 0; round < warmup + count; round++) {
    if (answered === QUESTIONS) {
      await start();
      answered = 0;
    }
    const began = performance.now();
    await resume(ANSWERS[answered]!);
    if (round >= warmup) samples.push(performance.now() - began);
    answered++;
  }
  return samples;
}

/** The engine core alone: what a sprint costs before any I/O. */
export async function benchEngineInProcess(resumes: number): Promise<FlowEngineBenchRow> {
  const flow = benchmarkFlow();
  const engine = new FlowEngine({
    tickets: { open: async () => ({ opened: false, reason: 'not in this benchmark' }) },
    email: { send: async () => undefined },
    clock: systemClock,
    uuids: uuidV7,
  });
  let session: SessionJSON | null = null;
  let assets = new SessionAssets({});
  const keep = (result: SprintResult) => {
    const errors = result.events.filter((event) => event.type === 'error');
    if (errors.length) throw new Error(`the benchmark flow has expression errors: ${JSON.stringify(errors[0])}`);
    // Stored as JSON text between sprints, as the service does.
    session = JSON.parse(JSON.stringify(result.session)) as SessionJSON;
  };
  const contact = { uuid: newId(), name: 'Bench Contact', urns: ['tel:+250788123123'], created_on: systemClock.now() };
  const samples = await measureResumes(
    resumes,
    Math.min(50, resumes),
    async () => {
      // A new assets object per session, as a new Lambda invoke would read it.
      assets = new SessionAssets({ flows: [structuredClone(flow)] });
      keep(await engine.start({ assets, contact, trigger: { type: 'manual', flow: { uuid: flow.uuid, name: flow.name }, triggered_on: systemClock.now() } }));
    },
    async (text) => {
      keep(await engine.resume({ assets, session: session!, resume: { type: 'msg', resumed_on: systemClock.now(), msg: { urn: 'tel:+250788123123', text } } }));
    },
  );
  return { side: 'engine', what: 'resume (in process, in-memory ports, session JSON round trip)', resumes: samples.length, ...summarize(samples), readUnits: null, writeUnits: null };
}

/** The flow use cases in process over the stack's DynamoDB: load, sprint, store. */
async function benchServiceInProcess(stack: LocalStack, resumes: number): Promise<FlowEngineBenchRow> {
  const client = new DynamoDBClient({ endpoint: stack.dynamodbEndpoint, region: stack.region, credentials: LOCAL_CREDENTIALS });
  let measuring = false;
  const capacity = { read: 0, write: 0 };
  const onConsumedCapacity = (report: ConsumedCapacityReport) => {
    if (!measuring) return;
    capacity.read += report.readUnits;
    capacity.write += report.writeUnits;
  };
  const flows = createFlowUseCases({
    repos: createDynamoDbRepositories({ client, tableName: stack.tableName, onConsumedCapacity }),
    flows: createFlowRepository(createTableClient({ client, tableName: stack.tableName, onConsumedCapacity })),
    ticketCommand: { openTicket: async () => Promise.reject(new Error('the benchmark flow opens no tickets')) },
  });
  const actor = { workspace: stack.workspace!.uuid, user: null };
  const flow = benchmarkFlow();
  await flows.importFlows({ actor, definitions: flow });
  const contact = newId();
  const samples = await measureResumes(
    resumes,
    Math.min(5, resumes),
    async () => {
      measuring = false;
      await flows.startFlow({ actor, flow: flow.uuid, contact: { uuid: contact, name: 'Bench Contact', urns: ['tel:+250788123123'] } });
    },
    async (text) => {
      measuring = true;
      await flows.receiveMsg({ actor, contact, text });
      measuring = false;
    },
  );
  // Warm-up resumes were counted too: capacity is per resume over everything measured with `measuring` on.
  const total = samples.length + Math.min(5, resumes);
  return {
    side: 'service',
    what: 'receive_msg use case in process over DynamoDB Local',
    resumes: samples.length,
    ...summarize(samples),
    readUnits: capacity.read / total,
    writeUnits: capacity.write / total,
  };
}

/** The FlowEngine Lambda function through the local stack's Invoke API. */
async function benchThroughStack(stack: LocalStack, resumes: number): Promise<FlowEngineBenchRow> {
  const lambda = new LambdaClient({ endpoint: stack.lambdaEndpoint, region: stack.region, credentials: LOCAL_CREDENTIALS });
  const functionName = stack.functions.FlowEngine;
  if (!functionName) throw new Error('The local stack runs no FlowEngine function.');
  const invoke = async (payload: unknown) => {
    const response = await lambda.send(new InvokeCommand({ FunctionName: functionName, InvocationType: 'RequestResponse', Payload: JSON.stringify(payload) }));
    const body = JSON.parse(Buffer.from(response.Payload!).toString()) as { error?: { message: string } };
    if (response.FunctionError || body.error) throw new Error(`FlowEngine answered ${JSON.stringify(body)}`);
    return body;
  };
  const workspace = stack.workspace!.uuid;
  const flow = benchmarkFlow();
  await invoke({ command: 'import_flows', workspace, definitions: flow });
  const contact = newId();
  const samples = await measureResumes(
    resumes,
    Math.min(5, resumes),
    async () => {
      await invoke({ command: 'start_flow', workspace, flow: { uuid: flow.uuid }, contact: { uuid: contact, name: 'Bench Contact', urns: ['tel:+250788123124'] } });
    },
    async (text) => {
      await invoke({ command: 'receive_msg', workspace, contact: { uuid: contact }, text });
    },
  );
  return { side: 'local stack', what: 'receive_msg by Lambda Invoke of FlowEngine', resumes: samples.length, ...summarize(samples), readUnits: null, writeUnits: null };
}

/** Every side, engine first. About a minute with the defaults. */
export async function benchFlowEngine(options: FlowEngineBenchOptions): Promise<FlowEngineBenchRow[]> {
  const log = options.log ?? (() => undefined);
  const resumes = options.resumes ?? 100;
  const throughStorage = Math.max(10, Math.round(resumes / 3));
  log(`flow engine: ${resumes} resumes in process…`);
  const engine = await benchEngineInProcess(resumes);
  log(`flow engine: ${throughStorage} resumes through the use cases over DynamoDB…`);
  const service = await benchServiceInProcess(options.stack, throughStorage);
  log(`flow engine: ${throughStorage} resumes through the local stack…`);
  const stack = await benchThroughStack(options.stack, throughStorage);
  return [engine, service, stack];
}

export function flowEngineTable(rows: readonly FlowEngineBenchRow[]): string {
  const units = (value: number | null) => (value === null ? '—' : value.toFixed(1));
  return [
    '| side | what is measured | resumes | median ms | p95 ms | RCU / resume | WCU / resume |',
    '|---|---|---:|---:|---:|---:|---:|',
    ...rows.map((row) => `| ${row.side} | ${row.what} | ${row.resumes} | ${row.medianMs.toFixed(2)} | ${row.p95Ms.toFixed(2)} | ${units(row.readUnits)} | ${units(row.writeUnits)} |`),
  ].join('\n');
}

export const FLOW_ENGINE_TITLE = 'Flow engine: cost per sprint';

/** `flow engine/<side>/median` and `/p95` per side, RCU and WCU per resume where measured; the headline first: a resume through the stack. */
export function flowEngineFigures(rows: readonly FlowEngineBenchRow[]): BenchFigure[] {
  const bySide = [...rows].sort((a, b) => Number(b.side === 'local stack') - Number(a.side === 'local stack'));
  return bySide.flatMap((row) => [
    figure(`flow engine/${row.side}/median`, row.medianMs, 'ms'),
    figure(`flow engine/${row.side}/p95`, row.p95Ms, 'ms'),
    ...(row.readUnits === null ? [] : [figure(`flow engine/${row.side}/RCU`, row.readUnits, 'RCU')]),
    ...(row.writeUnits === null ? [] : [figure(`flow engine/${row.side}/WCU`, row.writeUnits, 'WCU')]),
  ]);
}

export function flowEngineSection(rows: readonly FlowEngineBenchRow[]): BenchSection {
  return {
    title: FLOW_ENGINE_TITLE,
    markdown: `## ${FLOW_ENGINE_TITLE}\n\nOne resume of a 20-node flow (ten msg waits, expressions in every node); see bench/flow-engine.ts.\n\n${flowEngineTable(rows)}`,
    figures: flowEngineFigures(rows),
    raw: rows,
  };
}

/** The section of `npm run bench`. */
export async function runFlowEngineBench(options: FlowEngineBenchOptions): Promise<BenchSection> {
  return flowEngineSection(await benchFlowEngine(options));
}

async function main() {
  const { values } = parseArgs({ options: { resumes: { type: 'string' }, 'cdk-out': { type: 'string' } } });
  const resumes = values.resumes ? Number(values.resumes) : 100;
  // --cdk-out DIR runs an already synthesized cloud assembly; otherwise the app is synthesized into a temporary folder.
  const given = values['cdk-out'];
  const cloudAssemblyDir = given ? path.resolve(given) : mkdtempSync(path.join(os.tmpdir(), 'ticketer-bench-flows-'));
  const log = (line: string) => console.log(`▸ ${line}`);
  const stack = await startLocalStack({ cloudAssemblyDir, synth: !given, ports: 0, log });
  try {
    console.log(`\n${flowEngineTable(await benchFlowEngine({ stack, resumes, log }))}\n`);
  } finally {
    await stack.stop();
    if (!given) rmSync(cloudAssemblyDir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
