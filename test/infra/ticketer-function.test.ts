// Bundles one function for real (local esbuild, no Docker) and checks what
// TicketerFunction promises about the bundle.
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Table, AttributeType } from 'aws-cdk-lib/aws-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ESM_REQUIRE_BANNER, TicketerFunction } from '../../infra/constructs/ticketer-function';

let outdir: string;
let bundleDir: string;

beforeAll(() => {
  outdir = mkdtempSync(path.join(os.tmpdir(), 'ticketer-bundle-'));
  const app = new App({ outdir, context: { 'aws:cdk:enable-asset-metadata': true } });
  const stack = new Stack(app, 'BundleProbe');
  const table = new Table(stack, 'Table', { partitionKey: { name: 'pk', type: AttributeType.STRING } });
  new TicketerFunction(stack, 'Probe', { entry: 'test/infra/fixtures/bundle-probe.ts', table });
  const assembly = app.synth();
  const template = assembly.getStackByName('BundleProbe').template;
  const fn = Object.values<any>(template.Resources).find((resource) => resource.Type === 'AWS::Lambda::Function');
  bundleDir = path.join(outdir, fn.Metadata['aws:asset:path']);
}, 60_000);

afterAll(() => rmSync(outdir, { recursive: true, force: true }));

describe('a TicketerFunction bundle', () => {
  it('is one ESM file, index.mjs, with its source map', () => {
    expect(readdirSync(bundleDir).sort()).toEqual(['index.mjs', 'index.mjs.map']);
    const code = readFileSync(path.join(bundleDir, 'index.mjs'), 'utf8');
    expect(/export\s*\{[^}]*as handler\s*\}/.test(code)).toBe(true);
    expect(code.trimEnd().endsWith('//# sourceMappingURL=index.mjs.map')).toBe(true);
  });

  it('starts with the createRequire banner, so the bundled SDK can require Node built-ins', () => {
    const code = readFileSync(path.join(bundleDir, 'index.mjs'), 'utf8');
    expect(code.startsWith(ESM_REQUIRE_BANNER)).toBe(true);
  });

  it('contains the AWS SDK instead of importing it, minified', () => {
    const code = readFileSync(path.join(bundleDir, 'index.mjs'), 'utf8');
    // (booleans, not the code itself, so a failure does not print a 500 kB bundle)
    expect(/from\s*["']@aws-sdk\//.test(code)).toBe(false);
    expect(code.includes('DynamoDB_20120810')).toBe(true);
    // Minified: identifiers renamed (the class name survives only as the command's string name).
    expect(code.includes('class ListTablesCommand')).toBe(false);
    expect(code.length / code.split('\n').length).toBeGreaterThan(500);
  });

  it('maps to the sources without embedding them', () => {
    const map = JSON.parse(readFileSync(path.join(bundleDir, 'index.mjs.map'), 'utf8'));
    expect(map.sources.some((source: string) => source.endsWith('test/infra/fixtures/bundle-probe.ts'))).toBe(true);
    expect(map.sourcesContent).toBeUndefined();
  });

  it('runs on Node: the bundle loads and its handler is a function', async () => {
    const mod = await import(path.join(bundleDir, 'index.mjs'));
    expect(typeof mod.handler).toBe('function');
  });
});
