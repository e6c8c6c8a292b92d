// Signing in, sessions, API tokens and rate limits on DynamoDB Local: one
// answer for a wrong email and a wrong password, attempts limited per email,
// revoked and expired tokens refused, the API limited per workspace with 429
// and Retry-After, and no secret ever in a log line or a second answer.
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { API_RATE_WINDOW_SECONDS, fixedWindow, SIGN_IN_RATE_LIMIT } from '#domain/rate-limit';
import { authorizerEvent, call, lambdaContext } from '../http/support';
import { createAccessWorld, newUuid, PASSWORD, type AccessWorld } from './fixture';

let world: AccessWorld;
let ws: Awaited<ReturnType<AccessWorld['workspace']>>;

beforeAll(async () => {
  world = await createAccessWorld();
  ws = await world.workspace('tokens');
});

afterEach(() => {
  vi.restoreAllMocks();
});

const signIn = (body: Record<string, unknown>) => world.request({ route: 'POST /sign-in', body, identity: undefined as never });
const authorize = (token: string) => world.authorize(authorizerEvent(`Token ${token}`), lambdaContext());

/** Everything written to stdout/stderr (Powertools logs there) while `run` runs. */
async function capturingLogs<T>(run: () => Promise<T>): Promise<{ result: T; logs: string }> {
  const written: string[] = [];
  const capture = (chunk: unknown) => {
    written.push(String(chunk));
    return true;
  };
  vi.spyOn(process.stdout, 'write').mockImplementation(capture);
  vi.spyOn(process.stderr, 'write').mockImplementation(capture);
  // Under POWERTOOLS_DEV (vitest.config.ts) Powertools logs through console.
  for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) vi.spyOn(console, method).mockImplementation((...args) => void capture(args.join(' ')));
  try {
    return { result: await run(), logs: written.join('') };
  } finally {
    vi.restoreAllMocks();
  }
}

