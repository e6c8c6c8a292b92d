// The closed-ticket consumer's way to the flow engine: a RequestResponse
// Invoke of the FlowEngine function's `start_flow` (docs/flow-engine-service.md).
// Refusals come back as data (`{"error"}`); a function error or an
// unreachable function throws, so the queue redelivers the close.
import type { LambdaClient } from '@aws-sdk/client-lambda';
import type { FlowStartAnswer, FlowStarter, FlowStartRequest } from '#use-cases/closed-ticket-triggers';
import { invokeJson } from './invoke-json';

export function createFlowEngineClient(options: { client: LambdaClient; functionName: string }): FlowStarter {
  return {
    async startFlow(request: FlowStartRequest): Promise<FlowStartAnswer> {
      const answer = (await invokeJson(options.client, options.functionName, request, 'the flow engine')) as object;
      if (!('error' in answer || 'session' in answer)) throw new Error('the flow engine gave an answer that is neither a sprint nor an error');
      return answer as FlowStartAnswer;
    },
  };
}
