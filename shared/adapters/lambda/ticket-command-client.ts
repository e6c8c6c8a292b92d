// The open_ticket action's way to the ticket service: a RequestResponse
// Invoke of the TicketCommand function (docs/ticket-command.md). Refusals
// come back as data; a function error or an unreachable function throws, and
// the engine turns that into an `error` event and the Failure path.
import type { LambdaClient } from '@aws-sdk/client-lambda';
import type { TicketCommandAnswer, TicketCommandGateway, TicketCommandRequest } from '#use-cases/flow-ports';
import { invokeJson } from './invoke-json';

export function createTicketCommandClient(options: { client: LambdaClient; functionName: string }): TicketCommandGateway {
  return {
    async openTicket(request: TicketCommandRequest): Promise<TicketCommandAnswer> {
      const answer = await invokeJson(options.client, options.functionName, request, 'the ticket service');
      if (!('ticket' in (answer as object))) throw new Error('the ticket service gave an answer that is not a ticket command response');
      return answer as TicketCommandAnswer;
    },
  };
}