describe('signing in', () => {
  it('gives a session token that expires, works until sign-out, and is never shown again', async () => {
    const { agent } = ws.members;
    const signedIn = await signIn({ email: agent.email.toUpperCase(), password: PASSWORD });
    expect(signedIn.status, JSON.stringify(signedIn.body)).toBe(200);
    expect(signedIn.body).toMatchObject({ role: 'agent', user: { uuid: agent.uuid }, workspace: { uuid: ws.uuid } });
    const { token, expires_on } = signedIn.body as { token: string; expires_on: string };
    expect(token).toMatch(/^[0-9a-f]{64}$/);
    const days = (Date.parse(expires_on) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(6.9);
    expect(days).toBeLessThanOrEqual(7);
    expect(await authorize(token)).toEqual({ isAuthorized: true, context: agent.identity });

    const me = await world.request({ route: 'GET /me', identity: agent.identity });
    expect(JSON.stringify(me.body)).not.toContain(token);
    const signedOut = await world.request({ route: 'POST /sign-out', identity: agent.identity, headers: { authorization: `Token ${token}` } });
    expect(signedOut.status).toBe(204);
    await expect(authorize(token)).rejects.toThrow('Unauthorized');
  });

  it('answers a wrong password and an unknown email the same way', async () => {
    const wrongPassword = await signIn({ email: ws.members.viewer.email, password: 'not the password' });
    const unknownEmail = await signIn({ email: `nobody-${newUuid()}@example.com`, password: PASSWORD });
    const noPasswordYet = await signIn({ email: ws.founder.email, password: PASSWORD });
    for (const response of [wrongPassword, unknownEmail, noPasswordYet])
      expect(response).toEqual({
        status: 401,
        headers: { 'content-type': 'application/json' },
        body: { error: { code: 'invalid_credentials', message: 'Wrong email or password.' } },
      });
  });

  it('limits attempts per email: 10 in 15 minutes, then 429 with Retry-After, even with the right password; other emails are unaffected', async () => {
    const { editor, viewer } = ws.members;
    // The HttpAccess handler over the same table with a stopped clock, so that every attempt falls in one 15-minute window.
    const stopped = new Date();
    const handler = (await import('../../../functions/handlers/http-access')).createAccessHandler(world.useCasesAt(() => stopped), { admit: async () => undefined });
    const signIn = (body: Record<string, unknown>) => call(handler, { route: 'POST /sign-in', body, identity: undefined as never });
    for (let attempt = 0; attempt < SIGN_IN_RATE_LIMIT.limit; attempt++)
      expect((await signIn({ email: editor.email, password: `wrong ${attempt}` })).status).toBe(401);
    const limited = await signIn({ email: editor.email, password: PASSWORD });
    expect(limited).toMatchObject({ status: 429, body: { error: { code: 'too_many_sign_in_attempts' } } });
    const retryAfter = Number(limited.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBe(fixedWindow(stopped, SIGN_IN_RATE_LIMIT.windowSeconds).end - Math.floor(stopped.getTime() / 1000));
    expect((await signIn({ email: editor.email.toUpperCase(), password: PASSWORD })).status).toBe(429);
    expect((await signIn({ email: viewer.email, password: PASSWORD })).status).toBe(200);
  });

  it('never logs a password or a token', async () => {
    const { result, logs } = await capturingLogs(async () => {
      const signedIn = await signIn({ email: ws.members.viewer.email, password: PASSWORD });
      await signIn({ email: ws.members.viewer.email, password: 'a wrong secret password' });
      const created = await world.request({ route: 'POST /tokens', body: { name: 'logged?' }, identity: ws.members.viewer.identity });
      await authorize(created.body.token);
      await authorize('0123456789abcdef0123456789abcdef01234567').catch(() => undefined);
      return { session: signedIn.body.token as string, apiToken: created.body.token as string };
    });
    for (const secret of [PASSWORD, 'a wrong secret password', result.session, result.apiToken, '0123456789abcdef0123456789abcdef01234567'])
      expect(logs).not.toContain(secret);
  });
});

describe('API tokens', () => {
  it('are created and shown once, listed by name and prefix, and revoked', async () => {
    const { agent } = ws.members;
    const created = await world.request({ route: 'POST /tokens', body: { name: 'CI pipeline' }, identity: agent.identity });
    expect(created.status).toBe(201);
    const { token, uuid, prefix } = created.body as { token: string; uuid: string; prefix: string };
    expect(token).toMatch(/^[0-9a-f]{40}$/);
    expect(prefix).toBe(token.slice(0, 8));
    expect(await authorize(token)).toEqual({ isAuthorized: true, context: agent.identity });

    const listed = await world.request({ route: 'GET /tokens', identity: agent.identity });
    expect(listed.body.results).toContainEqual({ uuid, name: 'CI pipeline', prefix, created_on: expect.any(String) });
    expect(JSON.stringify(listed.body)).not.toContain(token);
    // Another member sees only their own tokens, and cannot revoke this one.
    const others = await world.request({ route: 'GET /tokens', identity: ws.members.administrator.identity });
    expect(others.body.results.map((entry: { uuid: string }) => entry.uuid)).not.toContain(uuid);
    expect((await world.request({ route: 'DELETE /tokens/{token}', params: { token: uuid }, identity: ws.members.administrator.identity })).status).toBe(404);

    expect((await world.request({ route: 'DELETE /tokens/{token}', params: { token: uuid }, identity: agent.identity })).status).toBe(204);
    await expect(authorize(token)).rejects.toThrow('Unauthorized');
    expect((await world.request({ route: 'GET /tokens', identity: agent.identity })).body.results.map((entry: { uuid: string }) => entry.uuid)).not.toContain(uuid);
    // Sign-out ends sessions, not API tokens.
    const other = await world.useCases.issueApiToken({ workspace: ws.uuid, user: agent.uuid, name: 'kept' });
    const signOut = await world.request({ route: 'POST /sign-out', identity: agent.identity, headers: { authorization: `Token ${other.token}` } });
    expect(signOut).toMatchObject({ status: 400, body: { error: { code: 'not_a_session' } } });
    expect(await authorize(other.token)).toMatchObject({ isAuthorized: true });
  });

  it('an expired session is refused even before DynamoDB\'s TTL removes it', async () => {
    const daysAgo = (days: number) => new Date(Date.now() - days * 24 * 3600 * 1000);
    // Someone who joined ten days ago (the session from accepting has expired since)…
    const then = world.useCasesAt(() => daysAgo(10));
    const email = `veteran-${newUuid()}@example.com`;
    await then.inviteMembers({ actor: ws.asFounder, emails: [email], role: 'agent' });
    const joined = await then.acceptInvitation({ secret: world.secretMailedTo(email), name: 'Veteran', password: PASSWORD });
    await expect(authorize(joined.token)).rejects.toThrow('Unauthorized');
    // …signed in eight days ago (expired: sessions last seven days) and six days ago (still valid).
    const old = await world.useCasesAt(() => daysAgo(8)).signIn({ email, password: PASSWORD });
    await expect(authorize(old.token)).rejects.toThrow('Unauthorized');
    const recent = await world.useCasesAt(() => daysAgo(6)).signIn({ email, password: PASSWORD });
    expect(await authorize(recent.token)).toMatchObject({ isAuthorized: true, context: { user: joined.user.uuid } });
  });
});

/**
 * Runs `scenario` again if an hour's window ended while it ran (the deployed
 * functions count on the real clock; a scenario never spans two boundaries).
 */
async function inOneApiWindow(scenario: () => Promise<void>): Promise<void> {
  const windowStart = () => fixedWindow(new Date(), API_RATE_WINDOW_SECONDS).start;
  const before = windowStart();
  try {
    await scenario();
  } catch (error) {
    if (windowStart() === before) throw error;
    await scenario();
  }
}

describe('the API rate limit per workspace', () => {
  it('answers 429 with Retry-After beyond the workspace\'s limit, counting every request of the workspace, and leaves other workspaces alone', () => inOneApiWindow(async () => {
    const limited = await world.workspace(`limited-${newUuid().slice(0, 8)}`);
    const settings = await world.request({ route: 'PATCH /workspace', body: { api_rate_limit: 5 }, identity: limited.members.editor.identity });
    expect(settings).toMatchObject({ status: 200, body: { api_rate_limit: 5 } });
    // The authorizer hands the workspace's limit to every function.
    const resolved = (await authorize(limited.members.agent.token)) as { context: { api_rate_limit?: number } };
    expect(resolved.context.api_rate_limit).toBe(5);
    const identity = { ...limited.members.agent.identity, api_rate_limit: 5 };
    // The PATCH above counted too (at the default limit) but in HttpAccess's own limiter, which writes its count
    // with its next batch: HttpTickets, exact on its own, may admit 5 before it sees it — one batch per container
    // beyond the limit, here the one request (docs/benchmarks.md, "Rate limiting").
    const statuses: number[] = [];
    let refused: Awaited<ReturnType<typeof world.request>> | undefined;
    let sentAt = new Date();
    while (!refused && statuses.length < 10) {
      sentAt = new Date();
      const response = await world.request({ route: statuses.length % 2 ? 'GET /topics' : 'GET /folders', identity });
      statuses.push(response.status);
      if (response.status === 429) refused = response;
    }
    expect(statuses.slice(0, 4)).toEqual([200, 200, 200, 200]);
    expect(statuses.filter((status) => status === 200).length).toBeLessThanOrEqual(5 + 1);
    expect(refused).toMatchObject({ status: 429, body: { error: { code: 'rate_limited' } } });
    const retryAfter = Number(refused!.headers['retry-after']);
    const hourEnd = fixedWindow(sentAt, API_RATE_WINDOW_SECONDS).end;
    expect(retryAfter).toBeGreaterThanOrEqual(Math.max(1, Math.ceil(hourEnd - Date.now() / 1000)));
    expect(retryAfter).toBeLessThanOrEqual(Math.ceil(hourEnd - sentAt.getTime() / 1000));
    expect((await world.request({ route: 'GET /folders', identity })).status).toBe(429);
    const v2 = await world.request({ route: 'GET /api/v2/tickets.json', identity: { ...limited.members.viewer.identity, api_rate_limit: 5 } });
    expect(v2).toMatchObject({ status: 429, body: { detail: expect.stringContaining('5 an hour') } });
    expect(v2.headers['retry-after']).toBeDefined();
    expect((await world.request({ route: 'GET /folders', identity: ws.members.agent.identity })).status).toBe(200);

    const reset = await world.request({ route: 'PATCH /workspace', body: { api_rate_limit: null }, identity: ws.members.administrator.identity });
    expect(reset.body.api_rate_limit).toBeNull();
    expect(await world.request({ route: 'PATCH /workspace', body: { api_rate_limit: 0 }, identity: ws.members.administrator.identity })).toMatchObject({
      status: 400,
      body: { error: { field: 'api_rate_limit' } },
    });
  }));
});
