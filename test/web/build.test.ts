// The inbox's build: the typed client matches docs/openapi.json, and the
// initial JavaScript stays within the budget (≤ 200 KB gzipped).
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { INITIAL_JS_BUDGET_BYTES } from '../../web/build-report';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../..');
const bin = (name: string) => path.join(root, 'node_modules', '.bin', name);

describe('the web app build', () => {
  it('has a typed client generated from the current docs/openapi.json (npm run client:web)', async () => {
    const checked = await run(bin('openapi-typescript'), ['docs/openapi.json', '-o', 'web/src/api/schema.ts', '--check'], { cwd: root }).then(
      () => 'up to date',
      (error: { stdout?: string; stderr?: string }) => `stale: ${error.stdout ?? ''}${error.stderr ?? ''}`,
    );
    expect(checked, 'run `npm run client:web` and commit web/src/api/schema.ts').toBe('up to date');
  });

  it('builds with its initial JavaScript within 200 KB gzipped, and index.html loads exactly those files', async () => {
    const outDir = mkdtempSync(path.join(os.tmpdir(), 'ticketer-web-'));
    try {
      await run(bin('vite'), ['build', '--config', 'web/vite.config.ts', '--logLevel', 'error', '--outDir', outDir], { cwd: root });
      const report = JSON.parse(readFileSync(path.join(outDir, 'build-report.json'), 'utf8')) as { files: string[]; gzipBytes: number };
      expect(report.gzipBytes).toBeGreaterThan(10_000); // React and the app are in it: the measurement measured something
      expect(report.gzipBytes).toBeLessThanOrEqual(INITIAL_JS_BUDGET_BYTES);
      const html = readFileSync(path.join(outDir, 'index.html'), 'utf8');
      const scripts = [...html.matchAll(/<script[^>]+src="\/([^"]+)"/g)].map((match) => match[1]);
      expect(scripts.length).toBeGreaterThan(0);
      for (const script of scripts) expect(report.files).toContain(script);
    } finally {
      rmSync(outDir, { recursive: true, force: true });
    }
  }, 120_000);
});
