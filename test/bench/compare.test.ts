// Comparing two bench runs (bench/compare.ts): matched by figure name, judged
// by each figure's direction; whatever the files hold is reported, never a crash.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  BenchResultsError,
  RESULTS_FORMAT,
  SAME_WITHIN_PERCENT,
  benchResults,
  compareFigures,
  comparisonReport,
  duplicateFigureNames,
  parseBenchResults,
} from '../../bench/compare';
import { ticketOperationFigures, type BenchFigure, type BenchSection, type OperationResult, type RunInfo } from '../../bench/report';

const name = fc.stringMatching(/^[a-z][a-z /→_]{0,30}$/);
const unit = fc.constantFrom('ms', '×', 'RCU', 'WCU', 'calls', 'bytes');
const direction = fc.constantFrom('lower' as const, 'higher' as const);
// JSON has no -0: a figure is a measurement, so 0 stands for both.
const value = fc.double({ min: -1e6, max: 1e6, noNaN: true }).map((v) => (Object.is(v, -0) ? 0 : v));
const figureOf = (named: fc.Arbitrary<string>) => fc.record({ name: named, value, unit, better: direction });
/** Figures with distinct names, as one run writes them. */
const figures = fc.uniqueArray(figureOf(name), { selector: (one) => one.name, maxLength: 30 });

const INFO: RunInfo = {
  date: '2026-11-29T14:00:00Z',
  machine: '2 × test CPU',
  node: '22',
  iterations: 10,
  warmup: 2,
  tickets: 40,
  durationSeconds: 60,
  loadAverage: [1, 2],
  background: { calls: 12, readUnits: 3, writeUnits: 40 },
};
const section = (title: string, list: BenchFigure[]): BenchSection => ({ title, markdown: `## ${title}`, figures: list });

describe('compareFigures', () => {
  it('finds no change between a run and itself', () => {
    fc.assert(
      fc.property(figures, (list) => {
        const changes = compareFigures(list, list);
        expect(changes.map((change) => change.name)).toEqual(list.map((one) => one.name));
        for (const change of changes) expect([change.verdict, change.changePercent]).toEqual(['same', 0]);
      }),
    );
  });

  it('lists every figure of either run once: new when only the newer run has it, missing when only the older one does', () => {
    fc.assert(
      fc.property(figures, figures, (before, after) => {
        const changes = compareFigures(before, after);
        const names = changes.map((change) => change.name);
        expect(new Set(names).size).toBe(names.length);
        expect(new Set(names)).toEqual(new Set([...before, ...after].map((one) => one.name)));
        const inBefore = new Set(before.map((one) => one.name));
        const inAfter = new Set(after.map((one) => one.name));
        for (const change of changes) {
          if (!inBefore.has(change.name)) expect([change.verdict, change.before]).toEqual(['new', null]);
          else if (!inAfter.has(change.name)) expect([change.verdict, change.after]).toEqual(['missing', null]);
          else expect(['better', 'worse', 'same', 'not comparable']).toContain(change.verdict);
        }
      }),
    );
  });

  it("judges a change by the figure's direction, and the reverse change the other way", () => {
    fc.assert(
      fc.property(figureOf(name), value, (old, newValue) => {
        const now = { ...old, value: newValue };
        const [forward] = compareFigures([old], [now]);
        const [backward] = compareFigures([now], [old]);
        const difference = newValue - old.value;
        const negligible = difference === 0 || (old.value !== 0 && Math.abs((difference / Math.abs(old.value)) * 100) < SAME_WITHIN_PERCENT);
        if (negligible) {
          // Not `return expect(…)`: fast-check fails a property that returns anything but true or nothing.
          expect(forward!.verdict).toBe('same');
          return;
        }
        const improved = old.better === 'lower' ? difference < 0 : difference > 0;
        expect(forward!.verdict).toBe(improved ? 'better' : 'worse');
        if (backward!.verdict !== 'same') expect(backward!.verdict).toBe(improved ? 'worse' : 'better');
        if (old.value !== 0) expect(forward!.changePercent).toBeCloseTo((difference / Math.abs(old.value)) * 100, 6);
      }),
    );
  });

  it('calls 40 → 30 ms 25 % better, and 2 → 3 requests per second 50 % better when higher is better', () => {
    expect(compareFigures([{ name: 'p50', value: 40, unit: 'ms', better: 'lower' }], [{ name: 'p50', value: 30, unit: 'ms', better: 'lower' }])[0]).toMatchObject({
      verdict: 'better',
      changePercent: -25,
    });
    expect(compareFigures([{ name: 'ceiling', value: 2, unit: 'rps', better: 'higher' }], [{ name: 'ceiling', value: 3, unit: 'rps', better: 'higher' }])[0]).toMatchObject({
      verdict: 'better',
      changePercent: 50,
    });
    // From zero there is no percentage, but still a direction.
    expect(compareFigures([{ name: 'wcu', value: 0, unit: 'WCU', better: 'lower' }], [{ name: 'wcu', value: 5, unit: 'WCU', better: 'lower' }])[0]).toMatchObject({
      verdict: 'worse',
      changePercent: null,
    });
  });

  it('reports what it cannot compare instead of failing: an unmeasured figure, a changed unit, a name given twice', () => {
    const figure = (value: number, unit = 'ms'): BenchFigure => ({ name: 'x', value, unit, better: 'lower' });
    expect(compareFigures([figure(Number.NaN)], [figure(3)])[0]).toMatchObject({ verdict: 'not comparable', note: 'not measured in the older run' });
    expect(compareFigures([figure(3)], [figure(Number.NaN)])[0]).toMatchObject({ verdict: 'not comparable', note: 'not measured in the newer run' });
    expect(compareFigures([figure(3, 'ms')], [figure(3, 's')])[0]).toMatchObject({ verdict: 'not comparable', note: 'unit changed from ms to s' });
    const twice = compareFigures([figure(1)], [figure(1), figure(2)]);
    expect(twice).toHaveLength(1);
    expect(twice[0]).toMatchObject({ verdict: 'not comparable', note: 'named 2 times in the newer run' });
  });

  it('never throws on any pair of figure lists, names repeated or values not finite, and the report names every figure', () => {
    const anything = fc.array(fc.record({ name: fc.constantFrom('a', 'b', 'c', 'd'), value: fc.double(), unit, better: direction }), { maxLength: 8 });
    fc.assert(
      fc.property(anything, anything, (before, after) => {
        const changes = compareFigures(before, after);
        const report = comparisonReport(changes, { source: 'old.json', date: null }, { source: 'new.json', date: null });
        for (const change of changes) expect(report).toContain(`| ${change.name} `);
        expect(report).toMatch(new RegExp(`^${changes.length} figures: `, 'm'));
      }),
    );
  });
});

