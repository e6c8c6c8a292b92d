// The scoreboard's summary and the figures each section reports (bench/report.ts
// and the sections' figure builders): pure functions of measured rows.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { closedTicketLatencyFigures, closedTicketLatencySection, type ClosedTicketLatencyRow } from '../../bench/closed-ticket-latency';
import { duplicateFigureNames } from '../../bench/compare';
import { flowEngineFigures, type FlowEngineBenchRow } from '../../bench/flow-engine';
import { liveUpdateFigures, type LiveUpdateRow } from '../../bench/live-update-latency';
import { replyDeliveryFigures, type ReplyDeliveryRow } from '../../bench/reply-delivery-latency';
import { compare, formatFigure, latencyRow, summaryTable, ticketOperationFigures, ticketOperationsSection, type BenchSection, type Sample } from '../../bench/report';

const BACKGROUND = { calls: 10, readUnits: 1, writeUnits: 30 };
const sample = (ms: number, writeUnits: number, operations: string[]): Sample => ({ ms, readUnits: 0.5, writeUnits, operations });
const operation = (name: string, stackMs: number, floorMs: number) =>
  compare(name, `POST /${name}`, [sample(stackMs, 93, ['GetItem', 'TransactWriteItems'])], [sample(floorMs, 92, ['GetItem', 'TransactWriteItems'])]);

describe('the summary table', () => {
  it('has one row per ticket operation, then one per other section with its first figure as the headline', () => {
    const sections: BenchSection[] = [
      { title: 'Rate limiting', markdown: '', figures: [{ name: 'rate limit/ceiling', value: 1234.5, unit: 'requests/s', better: 'higher' }, { name: 'rate limit/WCU', value: 0.1, unit: 'WCU', better: 'lower' }] },
      { title: 'Empty', markdown: '', figures: [] },
    ];
    const lines = summaryTable([operation('assign', 40, 20), operation('close', 30, 20)], sections).split('\n');
    expect(lines[0]).toBe('| operation | latency ratio | capacity per call (RCU / WCU) | DynamoDB calls per operation | headline |');
    expect(lines.slice(2)).toEqual([
      '| assign | 2.00× | 0.5 / 93 | 2 | stack p50 40.0 ms |',
      '| close | 1.50× | 0.5 / 93 | 2 | stack p50 30.0 ms |',
      '| Rate limiting |  |  |  | rate limit/ceiling: 1234.5 requests/s |',
      '| Empty |  |  |  | no figures |',
    ]);
  });

  it('has as many rows as operations and sections, whatever their figures', () => {
    const sections = fc.array(
      fc.record({
        title: fc.string({ maxLength: 20 }).map((text) => text.replace(/[|\n]/g, ' ')),
        markdown: fc.constant(''),
        figures: fc.array(fc.record({ name: fc.string({ maxLength: 10 }).map((text) => text.replace(/[|\n]/g, ' ')), value: fc.double(), unit: fc.string({ maxLength: 5 }).map((text) => text.replace(/[|\n]/g, ' ')), better: fc.constantFrom('lower' as const, 'higher' as const) }), { maxLength: 3 }),
      }),
      { maxLength: 5 },
    );
    fc.assert(
      fc.property(fc.array(fc.nat({ max: 500 }), { maxLength: 8 }), sections, (stackMs, others) => {
        const results = stackMs.map((ms, index) => operation(`op ${index}`, ms + 1, 10));
        const lines = summaryTable(results, others).split('\n');
        expect(lines).toHaveLength(2 + results.length + others.length);
        for (const line of lines) expect(line.split(' | ')).toHaveLength(5);
      }),
    );
  });
});

describe('the figures of each section', () => {
  it('ticket operations: twelve per operation and the asynchronous consumers’ totals, all named apart', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.stringMatching(/^[a-z][a-z ]{0,15}$/), { maxLength: 10 }), (names) => {
        const figures = ticketOperationFigures(
          names.map((name) => operation(name, 30, 15)),
          BACKGROUND,
        );
        expect(figures).toHaveLength(12 * names.length + 3);
        expect(duplicateFigureNames(figures)).toEqual([]);
      }),
    );
    const section = ticketOperationsSection([operation('assign', 40, 20)], BACKGROUND);
    expect(section.figures[0]).toEqual({ name: 'tickets/assign/latency ratio', value: 2, unit: '×', better: 'lower' });
    expect(section.figures.find((one) => one.name === 'tickets/assign/stack WCU')?.value).toBe(93);
    expect(section.markdown).toContain("The floor makes the stack's most frequent set of calls for every operation.");
  });

  it('the pipeline sections: their headline first, every name apart', () => {
    const row = latencyRow('x', [300, 100, 200]);
    expect(row).toEqual({ what: 'x', samples: 3, p50Ms: 200, p99Ms: 300, maxMs: 300 });
    const closed: ClosedTicketLatencyRow[] = [
      { measure: 'recorded', ...row },
      { measure: 'observed', ...row },
    ];
    const reply: ReplyDeliveryRow[] = [
      { side: 'stack', ...row, readUnits: 7.5, writeUnits: 97 },
      { side: 'floor', ...latencyRow('y', [10, 20]), readUnits: 3, writeUnits: 92 },
    ];
    const live: LiveUpdateRow[] = (['assign → ticket_changed', 'assign → counts_changed', 'reply → msg_created'] as const).map((path) => ({ path, ...row }));
    const flows: FlowEngineBenchRow[] = [
      { side: 'engine', what: 'e', resumes: 10, medianMs: 2, p95Ms: 4, readUnits: null, writeUnits: null },
      { side: 'service', what: 's', resumes: 10, medianMs: 30, p95Ms: 60, readUnits: 6, writeUnits: 12 },
      { side: 'local stack', what: 'l', resumes: 10, medianMs: 40, p95Ms: 80, readUnits: null, writeUnits: null },
    ];
    const all = [closedTicketLatencyFigures(closed), replyDeliveryFigures(reply), liveUpdateFigures(live), flowEngineFigures(flows)];
    expect(all.map((figures) => figures[0]!.name)).toEqual(['closed ticket/observed/p50', 'reply delivery/stack/p50', 'live updates/assign → ticket_changed/p50', 'flow engine/local stack/median']);
    expect(duplicateFigureNames(all.flat())).toEqual([]);
    expect(replyDeliveryFigures(reply).find((one) => one.name === 'reply delivery/latency ratio')?.value).toBeCloseTo(200 / 10, 6);
    expect(flowEngineFigures(flows).map((one) => one.name)).toContain('flow engine/service/WCU');
    expect(closedTicketLatencySection(closed).markdown).toMatch(/^## Close → first follow-up message\n/);
  });

  it('a section with nothing measured reports NaN, which prints as a dash', () => {
    const empty = latencyRow('nothing', []);
    expect([empty.samples, empty.p50Ms, empty.maxMs]).toEqual([0, Number.NaN, Number.NaN]);
    expect(formatFigure(empty.p50Ms, 'ms')).toBe('—');
    expect(formatFigure(12.345, 'ms')).toBe('12.3 ms');
    expect(formatFigure(1.5, '×')).toBe('1.50×');
    expect(formatFigure(96.8666, 'WCU')).toBe('96.87 WCU');
  });
});
