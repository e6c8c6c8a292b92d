// One outbound HTTP call to a gateway, with a deadline, classified the way
// delivery retries: 2xx sent; timeouts, network errors, 429 and 5xx retried;
// other answers (redirects included) failed.
import type { SendOutcome } from '#use-cases/channel-ports';

export const GATEWAY_TIMEOUT_MS = 10_000;

export interface GatewayRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
}

export type GatewayAnswer = { ok: true; status: number; body: string } | { ok: false; outcome: SendOutcome & { kind: 'retry' | 'fail' }; status: number | null; body: string };

export async function callGateway(request: GatewayRequest, timeoutMs = GATEWAY_TIMEOUT_MS): Promise<GatewayAnswer> {
  let response: Response;
  let body: string;
  try {
    response = await fetch(request.url, {
      method: request.method,
      headers: request.headers,
      ...(request.body !== undefined ? { body: request.body } : {}),
      signal: AbortSignal.timeout(timeoutMs),
      // A redirect is an answer, not a new destination: following it could lead the channel's
      // headers (its Authorization among them) anywhere. It fails the send like any other 3xx.
      redirect: 'manual',
    });
    body = await response.text();
  } catch (error) {
    const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
    return { ok: false, status: null, body: '', outcome: { kind: 'retry', reason: timedOut ? 'gateway_timeout' : 'gateway_unreachable' } };
  }
  if (response.status >= 200 && response.status < 300) return { ok: true, status: response.status, body };
  if (response.status === 429 || response.status >= 500)
    return { ok: false, status: response.status, body, outcome: { kind: 'retry', reason: `gateway_status_${response.status}` } };
  return { ok: false, status: response.status, body, outcome: { kind: 'fail', reason: `gateway_status_${response.status}` } };
}