describe('results files', () => {
  it('reads back every figure a run writes, a figure it could not measure as NaN', () => {
    fc.assert(
      fc.property(figures, fc.boolean(), (list, withUnmeasured) => {
        const written = withUnmeasured ? [...list, { name: 'Z unmeasured', value: Number.NaN, unit: 'ms', better: 'lower' as const }] : list;
        const read = parseBenchResults(JSON.stringify(benchResults(INFO, [section('One', written.slice(0, 3)), section('Two', written.slice(3))])), 'latest.json');
        expect(read.date).toBe(INFO.date);
        expect(read.figures).toEqual(written);
      }),
    );
  });

  it('keeps each section with the names of its figures, and its raw data by title', () => {
    const results = benchResults(INFO, [
      { ...section('Tickets', [{ name: 't/a', value: 1, unit: 'ms', better: 'lower' }]), raw: [{ samplesMs: [1, 2] }] },
      section('Flows', [{ name: 'f/b', value: 2, unit: 'ms', better: 'lower' }]),
    ]);
    expect(results.format).toBe(RESULTS_FORMAT);
    expect(results.sections).toEqual([
      { title: 'Tickets', figures: ['t/a'] },
      { title: 'Flows', figures: ['f/b'] },
    ]);
    expect(results.raw).toEqual({ Tickets: [{ samplesMs: [1, 2] }] });
  });

  it('names what is wrong with a file that is not a results file', () => {
    const problem = (text: string) => {
      try {
        parseBenchResults(text, 'x.json');
      } catch (error) {
        expect(error).toBeInstanceOf(BenchResultsError);
        return (error as Error).message;
      }
      throw new Error('read without complaint');
    };
    expect(problem('{')).toMatch(/^x\.json is not JSON/);
    expect(problem(JSON.stringify({ format: 'something else', info: { date: 'd' }, figures: [] }))).toMatch(/format ticketer-bench\/1: format:/);
    expect(problem(JSON.stringify({ format: RESULTS_FORMAT, info: { date: 'd' }, figures: [{ name: 'a', value: 'fast', unit: 'ms', better: 'lower' }] }))).toMatch(/figures\.0\.value/);
    expect(problem(JSON.stringify({ format: RESULTS_FORMAT, info: { date: 'd' }, figures: [{ name: 'a', value: 1, unit: 'ms', better: 'sideways' }] }))).toMatch(/figures\.0\.better/);
    expect(problem(JSON.stringify([1, 2]))).toMatch(/not the older shape either/);
  });

  it('reads a results file from before the figures, with the same figures a run writes today', () => {
    const side = { p50: 20, p99: 40, mean: 22, readUnits: 2.5, writeUnits: 93, calls: 5, callSets: [] };
    const results = [{ name: 'assign', request: 'POST /tickets/{uuid}/assign', stack: side, floor: { ...side, p50: 10 }, latencyRatio: 2, capacityRatio: 1, samplesMs: { stack: [], floor: [] } }] as OperationResult[];
    const legacy = {
      info: { ...INFO },
      results,
      flowEngine: [{ side: 'engine', what: 'resume', resumes: 10, medianMs: 2, p95Ms: 4, readUnits: null, writeUnits: null }],
      closedTicket: [{ measure: 'observed', what: 'close → message', closes: 30, p50Ms: 295, p99Ms: 337, maxMs: 337 }],
      replyDelivery: [
        { side: 'stack', what: 'reply', replies: 30, p50Ms: 239, p99Ms: 266, maxMs: 266, readUnits: 7.5, writeUnits: 96.9 },
        { side: 'floor', what: 'floor', replies: 30, p50Ms: 13.6, p99Ms: 30.9, maxMs: 30.9, readUnits: 3, writeUnits: 92 },
      ],
      liveUpdates: [{ what: 'assign → ticket_changed', events: 30, p50Ms: 304, p99Ms: null, maxMs: 611 }],
    };
    const read = parseBenchResults(JSON.stringify(legacy), 'before.json');
    expect(read.date).toBe(INFO.date);
    const byName = new Map(read.figures.map((one) => [one.name, one]));
    expect(read.figures.filter((one) => one.name.startsWith('tickets/'))).toEqual(ticketOperationFigures(results, INFO.background));
    expect(byName.get('flow engine/engine/median')?.value).toBe(2);
    expect(byName.get('closed ticket/observed/p50')?.value).toBe(295);
    expect(byName.get('reply delivery/latency ratio')?.value).toBeCloseTo(239 / 13.6, 6);
    expect(byName.get('live updates/assign → ticket_changed/p50')?.value).toBe(304);
    expect(byName.get('live updates/assign → ticket_changed/p99')?.value).toBeNaN();
    expect(duplicateFigureNames(read.figures)).toEqual([]);
  });
});
