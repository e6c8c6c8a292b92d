// The typed API client: generated from docs/openapi.json (schema.ts, by
// `npm run client:web`), so a route or shape the API does not have is a type
// error here. The browser's session is an HttpOnly cookie the app never sees;
// every change carries the CSRF token (a readable cookie bound to the session)
// in a header, which the authorizer checks (docs/inbox.md, "Sessions").
import createClient, { type Middleware } from 'openapi-fetch';
import type { components, paths } from './schema';

export type Schemas = components['schemas'];

export const CSRF_COOKIE = 'ticketer_csrf';
export const CSRF_HEADER = 'x-csrf-token';
/** Asks sign-in and invitation accept for a cookie session instead of a token in the body. */
export const SESSION_MODE_HEADER = 'x-ticketer-session';

export function readCookie(cookieString: string, name: string): string | null {
  for (const part of cookieString.split(/;\s*/)) {
    const index = part.indexOf('=');
    if (index > 0 && part.slice(0, index) === name) return decodeURIComponent(part.slice(index + 1));
  }
  return null;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string | undefined,
    message: string,
  ) {
    super(message);
  }
}

let onUnauthorized: () => void = () => undefined;
/** Called when the API answers 401 to a signed-in request (the session ended). */
export function setUnauthorizedHandler(handler: () => void): void {
  onUnauthorized = handler;
}

const session: Middleware = {
  onRequest({ request }) {
    request.headers.set(SESSION_MODE_HEADER, 'cookie');
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      const csrf = readCookie(document.cookie, CSRF_COOKIE);
      if (csrf) request.headers.set(CSRF_HEADER, csrf);
    }
    return request;
  },
  onResponse({ response, request }) {
    const path = new URL(request.url).pathname;
    if (response.status === 401 && path !== '/sign-in' && !path.startsWith('/invitations/accept')) onUnauthorized();
    return response;
  },
};

export const api = createClient<paths>({
  baseUrl: globalThis.location?.origin ?? 'http://localhost',
  credentials: 'same-origin',
  // Looked up at each call (not captured once), so tests can stand in for the network.
  fetch: (request) => globalThis.fetch(request),
});
api.use(session);

/** The data of an openapi-fetch answer, or an ApiError with the API's error code. */
export function unwrap<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (result.error !== undefined || !result.response.ok) {
    const body = result.error as { error?: { code?: string; message?: string }; message?: string } | undefined;
    throw new ApiError(result.response.status, body?.error?.code, body?.error?.message ?? body?.message ?? `HTTP ${result.response.status}`);
  }
  return result.data as T;
}
