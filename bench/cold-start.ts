// Cold start, per function: each function of the CDK app bundled as a
// deployment bundles it (TICKETER_BUNDLING, infra/constructs/ticketer-function.ts),
// its bundle size, and its module initialisation time: a fresh `node` process
// importing the bundle with the function's environment (the template's
// variables, references replaced by dummy values): the CPU time of the
// import, median of N (the wall-clock time beside it). Beside them, a
// bare bundle that only creates a DynamoDB client: the floor every function
// pays. The goal (issue 13): every function within 1.5× the bare bundle.
// And per function its own floor: a bare bundle that creates exactly the SDK
// clients the function's bundle holds, so that what our code adds (handler,
// schemas, use cases, the flow engine) reads apart from what the SDK costs.
//
// Run alone: npx tsx bench/cold-start.ts [--runs 10] [--only HttpTopics,HttpTickets]
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import { App, Stack, type IResolvable } from 'aws-cdk-lib';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { build, type BuildOptions, type Metafile } from 'esbuild';
import { PROJECT_ROOT, TICKETER_BUNDLING, TicketerFunction } from '../infra/constructs/ticketer-function';
import { nameInStack } from '../infra/constructs/operations';
import { addTicketerStacks } from '../infra/stacks/ticketer';
import type { BenchFigure, BenchSection } from './report';

export interface ColdStartOptions {
  /** Fresh processes per bundle (the median is reported). Default 10. */
  runs?: number;
  /** Only these functions (construct ids, e.g. HttpTopics); default every function. */
  only?: readonly string[];
  log?: (line: string) => void;
}

/** The goal: every function's initialisation within this factor of the bare bundle's. */
export const COLD_START_GOAL = 1.5;

interface Target { name: string; entry: { file: string } | { contents: string }; environment: Record<string, string> }

export interface ColdStartRow {
  name: string;
  bundleBytes: number;
  /** Median CPU time of the import, ms. */
  initMs: number;
  /** Median wall-clock time of the import, ms. */
  wallMs: number;
  /** The import's CPU time over the bare bundle's, measured in the same round (median over the rounds). */
  ratio: number;
  sdkClients: string[];
  /** Median CPU time of a bare bundle that creates the same SDK clients, ms (the bare row: its own). */
  floorMs: number;
  /** The same over the floor's (what the function's own code adds), paired by round like ratio. */
  floorRatio: number;
}

/** The class each SDK client package exports, by the package's name without `@aws-sdk/client-`. */
const CLIENT_CLASSES: Record<string, string> = {
  apigatewaymanagementapi: 'ApiGatewayManagementApiClient',
  dynamodb: 'DynamoDBClient',
  lambda: 'LambdaClient',
  s3: 'S3Client',
  scheduler: 'SchedulerClient',
  'secrets-manager': 'SecretsManagerClient',
  sesv2: 'SESv2Client',
  sns: 'SNSClient',
  sqs: 'SQSClient',
};

/** A bare bundle's source that creates each of these clients and nothing else. */
function clientsFloorEntry(clients: readonly string[]): string {
  const classes = clients.map((client) => {
    const name = CLIENT_CLASSES[client];
    if (!name) throw new Error(`bench/cold-start.ts: no client class known for @aws-sdk/client-${client}; add it to CLIENT_CLASSES`);
    return { client, name };
  });
  return [
    ...classes.map(({ client, name }) => `import { ${name} } from '@aws-sdk/client-${client}';`),
    `const clients = [${classes.map(({ name }) => `new ${name}({})`).join(', ')}];`,
    'export const handler = async () => clients.map((client) => client.config.serviceId);',
    '',
  ].join('\n');
}

