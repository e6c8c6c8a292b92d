// The results file of a bench run (bench/results/latest.json) and the
// comparison of two runs figure by figure: `npm run bench -- --compare OLD.json`
// after a run, or `npx tsx bench/run.ts --compare OLD.json --against NEW.json`
// without one (docs/benchmarks.md, "Comparing two runs").
//
// A figure is matched by its name; a figure only one run has is reported as
// new or missing, a figure a run could not measure (NaN, written as null) or
// whose unit changed is reported as not comparable: a comparison never fails
// on what it finds in the files, only on a file that is not a results file.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { closedTicketLatencyFigures } from './closed-ticket-latency';
import { flowEngineFigures } from './flow-engine';
import { liveUpdateFigures, type LiveUpdateRow } from './live-update-latency';
import { replyDeliveryFigures } from './reply-delivery-latency';
import { formatFigure, ticketOperationFigures, type BenchFigure, type BenchSection, type OperationResult, type RunInfo } from './report';

/** Written into every results file: a reader knows which shape it holds. */
export const RESULTS_FORMAT = 'ticketer-bench/1';

export interface BenchResults {
  format: typeof RESULTS_FORMAT;
  info: RunInfo;
  /** Every figure of the run, section after section: what a comparison matches by name. */
  figures: BenchFigure[];
  /** The sections in order, with the names of their figures. */
  sections: { title: string; figures: string[] }[];
  /** Each section's raw data (e.g. every measured latency), by title. */
  raw: Record<string, unknown>;
}

export function benchResults(info: RunInfo, sections: readonly BenchSection[]): BenchResults {
  return {
    format: RESULTS_FORMAT,
    info,
    figures: sections.flatMap((section) => section.figures),
    sections: sections.map((section) => ({ title: section.title, figures: section.figures.map((one) => one.name) })),
    raw: Object.fromEntries(sections.filter((section) => section.raw !== undefined).map((section) => [section.title, section.raw])),
  };
}

/** Names given to more than one figure: a section's mistake, which would make a comparison ambiguous. */
export function duplicateFigureNames(figures: readonly BenchFigure[]): string[] {
  const seen = new Set<string>();
  const twice = new Set<string>();
  for (const { name } of figures) (seen.has(name) ? twice : seen).add(name);
  return [...twice];
}

export class BenchResultsError extends Error {
  override readonly name = 'BenchResultsError';
}

/** What a comparison needs of a results file. */
export interface ReadResults {
  source: string;
  /** When and where it ran, as far as the file says. */
  date: string | null;
  figures: BenchFigure[];
}

// JSON has no NaN: JSON.stringify writes a figure that could not be measured as null.
const measured = z
  .number()
  .nullable()
  .transform((value) => value ?? Number.NaN);
const figureSchema = z.object({ name: z.string().min(1), value: measured, unit: z.string(), better: z.enum(['lower', 'higher']) });
const resultsSchema = z.object({ format: z.literal(RESULTS_FORMAT), info: z.object({ date: z.string() }).passthrough(), figures: z.array(figureSchema) });

// Results files written before the figures existed (`{ info, results, flowEngine, closedTicket,
// replyDelivery, liveUpdates }`): their figures are derived with the sections' own figure builders,
// so a run from before the scoreboard compares with one after it.
const side = z.object({ p50: measured, p99: measured, readUnits: measured, writeUnits: measured, calls: measured }).passthrough();
const latency = { p50Ms: measured, p99Ms: measured, maxMs: measured };
const legacySchema = z.object({
  info: z.object({ date: z.string(), background: z.object({ calls: measured, readUnits: measured, writeUnits: measured }).passthrough() }).passthrough(),
  results: z.array(z.object({ name: z.string(), stack: side, floor: side, latencyRatio: measured, capacityRatio: measured }).passthrough()),
  flowEngine: z
    .array(z.object({ side: z.enum(['engine', 'service', 'local stack']), what: z.string(), medianMs: measured, p95Ms: measured, readUnits: z.number().nullable(), writeUnits: z.number().nullable() }).passthrough())
    .optional(),
  closedTicket: z.array(z.object({ measure: z.enum(['recorded', 'observed']), what: z.string(), ...latency }).passthrough()).optional(),
  replyDelivery: z.array(z.object({ side: z.enum(['stack', 'floor']), what: z.string(), ...latency, readUnits: measured, writeUnits: measured }).passthrough()).optional(),
  liveUpdates: z.array(z.object({ what: z.string(), ...latency }).passthrough()).optional(),
});
/** The legacy live rows had no path: they were always these three, in this order. */
const LEGACY_LIVE_PATHS: LiveUpdateRow['path'][] = ['assign → ticket_changed', 'assign → counts_changed', 'reply → msg_created'];

