// `npm run bench`: the project's scoreboard. What each ticket operation costs
// through the local stack — latency and DynamoDB capacity per call — beside
// the floor, the same DynamoDB calls made directly with the SDK in the same
// run; then the other sections (SECTIONS below). Not a test: it measures and
// reports, it asserts no time limit. It prints a summary first, then each
// section, and writes bench/results/latest.md and latest.json (every figure,
// for comparing runs: bench/compare.ts). docs/benchmarks.md explains it all.
//
//   npm run bench                                     100 measured calls per operation and side
//   npm run bench -- --iterations 30                  fewer (or BENCH_ITERATIONS=30)
//   npm run bench -- --warmup 5 --filler 300 --no-synth
//   npm run bench -- --compare OLD.json               run, then compare with an earlier run
//   npx tsx bench/run.ts --compare OLD.json --against NEW.json   compare two results files, no run
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createDynamoDbRepositories } from '#adapters/dynamodb/index';
import { newId } from '#domain/ids';
import { createUseCases } from '#use-cases/index';
import { LOCAL_CREDENTIALS, LOCAL_REGION, LocalStackSetupError, startDynamoDbLocal } from '../infra/local/emulators';
import { PROJECT_ROOT, startLocalStack, type LocalStack } from '../infra/local/stack';
import { startDynamoDbProxy, type DynamoDbProxy } from './dynamodb-proxy';
import { createFloor, type OpenTicketInput } from './floor';
import { compare, runHeading, summaryTable, ticketOperationsSection, type BenchSection, type OperationResult, type RunInfo, type Sample } from './report';
import { BenchResultsError, benchResults, compareFigures, comparisonReport, duplicateFigureNames, readBenchResults } from './compare';
import { createStackClient } from './stack-client';
import { runFlowEngineBench } from './flow-engine';
import { runClosedTicketLatencyBench } from './closed-ticket-latency';
import { runReplyDeliveryBench } from './reply-delivery-latency';
import { runLiveUpdatesBench } from './live-update-latency';
import { runRateLimitBench } from './rate-limit';
import { runColdStartBench } from './cold-start';

const RESULTS_DIR = path.join(PROJECT_ROOT, 'bench', 'results');
const PAGE_SIZE = 25;
const NOTE_ON_OPEN = 'Wants a refund for order 1234; says the parcel arrived damaged.';
const AGENT_NOTE = 'Called back: the customer will send a photo of the parcel.';
const OPENED_IN = { uuid: '8b2a6a6e-8a3c-4c3e-9c1d-0f8b1f0d0a11', name: 'Support flow' };

interface Options {
  iterations: number;
  warmup: number;
  /** Tickets opened before measuring, so folder pages read from a workspace of a few hundred tickets. */
  filler: number;
  synth: boolean;
  /** An earlier run's results file to compare this run with. */
  compare: string | undefined;
  /** With `compare`: a second results file to compare it with, instead of running the bench. */
  against: string | undefined;
}

/** What a section gets from the run: the stack and the recording proxy already running, and the run's size. */
interface SectionContext {
  stack: LocalStack;
  proxy: DynamoDbProxy;
  /** DynamoDB Local itself, not through the proxy: for setup nobody should count. */
  directEndpoint: string;
  iterations: number;
  log: (line: string) => void;
}

/**
 * The sections after the ticket operations, in the order they run and are
 * reported. Each measures with what the run has started and hands back a
 * BenchSection (bench/report.ts); plugging a section in is one line here.
 */
const SECTIONS: ((run: SectionContext) => Promise<BenchSection>)[] = [
  // The flow engine's cost per sprint: engine alone, use cases over DynamoDB, FlowEngine through the stack.
  (run) => runFlowEngineBench({ stack: run.stack, resumes: run.iterations, log: run.log }),
  // Close → the follow-up flow's first message through the local pipeline.
  (run) => runClosedTicketLatencyBench({ stack: run.stack, closes: Math.min(run.iterations, 40), log: run.log }),
  // Agent reply → the gateway's receipt through the fan-out and DeliveryConsumer.
  (run) => runReplyDeliveryBench({ stack: run.stack, proxy: run.proxy, directEndpoint: run.directEndpoint, replies: Math.min(run.iterations, 40), log: run.log }),
  // Command → live event at another agent's WebSocket.
  (run) => runLiveUpdatesBench({ stack: run.stack, directEndpoint: run.directEndpoint, rounds: Math.min(run.iterations, 40), log: run.log }),
  // The API rate limiter's writes per request and the request rate one workspace can reach before it throttles itself.
  (run) => runRateLimitBench({ dynamodbEndpoint: run.directEndpoint, log: run.log }),
  // Each function's bundle size and module initialisation beside a bare DynamoDB-client bundle.
  (run) => runColdStartBench({ log: run.log }),
];

