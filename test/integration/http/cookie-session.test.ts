// The inbox's cookie session at the authorizer, against DynamoDB Local: the
// session cookie is accepted beside `Authorization: Token`, and a change made
// with it needs the session's CSRF token in X-CSRF-Token.
import { beforeAll, describe, expect, it } from 'vitest';
import { CSRF_HEADER, SESSION_COOKIE, csrfTokenOf, isLocalHost, readCookie, sessionCookies } from '../../../shared/http/session-cookie';
import { authorizerEvent, lambdaContext } from './support';
import { createTestWorkspaces } from './fixture';

let world: Awaited<ReturnType<typeof createTestWorkspaces>>;
let authorize: (event: ReturnType<typeof authorizerEvent>, context: ReturnType<typeof lambdaContext>) => Promise<unknown>;

beforeAll(async () => {
  world = await createTestWorkspaces();
  authorize = (await import('../../../functions/http-authorizer')).handler;
});

function cookieEvent(token: string, method: string, csrf?: string) {
  const event = authorizerEvent(undefined);
  event.cookies = ['theme=dark', `${SESSION_COOKIE}=${token}`];
  event.requestContext.http.method = method;
  if (csrf !== undefined) event.headers = { ...event.headers, [CSRF_HEADER]: csrf };
  return event;
}

describe('the session cookie at the authorizer', () => {
  it('lets a read in with the cookie alone', async () => {
    await expect(authorize(cookieEvent(world.acme.adminToken, 'GET'), lambdaContext())).resolves.toEqual({ isAuthorized: true, context: world.acme.asAdmin });
  });

  it('refuses a change (403) without the CSRF token or with another session’s, and lets it in with its own', async () => {
    const token = world.acme.adminToken;
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
      await expect(authorize(cookieEvent(token, method), lambdaContext())).resolves.toMatchObject({ isAuthorized: false });
      await expect(authorize(cookieEvent(token, method, csrfTokenOf('another session')), lambdaContext())).resolves.toMatchObject({ isAuthorized: false });
      await expect(authorize(cookieEvent(token, method, csrfTokenOf(token)), lambdaContext())).resolves.toEqual({ isAuthorized: true, context: world.acme.asAdmin });
    }
  });

  it('refuses an unknown cookie with 401, and keeps the Authorization header first (no CSRF token needed for it)', async () => {
    await expect(authorize(cookieEvent('0123456789abcdef0123456789abcdef', 'GET'), lambdaContext())).rejects.toThrow('Unauthorized');
    const event = cookieEvent('0123456789abcdef0123456789abcdef', 'POST');
    event.headers = { ...event.headers, authorization: `Token ${world.acme.adminToken}` };
    await expect(authorize(event, lambdaContext())).resolves.toEqual({ isAuthorized: true, context: world.acme.asAdmin });
  });
});

describe('session cookies', () => {
  it('are HttpOnly (the session), SameSite=Strict, Secure but on localhost, and expire with the session', () => {
    const now = Date.parse('2026-11-24T10:00:00Z');
    const [session, csrf] = sessionCookies('tok', '2026-12-01T10:00:00.000000Z', 'abc.execute-api.eu-west-1.amazonaws.com', now);
    expect(session).toBe('ticketer_session=tok; HttpOnly; Path=/; Max-Age=604800; SameSite=Strict; Secure');
    expect(csrf).toBe(`ticketer_csrf=${csrfTokenOf('tok')}; Path=/; Max-Age=604800; SameSite=Strict; Secure`);
    const [local] = sessionCookies('tok', '2026-12-01T10:00:00.000000Z', '127.0.0.1:8006', now);
    expect(local).not.toContain('Secure');
    expect(isLocalHost('localhost:8006')).toBe(true);
    expect(isLocalHost('localhost.example.com')).toBe(false);
  });

  it('are read from payload 2.0 cookies and from a Cookie header', () => {
    expect(readCookie(['a=1', 'ticketer_session=xyz'], SESSION_COOKIE)).toBe('xyz');
    expect(readCookie('a=1; ticketer_session=xyz', SESSION_COOKIE)).toBe('xyz');
    expect(readCookie('ticketer_sessionx=1', SESSION_COOKIE)).toBeNull();
  });
});