function legacyFigures(legacy: z.infer<typeof legacySchema>): BenchFigure[] {
  const rows = <T extends object>(list: readonly T[] | undefined) => (list ?? []).map((row) => ({ ...row, samples: Number.NaN }));
  return [
    ...ticketOperationFigures(legacy.results as unknown as OperationResult[], legacy.info.background),
    ...flowEngineFigures((legacy.flowEngine ?? []).map((row) => ({ ...row, resumes: Number.NaN }))),
    ...closedTicketLatencyFigures(rows(legacy.closedTicket)),
    ...replyDeliveryFigures(rows(legacy.replyDelivery)),
    ...liveUpdateFigures(rows(legacy.liveUpdates).slice(0, LEGACY_LIVE_PATHS.length).map((row, index) => ({ ...row, path: LEGACY_LIVE_PATHS[index]! }))),
  ];
}

/** Reads the text of a results file (the current format, or the one before it); anything else is a BenchResultsError naming what is wrong. */
export function parseBenchResults(text: string, source: string): ReadResults {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new BenchResultsError(`${source} is not JSON (${(error as Error).message}).`);
  }
  const format = typeof json === 'object' && json !== null && 'format' in json ? (json as { format: unknown }).format : undefined;
  if (format !== undefined) {
    const parsed = resultsSchema.safeParse(json);
    if (!parsed.success) throw new BenchResultsError(`${source} is not a bench results file of format ${RESULTS_FORMAT}: ${describeIssue(parsed.error)}.`);
    return { source, date: parsed.data.info.date, figures: parsed.data.figures };
  }
  const legacy = legacySchema.safeParse(json);
  if (!legacy.success) throw new BenchResultsError(`${source} is not a bench results file (no "format", and not the older shape either: ${describeIssue(legacy.error)}).`);
  return { source, date: legacy.data.info.date, figures: legacyFigures(legacy.data) };
}

