// The HTTP API's stage throttles every route (a coarse guard in front of the
// per-workspace limit, infra/stacks/stateless-stack.ts), and the live
// WebSocket stage keeps its own settings.
import { beforeAll, describe, expect, it } from 'vitest';
import { HTTP_API_ROUTE_THROTTLE } from '../../infra/stacks/stateless-stack';
import { synthTicketer } from './synth';

let synth: ReturnType<typeof synthTicketer>;
beforeAll(() => {
  synth = synthTicketer();
});

describe('HTTP API throttling', () => {
  it('throttles each route of the HTTP API default stage at 1,000 requests/s, bursts of 500', () => {
    const stages = Object.values(synth.stateless.findResources('AWS::ApiGatewayV2::Stage')) as { Properties: Record<string, any> }[];
    const httpStage = stages.filter((stage) => stage.Properties.StageName === '$default');
    expect(httpStage).toHaveLength(1);
    expect(httpStage[0]!.Properties.DefaultRouteSettings).toEqual({ ThrottlingRateLimit: 1000, ThrottlingBurstLimit: 500 });
    expect(HTTP_API_ROUTE_THROTTLE).toEqual({ rateLimitPerSecond: 1000, burstLimit: 500 });
    // The access logs (infra/constructs/operations.ts) are set on the same stage.
    expect(httpStage[0]!.Properties.AccessLogSettings).toBeDefined();
  });
});
