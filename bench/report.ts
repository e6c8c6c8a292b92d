// What every part of the bench reports, and the ticket operations' tables
// (docs/benchmarks.md explains each column).
//
// Every section of `npm run bench` — the ticket operations, and each section
// module (bench/flow-engine.ts, …) — ends in a BenchSection: its markdown for
// the report, and its figures as a flat list of named numbers, which
// bench/results/latest.json keeps and bench/compare.ts compares run to run.

/**
 * One number the bench measured. `name` is stable from run to run (it is how
 * two runs are matched: `<section>/<row>/<measure>`, e.g.
 * `tickets/assign/latency ratio`); `better` says which way is an improvement.
 */
export interface BenchFigure {
  name: string;
  value: number;
  /** What `value` counts: `ms`, `×`, `RCU`, `WCU`, `calls`, `bytes`, … */
  unit: string;
  better: 'lower' | 'higher';
}

/**
 * What a bench section hands back. Its first figure is its headline: the one
 * the summary table shows. `raw` (optional) is kept in latest.json as it is
 * (e.g. every measured latency), for whoever wants to look closer.
 */
export interface BenchSection {
  title: string;
  markdown: string;
  figures: BenchFigure[];
  raw?: unknown;
}

export function figure(name: string, value: number, unit: string, better: BenchFigure['better'] = 'lower'): BenchFigure {
  return { name, value, unit, better };
}

// The sections that follow one event through the local pipeline (stream, pipe,
// fan-out, queues, a consumer) share how they measure it.

/** Unmeasured rounds first: the first trips start workers and pollers. */
export const PIPELINE_WARM_UP_ROUNDS = 3;
/** How long one event may take before the section gives up: a stuck pipeline fails the run, it is not measured. */
export const PIPELINE_TIMEOUT_MS = 30_000;

/** One measured path of a pipeline section: how many samples, and their latency. */
export interface LatencyRow {
  what: string;
  samples: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

export function latencyRow(what: string, taken: readonly number[]): LatencyRow {
  const sorted = [...taken].sort((a, b) => a - b);
  return { what, samples: taken.length, p50Ms: percentile(sorted, 50), p99Ms: percentile(sorted, 99), maxMs: sorted.at(-1) ?? Number.NaN };
}

/** A latency row's three figures, named `<prefix>/p50`, `/p99`, `/max`. */
export function latencyFigures(prefix: string, row: Pick<LatencyRow, 'p50Ms' | 'p99Ms' | 'maxMs'>): BenchFigure[] {
  return [figure(`${prefix}/p50`, row.p50Ms, 'ms'), figure(`${prefix}/p99`, row.p99Ms, 'ms'), figure(`${prefix}/max`, row.maxMs, 'ms')];
}

/** One measured call: its latency and the DynamoDB calls made meanwhile. */
export interface Sample {
  ms: number;
  readUnits: number;
  writeUnits: number;
  /** DynamoDB operation names, in the order their answers came back. */
  operations: string[];
}

export interface SideSummary {
  p50: number;
  p99: number;
  mean: number;
  /** Mean capacity units per call. */
  readUnits: number;
  writeUnits: number;
  /** Mean DynamoDB calls per call. */
  calls: number;
  /** The DynamoDB calls of a call, as a sorted multiset, and in how many calls each appeared. */
  callSets: { calls: string; count: number }[];
}

export interface OperationResult {
  name: string;
  /** What the client sends, e.g. `POST /tickets/{uuid}/close`. */
  request: string;
  stack: SideSummary;
  floor: SideSummary;
  latencyRatio: number;
  capacityRatio: number;
  /** Every measured latency (ms), in call order. */
  samplesMs: { stack: number[]; floor: number[] };
}

export interface RunInfo {
  date: string;
  machine: string;
  node: string;
  iterations: number;
  warmup: number;
  tickets: number;
  durationSeconds: number;
  /** 1-minute load average at the start and the end: other work on the machine shows here. */
  loadAverage: [number, number];
  background: { calls: number; readUnits: number; writeUnits: number };
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1]!;
}

const mean = (values: readonly number[]) => (values.length ? values.reduce((sum, value) => sum + value, 0) / values.length : Number.NaN);

/** `GetItem ×2, Query, TransactWriteItems`: order-free, since calls made in parallel may answer in any order. */
export function describeCalls(operations: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const operation of [...operations].sort()) counts.set(operation, (counts.get(operation) ?? 0) + 1);
  return [...counts].map(([operation, count]) => (count > 1 ? `${operation} ×${count}` : operation)).join(', ') || '—';
}