export function readBenchResults(file: string): ReadResults {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new BenchResultsError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}.`);
  }
  return parseBenchResults(text, file);
}

function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  return issue ? `${issue.path.join('.') || '(the whole file)'}: ${issue.message}` : 'invalid';
}

export type Verdict = 'better' | 'worse' | 'same' | 'new' | 'missing' | 'not comparable';

export interface FigureChange {
  name: string;
  unit: string;
  better: BenchFigure['better'];
  before: number | null;
  after: number | null;
  /** (after − before) ÷ |before| × 100; null when it has no meaning (before is 0, or a side is missing). */
  changePercent: number | null;
  verdict: Verdict;
  /** Why a figure is not comparable. */
  note?: string;
}

/** Changes smaller than this print as 0.0 %: they are `same`, not better or worse. */
export const SAME_WITHIN_PERCENT = 0.05;

/**
 * Every figure of either run, once: in the newer run's order, then the ones
 * only the older run has. A figure's direction is the newer run's.
 */
export function compareFigures(before: readonly BenchFigure[], after: readonly BenchFigure[]): FigureChange[] {
  const beforeByName = byName(before);
  const afterByName = byName(after);
  const names = [...new Set([...after.map((one) => one.name), ...before.map((one) => one.name)])];
  return names.map((name): FigureChange => {
    const old = beforeByName.get(name);
    const now = afterByName.get(name);
    const shown = (now ?? old)!;
    const base = { name, unit: shown.figure.unit, better: shown.figure.better, before: old?.figure.value ?? null, after: now?.figure.value ?? null, changePercent: null };
    if (!old) return { ...base, verdict: 'new' };
    if (!now) return { ...base, verdict: 'missing' };
    const notComparable = (note: string): FigureChange => ({ ...base, verdict: 'not comparable', note });
    if (old.count > 1 || now.count > 1) return notComparable(`named ${Math.max(old.count, now.count)} times in the ${old.count > 1 ? 'older' : 'newer'} run`);
    if (old.figure.unit !== now.figure.unit) return notComparable(`unit changed from ${old.figure.unit} to ${now.figure.unit}`);
    if (!Number.isFinite(old.figure.value) || !Number.isFinite(now.figure.value)) return notComparable(`not measured in the ${Number.isFinite(old.figure.value) ? 'newer' : 'older'} run`);
    const difference = now.figure.value - old.figure.value;
    const changePercent = old.figure.value === 0 ? null : (difference / Math.abs(old.figure.value)) * 100;
    const same = difference === 0 || (changePercent !== null && Math.abs(changePercent) < SAME_WITHIN_PERCENT);
    const improved = now.figure.better === 'lower' ? difference < 0 : difference > 0;
    return { ...base, changePercent: changePercent ?? (difference === 0 ? 0 : null), verdict: same ? 'same' : improved ? 'better' : 'worse' };
  });
}

function byName(figures: readonly BenchFigure[]): Map<string, { figure: BenchFigure; count: number }> {
  const found = new Map<string, { figure: BenchFigure; count: number }>();
  for (const one of figures) {
    const seen = found.get(one.name);
    found.set(one.name, seen ? { ...seen, count: seen.count + 1 } : { figure: one, count: 1 });
  }
  return found;
}

const percent = (value: number | null) => (value === null ? '—' : `${value > 0 ? '+' : value < 0 ? '−' : '±'}${Math.abs(value).toFixed(1)} %`);
const valueOf = (value: number | null, unit: string) => (value === null ? '—' : formatFigure(value, unit));

/** The comparison as a table (old, new, change, verdict per figure) and a line of totals. */
export function comparisonReport(changes: readonly FigureChange[], before: Pick<ReadResults, 'source' | 'date'>, after: Pick<ReadResults, 'source' | 'date'>): string {
  const rows = changes.map((change) => [
    change.name,
    valueOf(change.before, change.unit),
    valueOf(change.after, change.unit),
    percent(change.changePercent),
    change.note ? `${change.verdict} (${change.note})` : change.verdict === 'same' || change.verdict === 'new' || change.verdict === 'missing' ? change.verdict : `${change.verdict} (${change.better} is better)`,
  ]);
  const widths = [0, 1, 2, 3, 4].map((column) => Math.max(...[['figure', 'old', 'new', 'change', 'verdict'], ...rows].map((row) => row[column]!.length)));
  const line = (cells: string[]) => `| ${cells.map((cell, column) => (column === 0 || column === 4 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join(' | ')} |`;
  const tally = (['better', 'worse', 'same', 'new', 'missing', 'not comparable'] as const)
    .map((verdict) => [verdict, changes.filter((change) => change.verdict === verdict).length] as const)
    .filter(([, count]) => count > 0)
    .map(([verdict, count]) => `${count} ${verdict}`)
    .join(', ');
  return [
    `old: ${before.source}${before.date ? ` (${before.date})` : ''}`,
    `new: ${after.source}${after.date ? ` (${after.date})` : ''}`,
    '',
    line(['figure', 'old', 'new', 'change', 'verdict']),
    line(widths.map((width, column) => (column === 0 || column === 4 ? '-'.repeat(width) : `${'-'.repeat(Math.max(width - 1, 1))}:`))),
    ...rows.map(line),
    '',
    `${changes.length} figures: ${tally || 'none'}.`,
  ].join('\n');
}
