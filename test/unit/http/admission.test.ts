// Admission takes its limiter as a parameter (shared/http/admission.ts): the
// workspace's own API limit wins over the deployment's default, and the
// limiter's refusal is the request's.
import { describe, expect, it } from 'vitest';
import { RateLimitedError } from '#domain/errors';
import { workspaceRateLimit, type ApiRequestLimiter } from '#http/admission';
import type { Identity } from '#http/identity';

function recordingLimiter(refuse = false) {
  const calls: { workspace: string; limitPerHour: number }[] = [];
  const limiter: ApiRequestLimiter = {
    async admitApiRequest(request) {
      calls.push(request);
      if (refuse) throw new RateLimitedError('rate_limited', 'Request limit reached.', 60);
    },
  };
  return { limiter, calls };
}

const identity = (api_rate_limit?: number): Identity => ({ workspace: 'ws-1', user: 'user-1', role: 'agent', ...(api_rate_limit ? { api_rate_limit } : {}) });

describe('workspaceRateLimit', () => {
  it("admits through the limiter with the workspace's own limit when it has one", async () => {
    const { limiter, calls } = recordingLimiter();
    await workspaceRateLimit(limiter, 3600).admit(identity(120));
    expect(calls).toEqual([{ workspace: 'ws-1', limitPerHour: 120 }]);
  });

  it("uses the deployment's default when the workspace sets none", async () => {
    const { limiter, calls } = recordingLimiter();
    await workspaceRateLimit(limiter, 3600).admit(identity());
    expect(calls).toEqual([{ workspace: 'ws-1', limitPerHour: 3600 }]);
  });

  it("refuses the request when the limiter does", async () => {
    const { limiter } = recordingLimiter(true);
    await expect(workspaceRateLimit(limiter, 3600).admit(identity())).rejects.toBeInstanceOf(RateLimitedError);
  });
});
