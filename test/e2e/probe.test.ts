// The probe of scripts/probe.ts, a smaller pass, through the local stack's
// real sockets: malformed HTTP requests to every route and malformed Invoke
// payloads to every command answer without a 5xx, a function error or a stack
// trace. (The full probe — ≥ 1,500 requests, ≥ 300 invokes — is
// `npx tsx scripts/probe.ts`.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../infra/local/stack';
import { probeStack } from '../../scripts/probe';
import { startTestStack } from './support';

let stack: LocalStack;

beforeAll(async () => {
  stack = await startTestStack();
});

afterAll(async () => {
  await stack?.stop();
});

describe('the probe, through the local stack', () => {
  it('finds no 5xx, no function error and no stack trace', async () => {
    const report = await probeStack(stack, { http: 150, invokes: 40, seed: Date.now() % 10_000 });
    expect(report.http.failures).toEqual([]);
    expect(report.invokes.failures).toEqual([]);
    expect(report.http.requests).toBeGreaterThanOrEqual(150);
    expect(report.invokes.payloads).toBeGreaterThanOrEqual(40);
  }, 180_000);
});
