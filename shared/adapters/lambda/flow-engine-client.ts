// The closed-ticket consumer's way to the flow engine: a RequestResponse
// Invoke of the FlowEngine function's `start_flow` (docs/flow-engine-service.md).
// Refusals come back as data (`{"error"}`); a function error or an
// unreachable function throws, so the queue redelivers the close.
import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import type { FlowStartAnswer, FlowStarter, FlowStartRequest } from '#use-cases/closed-ticket-triggers';

export function createFlowEngineClient(options: { client: LambdaClient; functionName: string }): FlowStarter {
  return {
    async startFlow(request: FlowStartRequest): Promise<FlowStartAnswer> {
      const response = await options.client.send(
        new InvokeCommand({ FunctionName: options.functionName, InvocationType: 'RequestResponse', Payload: JSON.stringify(request) }),
      );
      const text = response.Payload ? Buffer.from(response.Payload).toString('utf8') : '';
      const answer = parseJson(text) as (FlowStartAnswer & { errorType?: string; errorMessage?: string }) | null;
      if (response.FunctionError)
        throw new Error(`the flow engine failed (${answer?.errorType ?? response.FunctionError}: ${answer?.errorMessage ?? 'no detail'})`);
      if (!answer || typeof answer !== 'object' || !('error' in answer || 'session' in answer))
        throw new Error('the flow engine gave an answer that is neither a sprint nor an error');
      return answer;
    },
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