/** What Lambda sets in every function's environment (no network at import, so dummies do). */
const LAMBDA_ENVIRONMENT = {
  AWS_REGION: 'eu-west-1',
  AWS_DEFAULT_REGION: 'eu-west-1',
  AWS_ACCESS_KEY_ID: 'AKIDCOLDSTART',
  AWS_SECRET_ACCESS_KEY: 'cold-start',
  AWS_SESSION_TOKEN: 'cold-start',
  AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
  AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '1024',
  LAMBDA_TASK_ROOT: '/var/task',
  // Set by Lambda under active tracing (every TicketerFunction).
  AWS_XRAY_DAEMON_ADDRESS: '127.0.0.1:2000',
};

/** Dummies for the settings whose format shared/config.ts checks; any other reference becomes `dummy-<name>`. */
const DUMMY_SETTINGS: Record<string, string> = {
  LIVE_API_ENDPOINT: 'wss://abcdef1234.execute-api.eu-west-1.amazonaws.com',
  INVITATION_ACCEPT_URL: 'https://inbox.example/accept',
  TELEGRAM_API_URL: 'https://api.telegram.org',
};

/** Every TicketerFunction of the app with its environment, from a synthesis that bundles nothing. */
function functionTargets(): Target[] {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  addTicketerStacks(app);
  return app.node
    .findAll()
    .filter((construct): construct is TicketerFunction => construct instanceof TicketerFunction)
    .map((fn) => {
      const resolved = Stack.of(fn).resolve((fn.node.defaultChild as CfnFunction).environment as IResolvable) as { variables?: Record<string, unknown> } | undefined;
      const environment = Object.fromEntries(
        Object.entries(resolved?.variables ?? {}).map(([name, value]) => [name, typeof value === 'string' ? value : (DUMMY_SETTINGS[name] ?? `dummy-${name.toLowerCase()}`)]),
      );
      return { name: nameInStack(fn), entry: { file: fn.entryFile }, environment: { ...environment, AWS_LAMBDA_FUNCTION_NAME: nameInStack(fn) } };
    });
}

/** esbuild's options for one entry, from the construct's bundling options (the CDK passes the same flags to esbuild). */
function esbuildOptions(target: Target, outfile: string): BuildOptions {
  const bundling = TICKETER_BUNDLING;
  return {
    ...('file' in target.entry
      ? { entryPoints: [path.join(PROJECT_ROOT, target.entry.file)] }
      : { stdin: { contents: target.entry.contents, resolveDir: PROJECT_ROOT, sourcefile: 'bare.ts', loader: 'ts' as const } }),
    outfile,
    bundle: true,
    platform: 'node',
    format: bundling.format === 'esm' ? 'esm' : 'cjs',
    target: bundling.target,
    mainFields: [...bundling.mainFields],
    external: [...bundling.externalModules],
    minify: bundling.minify,
    sourcemap: bundling.sourceMap,
    sourcesContent: bundling.sourcesContent ?? true,
    banner: { js: bundling.banner },
    tsconfig: bundling.tsconfig,
    logLevel: 'warning',
    metafile: true,
  };
}

/** The files whose code is in a bundle (modules tree-shaken to nothing do not count). */
export function bundledFiles(metafile: Metafile): string[] {
  return Object.values(metafile.outputs).flatMap((output) => Object.entries(output.inputs).filter(([, { bytesInOutput }]) => bytesInOutput > 0).map(([file]) => file));
}

/** The @aws-sdk/client-* packages whose code is in a bundle, without the prefix (`dynamodb`, `sesv2`). */
export function sdkClientsOf(metafile: Metafile): string[] {
  const clients = new Set<string>();
  for (const file of bundledFiles(metafile)) {
    const match = /node_modules\/@aws-sdk\/client-([a-z0-9-]+)\//.exec(file);
    if (match) clients.add(match[1]!);
  }
  return [...clients].sort();
}

/** Bundles one entry (relative to the repository root) as a deployment does, into `outfile`. */
export async function bundleEntry(entryFile: string, outfile: string): Promise<Metafile> {
  const result = await build(esbuildOptions({ name: entryFile, entry: { file: entryFile }, environment: {} }, outfile));
  return result.metafile!;
}

const run = promisify(execFile);

