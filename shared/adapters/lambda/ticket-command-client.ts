// The open_ticket action's way to the ticket service: a RequestResponse
// Invoke of the TicketCommand function (docs/ticket-command.md). Refusals
// come back as data; a function error or an unreachable function throws, and
// the engine turns that into an `error` event and the Failure path.
import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import type { TicketCommandAnswer, TicketCommandGateway, TicketCommandRequest } from '#use-cases/flow-ports';

export function createTicketCommandClient(options: { client: LambdaClient; functionName: string }): TicketCommandGateway {
  return {
    async openTicket(request: TicketCommandRequest): Promise<TicketCommandAnswer> {
      const response = await options.client.send(
        new InvokeCommand({ FunctionName: options.functionName, InvocationType: 'RequestResponse', Payload: JSON.stringify(request) }),
      );
      const text = response.Payload ? Buffer.from(response.Payload).toString('utf8') : '';
      if (response.FunctionError) {
        const detail = safeParse(text) as { errorType?: string; errorMessage?: string } | null;
        throw new Error(`the ticket service failed (${detail?.errorType ?? response.FunctionError}: ${detail?.errorMessage ?? 'no detail'})`);
      }
      const answer = safeParse(text) as TicketCommandAnswer | null;
      if (!answer || typeof answer !== 'object' || !('ticket' in answer)) throw new Error('the ticket service gave an answer that is not a ticket command response');
      return answer;
    },
  };
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