export function summarize(samples: readonly Sample[]): SideSummary {
  const latencies = samples.map((sample) => sample.ms).sort((a, b) => a - b);
  const callSets = new Map<string, number>();
  for (const sample of samples) {
    const calls = describeCalls(sample.operations);
    callSets.set(calls, (callSets.get(calls) ?? 0) + 1);
  }
  return {
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    mean: mean(latencies),
    readUnits: mean(samples.map((sample) => sample.readUnits)),
    writeUnits: mean(samples.map((sample) => sample.writeUnits)),
    calls: mean(samples.map((sample) => sample.operations.length)),
    callSets: [...callSets].map(([calls, count]) => ({ calls, count })).sort((a, b) => b.count - a.count),
  };
}

export function compare(name: string, request: string, stackSamples: readonly Sample[], floorSamples: readonly Sample[]): OperationResult {
  const stack = summarize(stackSamples);
  const floor = summarize(floorSamples);
  return {
    name,
    request,
    stack,
    floor,
    latencyRatio: stack.p50 / floor.p50,
    capacityRatio: (stack.readUnits + stack.writeUnits) / (floor.readUnits + floor.writeUnits),
    samplesMs: { stack: stackSamples.map((sample) => round(sample.ms)), floor: floorSamples.map((sample) => round(sample.ms)) },
  };
}

const round = (value: number) => Math.round(value * 1000) / 1000;
const ms = (value: number) => (value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2));
/** Capacity units: whole and half units print as they are, averages with two decimals. */
const units = (value: number) => (Number.isInteger(value * 2) ? String(value) : value.toFixed(2));
const calls = (value: number) => (Number.isInteger(value) ? String(value) : value.toFixed(2));
const ratio = (value: number) => (Number.isFinite(value) ? `${value.toFixed(2)}×` : '—');

export function resultTable(results: readonly OperationResult[]): string {
  const header = [
    'operation',
    'stack p50 ms',
    'stack p99 ms',
    'floor p50 ms',
    'floor p99 ms',
    'latency ratio',
    'stack RCU / WCU',
    'floor RCU / WCU',
    'capacity ratio',
    'DynamoDB calls stack / floor',
  ];
  const rows = results.map((result) => [
    result.name,
    ms(result.stack.p50),
    ms(result.stack.p99),
    ms(result.floor.p50),
    ms(result.floor.p99),
    ratio(result.latencyRatio),
    `${units(result.stack.readUnits)} / ${units(result.stack.writeUnits)}`,
    `${units(result.floor.readUnits)} / ${units(result.floor.writeUnits)}`,
    ratio(result.capacityRatio),
    `${calls(result.stack.calls)} / ${calls(result.floor.calls)}`,
  ]);
  return markdownTable(header, rows);
}

/** Which DynamoDB calls each side made, so a floor that drifted from the stack shows. */
export function callsTable(results: readonly OperationResult[]): string {
  const describe = (summary: SideSummary) =>
    summary.callSets.map((set, index) => (index === 0 && summary.callSets.length === 1 ? set.calls : `${set.calls} (${set.count}×)`)).join('; ');
  return markdownTable(
    ['operation', 'request', 'stack: DynamoDB calls per request', 'floor: DynamoDB calls'],
    results.map((result) => [result.name, `\`${result.request}\``, describe(result.stack), describe(result.floor)]),
    false,
  );
}

/** The report's first lines: what ran, where, how long. */
export function runHeading(info: RunInfo): string {
  return [
    '# Ticketer benchmark',
    '',
    `${info.date} · ${info.machine} · Node ${info.node} · ${info.iterations} measured calls per operation and side after ${info.warmup} warm-up calls · ${info.tickets} open tickets in the workspace · ${info.durationSeconds.toFixed(0)} s · load average ${info.loadAverage.map((load) => load.toFixed(1)).join(' → ')}`,
  ].join('\n');
}

export const TICKET_OPERATIONS_TITLE = 'Ticket operations';

