// `npm start` as a reader runs it (README, docs/local-stack.md): the real npm
// script, its own DynamoDB Local and fauxqs, on free ports, with --fresh data
// in a temporary folder (the test run's cloud assembly, so no second synth).
// Checked: every port it listens on is bound to 127.0.0.1 — the documented
// address — except the two emulators that cannot be told (see
// docs/local-stack.md, "Addresses"); SIGTERM to the npm process stops the
// whole stack: npm exits, and every port is free again (no orphaned server or
// DynamoDB Local left holding one).
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, inject } from 'vitest';
import { findFreePort } from '../../infra/local/emulators';
import { PROJECT_ROOT } from '../../infra/local/stack';

const PORT_VARIABLES = [
  'TICKETER_API_PORT',
  'TICKETER_LAMBDA_PORT',
  'TICKETER_DYNAMODB_PORT',
  'TICKETER_SQS_PORT',
  'TICKETER_SES_PORT',
  'TICKETER_SECRETS_PORT',
  'TICKETER_S3_PORT',
  'TICKETER_APP_PORT',
  'TICKETER_GATEWAY_PORT',
  'TICKETER_LIVE_PORT',
  'TICKETER_SCHEDULER_PORT',
] as const;

/** Listening TCP sockets on these ports: port → local address (`127.0.0.1`, `0.0.0.0`, `*`, `[::]`…). */
function listeners(ports: number[]): Map<number, string> {
  const found = new Map<number, string>();
  const output = execFileSync('ss', ['-Hltn'], { encoding: 'utf8' });
  for (const line of output.split('\n')) {
    const local = line.trim().split(/\s+/)[3];
    const match = local && /^(.*):(\d+)$/.exec(local);
    if (match && ports.includes(Number(match[2]))) found.set(Number(match[2]), match[1]!);
  }
  return found;
}

const hasSs = (() => {
  try {
    execFileSync('ss', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

describe('npm start', () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'ticketer-npm-start-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it.skipIf(!hasSs)('listens on 127.0.0.1 and stops on SIGTERM, freeing every port', async () => {
    const ports: Record<string, number> = {};
    for (const variable of PORT_VARIABLES) {
      let port = await findFreePort();
      while (Object.values(ports).includes(port)) port = await findFreePort();
      ports[variable] = port;
    }
    const child = spawn('npm', ['start', '--', '--fresh', '--quiet'], {
      cwd: PROJECT_ROOT,
      env: {
        // Not the test run's AWS_* settings (they point at the shared emulators): npm start brings its own.
        ...Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('AWS_'))),
        ...Object.fromEntries(Object.entries(ports).map(([name, port]) => [name, String(port)])),
        TICKETER_LOCAL_DIR: dataDir,
        TICKETER_CLOUD_ASSEMBLY: inject('cloudAssemblyDir'),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group, so a failed test can end whatever it left behind (and nothing else).
      detached: true,
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const deadline = Date.now() + 150_000;
      while (!output.includes('Ticketer local stack ready') && child.exitCode === null && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      expect(output, 'npm start did not get ready').toContain('Ticketer local stack ready');

      const bound = listeners(Object.values(ports));
      // DynamoDB Local (Jetty) has no bind-address option (docs/local-stack.md); fauxqs keeps to 127.0.0.1 by our patch.
      const unbindable = new Set([ports.TICKETER_DYNAMODB_PORT]);
      for (const [variable, port] of Object.entries(ports)) {
        if (variable === 'TICKETER_DYNAMODB_PORT') {
          expect(bound.has(port), `${variable} ${port} listens`).toBe(true);
          continue;
        }
        expect(bound.get(port), `${variable} ${port}`).toBe('127.0.0.1');
      }
      expect([...bound.keys()].filter((port) => !unbindable.has(port))).toHaveLength(PORT_VARIABLES.length - 1);

      const stoppedAt = Date.now();
      child.kill('SIGTERM');
      const code = await Promise.race([exited, new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 20_000))]);
      expect(code, `npm start after SIGTERM\n${output.slice(-2000)}`).not.toBe('timeout');
      // The stack's processes may outlive npm by a moment: every port must be free within 20 s of the signal.
      let still = listeners(Object.values(ports));
      while (still.size > 0 && Date.now() - stoppedAt < 20_000) {
        await new Promise((resolve) => setTimeout(resolve, 250));
        still = listeners(Object.values(ports));
      }
      expect([...still.keys()], 'ports still held after SIGTERM').toEqual([]);
    } finally {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // the group is gone: nothing was left behind
      }
    }
  }, 240_000);
});