/**
 * What a fresh node process spends importing the bundle (module initialisation): the CPU time
 * (user + system, every thread of the process) and the wall-clock time. The CPU time is the figure
 * compared: on a shared machine the wall clock mostly measures the neighbours.
 */
async function initTime(bundle: string, environment: Record<string, string>): Promise<{ cpuMs: number; wallMs: number }> {
  const script = [
    'const cpu = process.cpuUsage(), start = performance.now();',
    'await import(process.argv[1]);',
    'const wall = performance.now() - start, used = process.cpuUsage(cpu);',
    'process.stdout.write(JSON.stringify({ cpuMs: (used.user + used.system) / 1000, wallMs: wall }));',
  ].join(' ');
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script, pathToFileURL(bundle).href], {
    env: { PATH: process.env.PATH ?? '', ...LAMBDA_ENVIRONMENT, ...environment },
    cwd: path.dirname(bundle),
  });
  return JSON.parse(stdout) as { cpuMs: number; wallMs: number };
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

interface Bundle { target: Target; outfile: string; bytes: number; sdkClients: string[]; cpu: number[]; wall: number[] }

/** A bare bundle of these SDK clients, measured as a function is (the bare row: DynamoDB's alone). */
function floorTarget(clients: readonly string[]): Target {
  const name = clients.length === 1 && clients[0] === 'dynamodb' ? 'bare DynamoDB client' : `bare ${clients.join(' + ')}`;
  return { name, entry: { contents: clientsFloorEntry(clients) }, environment: { NODE_OPTIONS: '--enable-source-maps', AWS_LAMBDA_FUNCTION_NAME: 'bare' } };
}