/** Every figure of the ticket operations: per operation `tickets/<operation>/<measure>`, then the asynchronous consumers' totals. */
export function ticketOperationFigures(results: readonly OperationResult[], background: RunInfo['background']): BenchFigure[] {
  const figures = results.flatMap((result) => {
    const prefix = `tickets/${result.name}`;
    return [
      figure(`${prefix}/latency ratio`, result.latencyRatio, '×'),
      figure(`${prefix}/stack p50`, result.stack.p50, 'ms'),
      figure(`${prefix}/stack p99`, result.stack.p99, 'ms'),
      figure(`${prefix}/floor p50`, result.floor.p50, 'ms'),
      figure(`${prefix}/floor p99`, result.floor.p99, 'ms'),
      figure(`${prefix}/stack RCU`, result.stack.readUnits, 'RCU'),
      figure(`${prefix}/stack WCU`, result.stack.writeUnits, 'WCU'),
      figure(`${prefix}/floor RCU`, result.floor.readUnits, 'RCU'),
      figure(`${prefix}/floor WCU`, result.floor.writeUnits, 'WCU'),
      figure(`${prefix}/capacity ratio`, result.capacityRatio, '×'),
      figure(`${prefix}/stack calls`, result.stack.calls, 'calls'),
      figure(`${prefix}/floor calls`, result.floor.calls, 'calls'),
    ];
  });
  // Totals over the whole run: they grow with --iterations, so compare runs of the same size.
  return [
    ...figures,
    figure('tickets/asynchronous consumers/calls', background.calls, 'calls'),
    figure('tickets/asynchronous consumers/RCU', background.readUnits, 'RCU'),
    figure('tickets/asynchronous consumers/WCU', background.writeUnits, 'WCU'),
  ];
}

/** The ticket operations' section: the result table, the calls of each side, the asynchronous consumers' cost. */
export function ticketOperationsSection(results: readonly OperationResult[], background: RunInfo['background']): BenchSection {
  const mismatched = results.filter((result) => result.stack.callSets[0]?.calls !== result.floor.callSets[0]?.calls);
  const markdown = [
    `## ${TICKET_OPERATIONS_TITLE}`,
    '',
    resultTable(results),
    '',
    'Latencies in ms (client side, serial calls); RCU / WCU are mean capacity units per call from ReturnConsumedCapacity; ratios are stack ÷ floor. See docs/benchmarks.md.',
    '',
    '### DynamoDB calls per operation',
    '',
    callsTable(results),
    '',
    mismatched.length
      ? `**The floor's calls differ from the stack's for: ${mismatched.map((result) => result.name).join(', ')}** — update bench/floor.ts to the stack's access pattern.`
      : "The floor makes the stack's most frequent set of calls for every operation.",
    '',
    `Asynchronous consumers (folder counts, closed-ticket triggers; not in the table): ${background.calls} calls, ${units(background.writeUnits)} WCU, ${units(background.readUnits)} RCU during the run.`,
  ].join('\n');
  return { title: TICKET_OPERATIONS_TITLE, markdown, figures: ticketOperationFigures(results, background), raw: results };
}

/** A figure's value as the tables print it: milliseconds and ratios as elsewhere in the report, other units with up to two decimals. */
export function formatFigure(value: number, unit: string): string {
  if (!Number.isFinite(value)) return '—';
  if (unit === 'ms') return `${ms(value)} ms`;
  if (unit === '×') return ratio(value);
  return `${+value.toFixed(2)} ${unit}`;
}

/**
 * The scoreboard, printed first: one row per ticket operation (latency ratio
 * to the floor, capacity and DynamoDB calls per call, the stack's p50), then
 * one row per other section with its headline (its first figure).
 */
export function summaryTable(results: readonly OperationResult[], sections: readonly BenchSection[]): string {
  const operations = results.map((result) => [
    result.name,
    ratio(result.latencyRatio),
    `${units(result.stack.readUnits)} / ${units(result.stack.writeUnits)}`,
    calls(result.stack.calls),
    `stack p50 ${formatFigure(result.stack.p50, 'ms')}`,
  ]);
  const headlines = sections.map((section) => {
    const headline = section.figures[0];
    return [section.title, '', '', '', headline ? `${headline.name}: ${formatFigure(headline.value, headline.unit)}` : 'no figures'];
  });
  return markdownTable(['operation', 'latency ratio', 'capacity per call (RCU / WCU)', 'DynamoDB calls per operation', 'headline'], [...operations, ...headlines]);
}

/** Numbers right-aligned: every column but the first, unless `numeric` is false. */
function markdownTable(header: string[], rows: string[][], numeric = true): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map((_, index) => (index > 0 && numeric ? '---:' : '---'))), ...rows.map(line)].join('\n');
}
