// The browser's session: the agent inbox signs in with `X-Ticketer-Session:
// cookie` and gets its session token as an HttpOnly, SameSite=Strict cookie
// (Secure except on localhost) instead of in the body, so no script of the page
// can read it. API clients keep `Authorization: Token <key>`.
//
// CSRF: a cookie rides along on every request to its site, so a change made
// with the session cookie must also carry `X-CSRF-Token` equal to the CSRF
// token of that session: sha256 of a label and the session token, handed to
// the page in a readable cookie (`ticketer_csrf`). Another site can neither
// read that cookie nor add a custom header without a CORS preflight (which this
// API never grants), and the token is bound to the session, so a cookie
// planted by a sibling domain cannot be paired with a forged header (the
// weakness of a plain double-submit). SameSite=Strict is a second layer. An
// Origin check is not used: behind CloudFront the API sees its own host, not
// the one the browser used, so it could not compare the two reliably.
import { createHash, timingSafeEqual } from 'node:crypto';

export const SESSION_COOKIE = 'ticketer_session';
export const CSRF_COOKIE = 'ticketer_csrf';
/** Lowercase: API Gateway lowercases header names. */
export const CSRF_HEADER = 'x-csrf-token';
export const SESSION_MODE_HEADER = 'x-ticketer-session';

/** Methods that change nothing: no CSRF token needed. */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function csrfTokenOf(sessionToken: string): string {
  return createHash('sha256').update(`ticketer-csrf:${sessionToken}`).digest('base64url');
}

/** localhost and loopback addresses are served over plain HTTP (the local stack); everything else gets Secure cookies. */
export function isLocalHost(host: string | undefined): boolean {
  const hostname = (host ?? '').replace(/:\d+$/, '').replace(/^\[|\]$/g, '').toLowerCase();
  return hostname === 'localhost' || hostname.endsWith('.localhost') || hostname === '::1' || /^127\.\d+\.\d+\.\d+$/.test(hostname);
}

/** Whether the caller asked for a cookie session (the inbox does; API clients don't). */
export function wantsCookieSession(headers: Record<string, string | undefined>): boolean {
  return headers[SESSION_MODE_HEADER] === 'cookie';
}

/** The Set-Cookie values of a new session valid until `expiresOn`. */
export function sessionCookies(token: string, expiresOn: string, host: string | undefined, now = Date.now()): string[] {
  const maxAge = Math.max(0, Math.floor((Date.parse(expiresOn) - now) / 1000));
  const attributes = `Path=/; Max-Age=${maxAge}; SameSite=Strict${isLocalHost(host) ? '' : '; Secure'}`;
  return [`${SESSION_COOKIE}=${token}; HttpOnly; ${attributes}`, `${CSRF_COOKIE}=${csrfTokenOf(token)}; ${attributes}`];
}

/** Set-Cookie values that end the browser's session (sign-out). */
export function clearedSessionCookies(host: string | undefined): string[] {
  const attributes = `Path=/; Max-Age=0; SameSite=Strict${isLocalHost(host) ? '' : '; Secure'}`;
  return [`${SESSION_COOKIE}=; HttpOnly; ${attributes}`, `${CSRF_COOKIE}=; ${attributes}`];
}

/** A cookie's value from payload 2.0's `cookies` (`["a=1", "b=2"]`) or a `Cookie` header. */
export function readCookie(cookies: readonly string[] | string | undefined, name: string): string | null {
  const list = typeof cookies === 'string' ? cookies.split(/;\s*/) : (cookies ?? []).flatMap((cookie) => cookie.split(/;\s*/));
  for (const cookie of list) {
    const index = cookie.indexOf('=');
    if (index > 0 && cookie.slice(0, index).trim() === name) return cookie.slice(index + 1).trim() || null;
  }
  return null;
}

export type SessionCredential =
  | { kind: 'header'; key: string }
  | { kind: 'cookie'; key: string; csrfOk: boolean }
  | null;

/**
 * The key a request is made with: the `Authorization: Token` header first
 * (API clients), else the session cookie, whose changes need the session's
 * CSRF token in `X-CSRF-Token`.
 */
export function readCredential(
  event: { headers?: Record<string, string | undefined>; cookies?: string[]; requestContext?: { http?: { method?: string } } },
  readTokenHeader: (headers: Record<string, string | undefined> | undefined) => string | null,
): SessionCredential {
  const key = readTokenHeader(event.headers);
  if (key) return { kind: 'header', key };
  const cookie = readCookie(event.cookies ?? event.headers?.cookie, SESSION_COOKIE);
  if (!cookie || !/^[A-Za-z0-9._~+/=-]+$/.test(cookie)) return null;
  const method = (event.requestContext?.http?.method ?? 'GET').toUpperCase();
  return { kind: 'cookie', key: cookie, csrfOk: SAFE_METHODS.has(method) || sameToken(event.headers?.[CSRF_HEADER], csrfTokenOf(cookie)) };
}

function sameToken(given: string | undefined, expected: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
