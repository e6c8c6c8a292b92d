// Absolute URLs of this API as the client reached it (invitation links, the
// next-page links of RapidPro lists).
import type { HttpEvent } from './handler';

/**
 * The API's base URL as the client reached it (no trailing slash): the stage
 * prefix is kept when the request came through it (`/<stage>/…` on the
 * execute-api endpoint), left out behind a custom domain or on `$default`.
 */
export function apiBaseUrl(event: HttpEvent): string {
  const headers = event.headers;
  const proto = headers['x-forwarded-proto'] ?? 'https';
  const host = headers['host'] ?? event.requestContext.domainName;
  const stage = event.requestContext.stage;
  const stagePrefix = stage && stage !== '$default' && event.rawPath.startsWith(`/${stage}/`) ? `/${stage}` : '';
  return `${proto}://${host}${stagePrefix}`;
}

/**
 * The absolute URL of `path` on this API as the client reached it (see apiBaseUrl). `path` is a
 * route's path; a request's own `rawPath` (which carries the stage when it came through one) works too.
 */
export function publicUrl(event: HttpEvent, path: string): URL {
  const stage = event.requestContext.stage;
  const routePath = stage && stage !== '$default' && path.startsWith(`/${stage}/`) ? path.slice(stage.length + 1) : path;
  return new URL(`${apiBaseUrl(event)}${routePath}`);
}
