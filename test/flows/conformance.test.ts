import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatReport, runConformance } from './support/conformance';

// The corpus is AGPL test data kept outside the repository (see docs/flow-engine.md).
// CONFORMANCE_CORPUS points elsewhere (e.g. from a git worktree, whose ../shared is not the project's).
const CORPUS = process.env.CONFORMANCE_CORPUS ?? resolve(__dirname, '../../../shared/conformance/goflow');

describe('goflow conformance corpus', () => {
  // Without the corpus there is nothing to prove: the case shows as skipped, not as passed.
  it.skipIf(!existsSync(CORPUS))('passes every case of the corpus', async () => {
    const report = await runConformance(CORPUS);
    expect(report.missing).toBe(false);
    expect(report.passed).toBeGreaterThanOrEqual(400);
    expect(report.failed, formatReport(report)).toBe(0);
  }, 120_000);

  it('reports a directory that does not exist as SKIPPED, not as passed and not as a crash', async () => {
    const report = await runConformance(resolve(CORPUS, 'no-such-directory'));
    expect(report.missing).toBe(true);
    expect(report.passed).toBe(0);
    expect(formatReport(report)).toMatch(/^conformance corpus not found: .*no-such-directory\nSKIPPED \(0 cases run\)$/);
  });

  it('counts a case that throws as a failure and goes on with the next cases', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'conformance-'));
    mkdirSync(join(dir, 'migrations'));
    mkdirSync(join(dir, 'expressions'));
    // A migration case whose "original" is not a flow makes the migrator throw.
    writeFileSync(join(dir, 'migrations', '13.1.0.json'), JSON.stringify([{ description: 'not a flow', original: null, migrated: {} }]));
    writeFileSync(join(dir, 'expressions', 'examples.json'), JSON.stringify({ examples: [{ kind: 'function', template: '@(upper("a"))', expected: 'A' }] }));
    const report = await runConformance(dir);
    expect(report.failed).toBe(1);
    expect(report.outcomes.find((o) => !o.passed)?.detail).toMatch(/^threw /);
    expect(report.bySection.expressions).toEqual({ passed: 1, failed: 0 });
  });
});
