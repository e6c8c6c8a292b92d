// HttpAuthorizer against DynamoDB Local: `Authorization: Token <key>` only.
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { authorizerEvent, lambdaContext } from './support';
import { createTestWorkspaces } from './fixture';

let world: Awaited<ReturnType<typeof createTestWorkspaces>>;
let authorize: (event: ReturnType<typeof authorizerEvent>, context: ReturnType<typeof lambdaContext>) => Promise<unknown>;

beforeAll(async () => {
  world = await createTestWorkspaces();
  authorize = (await import('../../../functions/http-authorizer')).handler;
});

afterEach(() => {
  vi.restoreAllMocks();
});

/** Everything the function logs while `run` runs: to stdout/stderr (Powertools), or through `console` (under POWERTOOLS_DEV, as in vitest.config.ts). */
async function capturingLogs<T>(run: () => Promise<T>): Promise<{ result: PromiseSettledResult<T>; logs: string }> {
  const written: string[] = [];
  const capture = (chunk: unknown) => {
    written.push(String(chunk));
    return true;
  };
  vi.spyOn(process.stdout, 'write').mockImplementation(capture);
  vi.spyOn(process.stderr, 'write').mockImplementation(capture);
  for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) vi.spyOn(console, method).mockImplementation((...args) => void capture(args.join(' ')));
  const [result] = await Promise.allSettled([run()]);
  vi.restoreAllMocks();
  return { result: result!, logs: written.join('') };
}

describe('HttpAuthorizer', () => {
  it('resolves a valid token to the workspace, user and role', async () => {
    const result = await authorize(authorizerEvent(`Token ${world.acme.adminToken}`), lambdaContext());
    expect(result).toEqual({ isAuthorized: true, context: world.acme.asAdmin });
  });

  it.each([
    ['an unknown token', () => 'Token 0123456789abcdef0123456789abcdef'],
    ['a Bearer token', () => `Bearer ${world.acme.adminToken}`],
    ['the bare key', () => world.acme.adminToken],
    ['an empty Token', () => 'Token '],
    ['a lowercase scheme', () => `token ${world.acme.adminToken}`],
  ])('refuses %s with Unauthorized (401), never logging the key', async (_, header) => {
    const authorization = header();
    const { result, logs } = await capturingLogs(() => authorize(authorizerEvent(authorization), lambdaContext()));
    expect(result.status).toBe('rejected');
    expect((result as PromiseRejectedResult).reason).toMatchObject({ message: 'Unauthorized' });
    expect(logs).toContain('request refused');
    const key = authorization.split(' ').at(-1)!;
    if (key) expect(logs).not.toContain(key);
  });

  it('refuses a request without an Authorization header', async () => {
    await expect(authorize(authorizerEvent(undefined), lambdaContext())).rejects.toThrow('Unauthorized');
  });
});
