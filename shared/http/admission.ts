// What every HTTP function lets in: requests within their workspace's API rate
// limit (its own, when set, else the deployment's default). The limiter is
// given by the function's wiring (shared/wiring/adapters.ts), so this module
// loads no use case and no client.
import type { HttpHandlerOptions } from './handler';

/** The limiter's entry point: resolves when the request is let in, throws RateLimitedError (429 with Retry-After) when not. */
export interface ApiRequestLimiter {
  admitApiRequest(request: { workspace: string; limitPerHour: number }): Promise<void>;
}

export function workspaceRateLimit(limiter: ApiRequestLimiter, defaultLimitPerHour: number): HttpHandlerOptions {
  return {
    admit: (identity) => limiter.admitApiRequest({ workspace: identity.workspace, limitPerHour: identity.api_rate_limit ?? defaultLimitPerHour }),
  };
}
