import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatReport, runConformance } from './support/conformance';

// The corpus is AGPL test data kept outside the repository (see docs/flow-engine.md).
const CORPUS = resolve(__dirname, '../../../shared/conformance/goflow');

// Raise this when the engine passes more cases; a drop is a regression.
const PASSING_FLOOR = 400;

describe('goflow conformance corpus', () => {
  if (existsSync(CORPUS)) {
    it(`passes at least ${PASSING_FLOOR} cases`, async () => {
      const report = await runConformance(CORPUS);
      expect(report.missing).toBe(false);
      expect(report.passed, formatReport(report)).toBeGreaterThanOrEqual(PASSING_FLOOR);
    }, 120_000);
  } else {
    it('reports the missing corpus clearly', async () => {
      const report = await runConformance(CORPUS);
      expect(report.missing).toBe(true);
      expect(formatReport(report)).toBe(`conformance corpus not found: ${CORPUS}\n0 passed, 0 failed`);
    });
  }

  it('reports a directory that does not exist as missing, not as a crash', async () => {
    const report = await runConformance(resolve(CORPUS, 'no-such-directory'));
    expect(report.missing).toBe(true);
    expect(formatReport(report)).toMatch(/^conformance corpus not found: .*no-such-directory\n0 passed, 0 failed$/);
  });
});
