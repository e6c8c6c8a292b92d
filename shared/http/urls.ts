// Absolute URLs of this API as the client reached it (invitation links, the
// next-page links of RapidPro lists).
import type { HttpEvent } from './handler';

/**
 * The absolute URL of `path` on this API as the client reached it: scheme and
 * host as the client used them, and the stage prefix when the API is not on
 * `$default`.
 */
export function publicUrl(event: HttpEvent, path: string): URL {
  const headers = event.headers;
  const proto = headers['x-forwarded-proto'] ?? 'https';
  const host = headers['host'] ?? event.requestContext.domainName;
  const stage = event.requestContext.stage;
  const stagePrefix = stage && stage !== '$default' && !event.rawPath.startsWith(`/${stage}/`) ? `/${stage}` : '';
  return new URL(`${proto}://${host}${stagePrefix}${path}`);
}

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
