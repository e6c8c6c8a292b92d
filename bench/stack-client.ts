// The benchmarked operations as a client sends them to the local stack: the
// flow runtime's Lambda Invoke of TicketCommand, and the HTTP API with the
// seeded demo token (or a section's own workspace and token). Any answer but
// success stops the benchmark: timing failures would measure the wrong thing.
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import type { LocalStack } from '../infra/local/stack';
import { LOCAL_CREDENTIALS } from '../infra/local/emulators';
import type { OpenTicketInput } from './floor';

export type StackClient = ReturnType<typeof createStackClient>;

/** An open_ticket command as a flow runtime sends it, less the workspace (floor.ts's OpenTicketInput is one). */
export type OpenTicketCommand = Pick<OpenTicketInput, 'idempotency_key' | 'contact'> & {
  topic?: { name: string } | null;
  note?: string;
  opened_in?: OpenTicketInput['opened_in'];
};

/** The client of the seeded demo workspace, or of `as`: a workspace and an API token of one of its members. */
export function createStackClient(stack: LocalStack, as?: { workspace: string; token: string }) {
  const functionName = stack.functions.TicketCommand;
  if (!functionName) throw new Error('The local stack serves no TicketCommand function.');
  const token = as?.token ?? stack.token;
  const workspace = as?.workspace ?? stack.workspace?.uuid;
  if (!stack.apiUrl || !token || !workspace) throw new Error('The local stack has no HTTP API or no seeded demo workspace.');
  const headers = { authorization: `Token ${token}`, 'content-type': 'application/json' };
  const lambda = new LambdaClient({ endpoint: stack.lambdaEndpoint, region: stack.region, credentials: LOCAL_CREDENTIALS });

  async function http(method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> {
    const response = await fetch(`${stack.apiUrl}${path}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${text.slice(0, 300)}`);
    return JSON.parse(text) as unknown;
  }

  const post = (path: string, body: unknown = {}) => http('POST', path, body);

  return {
    /** Lambda Invoke (RequestResponse), as a flow runtime opens a ticket; returns the ticket's uuid. */
    async openTicket(input: OpenTicketCommand): Promise<string> {
      const out = await lambda.send(
        new InvokeCommand({
          FunctionName: functionName,
          InvocationType: 'RequestResponse',
          Payload: Buffer.from(JSON.stringify({ command: 'open_ticket', workspace, assignee: null, ...input })),
        }),
      );
      const payload = out.Payload ? Buffer.from(out.Payload).toString('utf8') : '';
      if (out.FunctionError) throw new Error(`TicketCommand failed (${out.FunctionError}): ${payload.slice(0, 300)}`);
      const response = JSON.parse(payload) as { ticket: { uuid: string } | null; error?: { code: string } | null };
      if (!response.ticket) throw new Error(`TicketCommand opened no ticket: ${payload.slice(0, 300)}`);
      return response.ticket.uuid;
    },
    /** Any POST of the HTTP API; its answer's body. */
    post,
    assign: (ticket: string, assignee: string) => post(`/tickets/${ticket}/assign`, { assignee }),
    addNote: (ticket: string, note: string) => post(`/tickets/${ticket}/notes`, { note }),
    changeTopic: (ticket: string, topic: string) => post(`/tickets/${ticket}/topic`, { topic }),
    close: (ticket: string) => post(`/tickets/${ticket}/close`),
    reopen: (ticket: string) => post(`/tickets/${ticket}/reopen`),
    folderPage: (pageSize: number) => http('GET', `/tickets?folder=all&status=open&limit=${pageSize}`),
    ticketDetail: (ticket: string) => http('GET', `/tickets/${ticket}`),
    destroy: () => lambda.destroy(),
  };
}
