// The flow engine service through the local stack, as its callers use it:
// flow runtimes by Lambda Invoke of the FlowEngine function, people through
// the HTTP API. The example flow of issue 4 (spec 13.1) asks a name, opens a
// ticket in the ticket service through TicketCommand, and takes Success or
// Failure.
import { randomUUID } from 'node:crypto';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../infra/local/stack';
import { supportFlow13 } from '../flows/fixtures/flows';
import { apiClient, directory, eventually, startTestStack, ticketCommand } from './support';

let stack: LocalStack;
let api: ReturnType<typeof apiClient>;
let invokeFlowEngine: (payload: unknown) => Promise<{ functionError: string | undefined; body: any }>;
let workspace: string;

const SUPPORT_FLOW = supportFlow13() as { uuid: string; name: string };
type Event = { type: string; msg?: { text: string }; ticket?: { uuid: string } };
const texts = (events: Event[]) => events.filter((event) => event.type === 'msg_created').map((event) => event.msg!.text);

beforeAll(async () => {
  stack = await startTestStack();
  api = apiClient(stack);
  workspace = stack.workspace!.uuid;
  const lambda = new LambdaClient({ endpoint: stack.lambdaEndpoint, region: stack.region, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  invokeFlowEngine = async (payload) => {
    const response = await lambda.send(
      new InvokeCommand({ FunctionName: stack.functions.FlowEngine!, InvocationType: 'RequestResponse', Payload: JSON.stringify(payload) }),
    );
    return { functionError: response.FunctionError, body: JSON.parse(Buffer.from(response.Payload!).toString()) };
  };
});

afterAll(async () => {
  await stack?.stop();
});

function newContact(name: string) {
  return { uuid: randomUUID(), name, urns: [`tel:+25078${Math.floor(1_000_000 + Math.random() * 8_999_999)}`], language: 'eng' };
}

describe('the support flow through the local stack', () => {
  beforeAll(async () => {
    const imported = await invokeFlowEngine({ command: 'import_flows', workspace, definitions: { version: '13', site: 'https://app.rapidpro.io', flows: [supportFlow13()], fields: [], groups: [] } });
    expect(imported.functionError).toBeUndefined();
    expect(imported.body.flows).toEqual([{ uuid: SUPPORT_FLOW.uuid, name: 'Ask For Help' }]);
  });

  it('runs to Success by Lambda Invoke: the ticket carries the evaluated note', async () => {
    const contact = newContact('Ryan Lewis');
    const started = await invokeFlowEngine({ command: 'start_flow', workspace, flow: { uuid: SUPPORT_FLOW.uuid }, contact });
    expect(started.functionError).toBeUndefined();
    expect(started.body.session).toMatchObject({ status: 'waiting' });
    expect(started.body.events.map((event: Event) => event.type)).toEqual(['run_started', 'msg_created', 'msg_wait']);
    expect(texts(started.body.events)).toEqual(['Hi! What is your name?']);

    const answered = await invokeFlowEngine({ command: 'receive_msg', workspace, contact: { uuid: contact.uuid }, text: 'Ryan' });
    expect(answered.body.session).toEqual({ uuid: started.body.session.uuid, status: 'completed' });
    expect(texts(answered.body.events)).toEqual(['An agent will be with you, Ryan.']);
    const ticket = (answered.body.events as Event[]).find((event) => event.type === 'ticket_opened')!.ticket!.uuid;

    // The ticket service has it, with the note the flow evaluated.
    const detail = await api('GET', `/tickets/${ticket}`);
    expect(detail.status).toBe(200);
    expect(detail.body.ticket).toMatchObject({ status: 'open', topic: { name: 'Support' }, contact: { uuid: contact.uuid, name: 'Ryan Lewis' }, opened_in: { uuid: SUPPORT_FLOW.uuid, name: 'Ask For Help' } });
    expect(detail.body.history.find((event: { type: string }) => event.type === 'ticket_note_added').note).toBe('Ryan needs help');

    // The conversation, newest first, in both message APIs.
    const v2 = await api('GET', `/api/v2/messages.json?contact=${contact.uuid}`);
    expect(v2.status).toBe(200);
    expect(v2.body.next).toBeNull();
    expect(v2.body.results.map((message: { direction: string; text: string }) => [message.direction, message.text])).toEqual([
      ['out', 'An agent will be with you, Ryan.'],
      ['in', 'Ryan'],
      ['out', 'Hi! What is your name?'],
    ]);
    // The workspace has no channel: delivery fails the message (it may still be queued when read).
    expect(v2.body.results[0]).toEqual({
      uuid: expect.any(String),
      contact: { uuid: contact.uuid, name: 'Ryan Lewis' },
      direction: 'out',
      type: 'text',
      status: expect.stringMatching(/^(queued|failed)$/),
      text: 'An agent will be with you, Ryan.',
      attachments: [],
      flow: { uuid: SUPPORT_FLOW.uuid, name: 'Ask For Help' },
      created_on: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/),
      modified_on: expect.any(String),
    });
    const delivered = await eventually(
      () => api('GET', `/api/v2/messages.json?contact=${contact.uuid}`),
      (response) => response.body.results.filter((message: { direction: string; status: string }) => message.direction === 'out' && message.status === 'failed').length === 2,
    );
    expect(delivered.body.results[0]).toMatchObject({ status: 'failed' });
    const own = await api('GET', `/contacts/${contact.uuid}/messages?limit=2`);
    expect(own.body.results.map((message: { text: string }) => message.text)).toEqual(['An agent will be with you, Ryan.', 'Ryan']);
    const rest = await api('GET', `/contacts/${contact.uuid}/messages?limit=2&cursor=${own.body.next_cursor}`);
    expect(rest.body).toMatchObject({ results: [{ text: 'Hi! What is your name?' }], next_cursor: null });
  });

  it('runs to Failure over HTTP for a contact who already has an open ticket', async () => {
    const contact = newContact('Olga Open');
    const opened = await ticketCommand(stack)({ command: 'open_ticket', workspace, idempotency_key: randomUUID(), contact, topic: null, assignee: null });
    expect(opened.body.ticket).not.toBeNull();

    const started = await api('POST', `/flows/${SUPPORT_FLOW.uuid}/start`, { contact });
    expect(started.status).toBe(200);
    expect(started.body.session.status).toBe('waiting');
    const answered = await api('POST', `/contacts/${contact.uuid}/messages`, { text: 'Olga' });
    expect(answered.status).toBe(200);
    expect(answered.body.session.status).toBe('completed');
    expect(answered.body.events.some((event: Event) => event.type === 'ticket_opened')).toBe(false);
    expect(texts(answered.body.events)).toEqual(['You already have a conversation open with us.']);

    const tickets = await api('GET', `/api/v2/tickets.json?contact=${contact.uuid}`);
    expect(tickets.body.results.map((ticket: { uuid: string }) => ticket.uuid)).toEqual([opened.body.ticket.uuid]);
  });

  it('answers a message nobody waits for with no session', async () => {
    const contact = newContact('Nobody Waits');
    const answered = await invokeFlowEngine({ command: 'receive_msg', workspace, contact: { uuid: contact.uuid }, text: 'anyone?' });
    expect(answered.body).toEqual({ session: null, events: [] });
  });

  it('lists the workspace\'s flows for editors, and keeps agents out of flow management', async () => {
    const listed = await api('GET', '/flows');
    expect(listed.status).toBe(200);
    expect(listed.body.results).toContainEqual(expect.objectContaining({ uuid: SUPPORT_FLOW.uuid, name: 'Ask For Help', spec_version: '13.1.0' }));
    const agent = await directory(stack).member(workspace, 'agent');
    const refused = await apiClient(stack, agent.token)('POST', '/flows', supportFlow13());
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('permission_denied');
  });
});

describe('broken definitions', () => {
  function brokenFlow() {
    const flow = supportFlow13() as { uuid: string; nodes: { actions?: Record<string, unknown>[] }[] };
    flow.uuid = randomUUID();
    delete flow.nodes[0]!.actions![0]!.text;
    return flow;
  }

  it('are refused by Lambda Invoke with a clear error', async () => {
    const refused = await invokeFlowEngine({ command: 'import_flows', workspace, definitions: brokenFlow() });
    expect(refused.functionError).toBeUndefined();
    expect(refused.body.error.code).toBe('invalid_definition');
    expect(refused.body.error.message).toMatch(/node\[0\]\.actions\[0\] \(send_msg\): field 'text' is required/);
  });

  it('are refused over HTTP with a 400 naming the field', async () => {
    const refused = await api('POST', '/flows', { version: '13', flows: [brokenFlow()] });
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatchObject({ code: 'invalid_definition', field: 'definitions.flows' });
    expect(refused.body.error.message).toContain("field 'text' is required");
  });

  it('and a malformed command is named by its field', async () => {
    const refused = await invokeFlowEngine({ command: 'start_flow', workspace, flow: { uuid: 'nope' }, contact: { uuid: randomUUID() } });
    expect(refused.body.error.code).toBe('invalid_request');
    expect(refused.body.error.message).toContain('flow.uuid');
  });
});