export async function measureColdStarts(options: ColdStartOptions = {}): Promise<{ bare: ColdStartRow; rows: ColdStartRow[] }> {
  const runs = options.runs ?? 10;
  const log = options.log ?? (() => undefined);
  const functions = functionTargets().filter((target) => !options.only || options.only.includes(target.name));
  const bareTarget = floorTarget(['dynamodb']);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ticketer-cold-start-'));
  try {
    const bundles: Bundle[] = [];
    const bundle = async (target: Target) => {
      const outfile = path.join(dir, String(bundles.length), 'index.mjs');
      const result = await build(esbuildOptions(target, outfile));
      const built: Bundle = { target, outfile, bytes: statSync(outfile).size, sdkClients: sdkClientsOf(result.metafile!), cpu: [], wall: [] };
      bundles.push(built);
      return built;
    };
    const bare = await bundle(bareTarget);
    const floors = new Map<string, Bundle>([[bare.sdkClients.join(','), bare]]);
    const measured: { fn: Bundle; floor: Bundle }[] = [];
    for (const target of functions) {
      const fn = await bundle(target);
      const key = fn.sdkClients.join(',');
      if (!floors.has(key)) floors.set(key, await bundle(floorTarget(fn.sdkClients)));
      measured.push({ fn, floor: floors.get(key)! });
    }
    log(`bundled ${functions.length} functions and ${floors.size} bare bundles of their SDK clients; ${runs} fresh processes each`);
    // Round-robin, so that a busy moment of the machine spreads over every bundle instead of landing on one.
    for (let round = 0; round < runs; round++) {
      for (const bundle of bundles) {
        const time = await initTime(bundle.outfile, bundle.target.environment);
        bundle.cpu.push(time.cpuMs);
        bundle.wall.push(time.wallMs);
      }
    }
    // Ratios are paired: each round's time over the same round's floor, then the median of those. A
    // busy moment slows a function and its floor alike, so the ratio moves less than either time.
    const pairedRatio = (fn: Bundle, floor: Bundle) => median(fn.cpu.map((cpu, round) => cpu / floor.cpu[round]!));
    const row = (fn: Bundle, floor: Bundle): ColdStartRow => ({
      name: fn.target.name,
      bundleBytes: fn.bytes,
      initMs: median(fn.cpu),
      wallMs: median(fn.wall),
      ratio: pairedRatio(fn, bare),
      sdkClients: fn.sdkClients,
      floorMs: median(floor.cpu),
      floorRatio: pairedRatio(fn, floor),
    });
    return { bare: row(bare, bare), rows: measured.map(({ fn, floor }) => row(fn, floor)) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function coldStartTable(result: { bare: ColdStartRow; rows: ColdStartRow[] }): string {
  const line = (row: ColdStartRow) =>
    `| ${row.name} | ${(row.bundleBytes / 1024).toFixed(0)} | ${row.initMs.toFixed(1)} | ${row.ratio.toFixed(2)}×${row.ratio > COLD_START_GOAL ? ' ✗' : ''} | ${row.floorMs.toFixed(1)} | ${row.floorRatio.toFixed(2)}×${row.floorRatio > COLD_START_GOAL ? ' ✗' : ''} | ${row.wallMs.toFixed(1)} | ${row.sdkClients.join(', ')} |`;
  return [
    '| Function | Bundle (KiB) | Init CPU (ms, median) | × bare | Its SDK clients alone (ms) | × its clients | Init wall (ms, median) | SDK clients in the bundle |',
    '|---|---:|---:|---:|---:|---:|---:|---|',
    line(result.bare),
    ...[...result.rows].sort((a, b) => a.name.localeCompare(b.name)).map(line),
  ].join('\n');
}

export async function runColdStartBench(options: ColdStartOptions = {}): Promise<BenchSection> {
  const result = await measureColdStarts(options);
  // The headline: the slowest function's initialisation against the bare bundle's.
  const worst: BenchFigure = { name: 'cold start/slowest function/init ÷ bare', value: Math.max(...result.rows.map((row) => row.ratio)), unit: '×', better: 'lower' };
  // What our own code adds, at most: the slowest function against a bare bundle of its own SDK clients.
  const worstOwn: BenchFigure = { name: 'cold start/slowest function/init ÷ its clients', value: Math.max(...result.rows.map((row) => row.floorRatio)), unit: '×', better: 'lower' };
  const figures: BenchFigure[] = [worst, worstOwn, ...[result.bare, ...result.rows].flatMap((row) => {
    const name = row === result.bare ? 'bare' : row.name;
    return [
      { name: `cold start/${name}/init CPU`, value: row.initMs, unit: 'ms', better: 'lower' as const },
      { name: `cold start/${name}/init ÷ bare`, value: row.ratio, unit: '×', better: 'lower' as const },
      { name: `cold start/${name}/init ÷ its clients`, value: row.floorRatio, unit: '×', better: 'lower' as const },
      { name: `cold start/${name}/bundle`, value: row.bundleBytes, unit: 'bytes', better: 'lower' as const },
    ];
  })];
  const over = result.rows.filter((row) => row.ratio > COLD_START_GOAL).map((row) => row.name);
  const overOwn = result.rows.filter((row) => row.floorRatio > COLD_START_GOAL).map((row) => row.name);
  const markdown = [
    coldStartTable(result),
    '',
    over.length ? `Over ${COLD_START_GOAL}× the bare bundle: ${over.join(', ')}.` : `Every function within ${COLD_START_GOAL}× the bare bundle.`,
    overOwn.length ? `Over ${COLD_START_GOAL}× a bare bundle of their own SDK clients: ${overOwn.join(', ')}.` : `Every function within ${COLD_START_GOAL}× a bare bundle of its own SDK clients.`,
  ].join('\n');
  return { title: 'Cold start', markdown, figures };
}

async function main() {
  const { values } = parseArgs({ options: { runs: { type: 'string' }, only: { type: 'string' } } });
  const section = await runColdStartBench({
    runs: values.runs ? Number(values.runs) : 10,
    ...(values.only ? { only: values.only.split(',') } : {}),
    log: (line) => console.log(`▸ ${line}`),
  });
  console.log(`\n## ${section.title} (node ${process.version})\n\n${section.markdown}\n`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