function readOptions(): Options {
  const { values } = parseArgs({
    options: {
      iterations: { type: 'string' },
      warmup: { type: 'string' },
      filler: { type: 'string' },
      'no-synth': { type: 'boolean', default: false },
      compare: { type: 'string' },
      against: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(
      [
        'npm run bench [-- --iterations N] [--warmup N] [--filler N] [--no-synth] [--compare OLD.json]   (or BENCH_ITERATIONS, BENCH_WARMUP, BENCH_FILLER)',
        'npx tsx bench/run.ts --compare OLD.json --against NEW.json   compares two results files without running the bench',
      ].join('\n'),
    );
    process.exit(0);
  }
  if (values.against !== undefined && values.compare === undefined) throw new LocalStackSetupError('--against NEW.json needs --compare OLD.json: it names the run to compare the old one with.');
  const count = (name: string, given: string | undefined, fallback: number, minimum: number) => {
    const raw = given ?? process.env[`BENCH_${name.toUpperCase()}`];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < minimum) throw new LocalStackSetupError(`--${name} must be a whole number ≥ ${minimum} (got ${raw}).`);
    return value;
  };
  return {
    iterations: count('iterations', values.iterations, 100, 1),
    warmup: count('warmup', values.warmup, 10, 0),
    filler: count('filler', values.filler, 300, 0),
    synth: !values['no-synth'],
    compare: values.compare,
    against: values.against,
  };
}

/**
 * Asynchronous work no measured request waits for, recognised by the keys it
 * touches (keys.ts): the counts consumer's applied-event guard
 * (`WS#w#APPLIED#<eventID>`), the closed-ticket consumer's trigger lookup
 * (`WS#w#TRIGGERS`) and the live-updates consumer's connection Query
 * (`WS#w#LIVE`). No benchmarked operation touches them synchronously.
 */
const BACKGROUND_KEY_MARKERS = ['#APPLIED#', '#TRIGGERS', '#LIVE'];

const progress = (line: string) => console.log(`▸ ${line}`);
/** The functions' last log lines, printed when the benchmark fails (the cause of a 500 is there). */
const recentFunctionLog: string[] = [];

/** Everything started, stopped in reverse order — at the end, on an error, or on Ctrl-C. */
const stoppers: (() => Promise<void>)[] = [];
async function stopEverything(): Promise<void> {
  for (const stop of stoppers.splice(0).reverse()) await stop().catch((error: Error) => console.error(`  (while stopping: ${error.message})`));
}
let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.on(signal, () => {
    if (interrupted) return;
    interrupted = true;
    console.log(`\n${signal}: stopping everything the benchmark started…`);
    void stopEverything().finally(() => process.exit(130));
  });
// fauxqs persists through node:sqlite, which prints an ExperimentalWarning on first use.
process.removeAllListeners('warning');

/** One measured call: latency on the client, DynamoDB calls and capacity from the proxy. */
async function measure(proxy: DynamoDbProxy, call: () => Promise<unknown>): Promise<Sample> {
  const { close } = proxy.openWindow();
  const started = process.hrtime.bigint();
  try {
    await call();
  } catch (error) {
    close();
    throw error;
  }
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  const { calls } = close();
  return {
    ms,
    readUnits: calls.reduce((sum, call) => sum + call.readUnits, 0),
    writeUnits: calls.reduce((sum, call) => sum + call.writeUnits, 0),
    operations: calls.map((call) => call.operation),
  };
}

/**
 * Waits until the asynchronous consumers have been quiet for a while,
 * so one phase's asynchronous work does not run during the next phase's
 * measurements. Bounded: the benchmark goes on after `maxMs` regardless.
 */
async function settle(proxy: DynamoDbProxy, quietMs = 1_500, maxMs = 30_000): Promise<void> {
  const started = performance.now();
  while (performance.now() - started < maxMs) {
    if (performance.now() - Math.max(proxy.background.lastAt, started) >= quietMs) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function main(): Promise<void> {
  const options = readOptions();
  // Read first: a wrong file name fails now, not after minutes of measuring.
  const before = options.compare === undefined ? undefined : readBenchResults(options.compare);
  if (before && options.against !== undefined) {
    const after = readBenchResults(options.against);
    console.log(comparisonReport(compareFigures(before.figures, after.figures), before, after));
    return;
  }
  const runStarted = performance.now();
  const loadAtStart = os.loadavg()[0] ?? 0;
  const calls = options.warmup + options.iterations;

  progress('starting DynamoDB Local…');
  const dynamodb = await startDynamoDbLocal();
  stoppers.push(dynamodb.stop);
  const proxy = await startDynamoDbProxy({
    target: dynamodb.endpoint,
    isBackground: (_operation, body) => BACKGROUND_KEY_MARKERS.some((marker) => body.includes(marker)),
  });
  stoppers.push(proxy.stop);
  progress(`recording DynamoDB proxy on ${proxy.endpoint} → DynamoDB Local ${dynamodb.endpoint}`);

  const stack = await startLocalStack({
    ports: 0,
    dynamodbEndpoint: proxy.endpoint,
    synth: options.synth,
    log: progress,
    functionLog: (line) => recentFunctionLog.push(line) > 40 && recentFunctionLog.shift(),
  });
  stoppers.push(stack.stop);
  if (!stack.workspace || !stack.administrator) throw new Error('The local stack seeded no demo workspace.');
  const workspace = stack.workspace.uuid;
  const administrator = stack.administrator.uuid;
  const client = createStackClient(stack);
  stoppers.push(async () => client.destroy());

  // Setup talks to DynamoDB Local directly, through the project's use cases: it is not measured.
  const direct = new DynamoDBClient({ endpoint: dynamodb.endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  stoppers.push(async () => direct.destroy());
  const useCases = createUseCases(createDynamoDbRepositories({ client: direct, tableName: stack.tableName }));
  const actor = { workspace, user: administrator };
  progress(`seeding topics and ${options.filler} open tickets…`);
  const billing = await useCases.createTopic({ actor, name: 'Billing' });
  const support = await useCases.createTopic({ actor, name: 'Support' });
  const fillerIds = Array.from({ length: options.filler }, (_, index) => index);
  for (let start = 0; start < fillerIds.length; start += 4)
    await Promise.all(
      fillerIds.slice(start, start + 4).map((index) =>
        useCases.openTicket({
          actor: { workspace, user: null },
          contact: { uuid: newId(), name: `Filler contact ${index}`, urns: [`tel:+2507881${String(index).padStart(5, '0')}`], language: 'eng' },
          topic: { uuid: index % 3 ? billing.uuid : support.uuid },
          assignee: index % 2 ? { uuid: administrator } : null,
        }),
      ),
    );

  // The floor goes through the proxy too: the extra hop is then on both sides of every ratio.
  const floorClient = new DynamoDBClient({ endpoint: proxy.endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  stoppers.push(async () => floorClient.destroy());
  const floor = createFloor({ client: floorClient, tableName: stack.tableName, workspace, user: administrator, token: stack.token! });

  const openInput = (side: 'stack' | 'floor', index: number): OpenTicketInput => ({
    idempotency_key: `bench-${newId()}`,
    contact: {
      uuid: newId(),
      name: `Bench contact ${side === 'stack' ? 'S' : 'F'}${String(index).padStart(4, '0')}`,
      urns: [`tel:+25078${side === 'stack' ? 2 : 3}${String(index).padStart(6, '0')}`],
      language: 'eng',
    },
    topic: { name: 'Billing' },
    note: NOTE_ON_OPEN,
    opened_in: OPENED_IN,
  });
  // Each side takes its own fresh tickets through the life cycle, one phase per operation.
  const stackTickets: string[] = [];
  const floorTickets: string[] = [];
  const ticketOf = (tickets: string[], index: number) => {
    const ticket = tickets[index];
    if (!ticket) throw new Error(`ticket #${index} was not opened`);
    return ticket;
  };

  const phases: { name: string; request: string; stack: (index: number) => Promise<unknown>; floor: (index: number) => Promise<unknown> }[] = [
    {
      name: 'open ticket',
      request: 'Lambda Invoke TicketCommand open_ticket',
      stack: async (index) => (stackTickets[index] = await client.openTicket(openInput('stack', index))),
      floor: async (index) => (floorTickets[index] = await floor.openTicket(openInput('floor', index))),
    },
    {
      name: 'assign',
      request: 'POST /tickets/{uuid}/assign',
      stack: (index) => client.assign(ticketOf(stackTickets, index), administrator),
      floor: (index) => floor.assign(ticketOf(floorTickets, index), administrator),
    },
    {
      name: 'add note',
      request: 'POST /tickets/{uuid}/notes',
      stack: (index) => client.addNote(ticketOf(stackTickets, index), AGENT_NOTE),
      floor: (index) => floor.addNote(ticketOf(floorTickets, index), AGENT_NOTE),
    },
    {
      name: 'change topic',
      request: 'POST /tickets/{uuid}/topic',
      stack: (index) => client.changeTopic(ticketOf(stackTickets, index), support.uuid),
      floor: (index) => floor.changeTopic(ticketOf(floorTickets, index), support.uuid),
    },
    {
      name: 'close',
      request: 'POST /tickets/{uuid}/close',
      stack: (index) => client.close(ticketOf(stackTickets, index)),
      floor: (index) => floor.close(ticketOf(floorTickets, index)),
    },
    {
      name: 'reopen',
      request: 'POST /tickets/{uuid}/reopen',
      stack: (index) => client.reopen(ticketOf(stackTickets, index)),
      floor: (index) => floor.reopen(ticketOf(floorTickets, index)),
    },
    {
      name: 'folder page',
      request: `GET /tickets?folder=all&status=open&limit=${PAGE_SIZE}`,
      stack: () => client.folderPage(PAGE_SIZE),
      floor: () => floor.folderPage(PAGE_SIZE),
    },
    {
      name: 'ticket detail',
      request: 'GET /tickets/{uuid}',
      stack: (index) => client.ticketDetail(ticketOf(stackTickets, index)),
      floor: (index) => floor.ticketDetail(ticketOf(floorTickets, index)),
    },
  ];

  const results: OperationResult[] = [];
  for (const phase of phases) {
    progress('waiting for the asynchronous consumers (folder counts, closed-ticket triggers) to settle…');
    await settle(proxy);
    progress(`measuring ${phase.name} (${phase.request}): ${options.warmup} warm-up + ${options.iterations} calls per side…`);
    const samples = { stack: [] as Sample[], floor: [] as Sample[] };
    for (let index = 0; index < calls; index++) {
      // Alternating which side goes first evens out whatever the previous call left behind.
      const order = index % 2 === 0 ? (['stack', 'floor'] as const) : (['floor', 'stack'] as const);
      for (const side of order) {
        const sample = await measure(proxy, () => phase[side](index));
        if (index >= options.warmup) samples[side].push(sample);
      }
    }
    const result = compare(phase.name, phase.request, samples.stack, samples.floor);
    results.push(result);
    console.log(
      `  stack p50 ${result.stack.p50.toFixed(2)} ms, floor p50 ${result.floor.p50.toFixed(2)} ms (${result.latencyRatio.toFixed(2)}×); ` +
        `RCU/WCU ${+result.stack.readUnits.toFixed(2)}/${+result.stack.writeUnits.toFixed(2)} vs ${+result.floor.readUnits.toFixed(2)}/${+result.floor.writeUnits.toFixed(2)}`,
    );
  }

  const sections: BenchSection[] = [];
  const context: SectionContext = { stack, proxy, directEndpoint: dynamodb.endpoint, iterations: options.iterations, log: progress };
  for (const section of SECTIONS) {
    await settle(proxy);
    sections.push(await section(context));
  }

  const info: RunInfo = {
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    machine: `${os.cpus().length} × ${os.cpus()[0]?.model.trim() ?? 'unknown CPU'}, ${Math.round(os.totalmem() / 2 ** 30)} GB RAM, ${os.type()} ${os.release()}`,
    node: process.versions.node,
    iterations: options.iterations,
    warmup: options.warmup,
    tickets: options.filler + 2 * calls,
    durationSeconds: (performance.now() - runStarted) / 1000,
    loadAverage: [loadAtStart, os.loadavg()[0] ?? 0],
    background: { calls: proxy.background.calls, readUnits: proxy.background.readUnits, writeUnits: proxy.background.writeUnits },
  };
  const everySection = [ticketOperationsSection(results, info.background), ...sections];
  const summary = `## Summary\n\n${summaryTable(results, sections)}`;
  // A section's markdown may bring its own heading; one without gets its title.
  const details = everySection.map((section) => (section.markdown.startsWith('#') ? section.markdown : `## ${section.title}\n\n${section.markdown}`)).join('\n\n');
  const runResults = benchResults(info, everySection);
  const jsonFile = path.join(RESULTS_DIR, 'latest.json');
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(path.join(RESULTS_DIR, 'latest.md'), `${runHeading(info)}\n\n${summary}\n\n${details}\n`);
  writeFileSync(jsonFile, `${JSON.stringify(runResults, null, 2)}\n`);
  console.log(`\n${summary}\n\n${details}\n`);
  const duplicates = duplicateFigureNames(runResults.figures);
  if (duplicates.length) console.log(`⚠ figures named more than once (a section's mistake; they cannot be compared): ${duplicates.join(', ')}`);
  const written = path.relative(process.cwd(), jsonFile);
  console.log(`Written to ${path.relative(process.cwd(), path.join(RESULTS_DIR, 'latest.md'))} and ${written} (${runResults.figures.length} figures).`);
  if (before) console.log(`\n${comparisonReport(compareFigures(before.figures, runResults.figures), before, { source: written, date: info.date })}`);
}

try {
  await main();
  await stopEverything();
  process.exit(0);
} catch (error) {
  if (!interrupted) {
    console.error(error instanceof LocalStackSetupError || error instanceof BenchResultsError ? `✗ ${error.message}` : error);
    if (recentFunctionLog.length) console.error(`\nThe functions' last log lines:\n${recentFunctionLog.join('\n')}`);
    await stopEverything();
    process.exit(1);
  }
}
