// Links into the agent inbox. The inbox and the API share one origin (the
// CloudFront distribution, or the local stack's app server); requests that
// come through it carry the host the browser used in `X-Forwarded-Host` (set
// by the distribution's function on the API behaviours, see
// infra/constructs/web-app.ts), because API Gateway only sees its own host.
import type { HttpEvent } from './handler';

/** The inbox's page that accepts an invitation (`?secret=`). */
export const APP_ACCEPT_PATH = '/accept';

/** `path` in the inbox the request came through, or null for a request made to the API directly. */
export function appUrl(event: HttpEvent, path: string): URL | null {
  const host = event.headers['x-forwarded-host'];
  if (!host || !/^[A-Za-z0-9.-]+(:\d+)?$/.test(host)) return null;
  const proto = event.headers['x-forwarded-proto'] === 'http' ? 'http' : 'https';
  return new URL(`${proto}://${host}${path}`);
}
