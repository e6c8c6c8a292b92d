// Through the running stack: every client mistake gets a clear 4xx naming what
// is wrong (never a 500), and one workspace never sees another's data.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../infra/local/stack';
import { apiClient, directory, startTestStack, ticketCommand } from './support';

let stack: LocalStack;
let api: ReturnType<typeof apiClient>;
let invoke: ReturnType<typeof ticketCommand>;
let ticket: string;

beforeAll(async () => {
  stack = await startTestStack();
  api = apiClient(stack);
  invoke = ticketCommand(stack);
  const opened = await invoke({
    command: 'open_ticket',
    workspace: stack.workspace!.uuid,
    idempotency_key: randomUUID(),
    contact: { uuid: randomUUID(), name: 'Dee', fields: { plan: 'gold' } },
    topic: { name: 'Isolation' },
    assignee: null,
  });
  ticket = opened.body.ticket.uuid;
});

afterAll(async () => {
  await stack?.stop();
});

describe('bad input over HTTP', () => {
  it('answers 401 without a valid token', async () => {
    expect((await apiClient(stack, null)('GET', '/folders')).status).toBe(401);
    expect((await apiClient(stack, 'wrong')('GET', `/tickets/${ticket}`)).status).toBe(401);
  });

  it.each([
    ['malformed JSON', 'POST', () => `/tickets/${ticket}/notes`, undefined, '{"note": '],
    ['a wrong type', 'POST', () => `/tickets/${ticket}/notes`, { note: 42 }, undefined],
    ['a note too long', 'POST', () => `/tickets/${ticket}/notes`, { note: 'x'.repeat(10_001) }, undefined],
    ['a folder that does not exist', 'GET', () => '/tickets?folder=spam&status=open', undefined, undefined],
    ['a page size over 250', 'GET', () => '/tickets?folder=all&status=open&limit=251', undefined, undefined],
  ])('answers 400 naming the field for %s', async (_case, method, path, body, raw) => {
    const response = await api(method, path(), body, raw);
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBeTruthy();
    expect(response.body.error.message).toBeTruthy();
    if (raw === undefined) expect(response.body.error.field).toBeTruthy();
  });

  it('answers the v2 API in its own error shape: unknown action, missing assignee key, over 100 tickets', async () => {
    const unknownAction = await api('POST', '/api/v2/ticket_actions.json', { tickets: [ticket], action: 'delete' });
    expect(unknownAction.status).toBe(400);
    expect(unknownAction.body).toHaveProperty('action');

    const noAssignee = await api('POST', '/api/v2/ticket_actions.json', { tickets: [ticket], action: 'assign' });
    expect(noAssignee.status).toBe(400);
    expect(noAssignee.body).toHaveProperty('assignee');

    const tooMany = await api('POST', '/api/v2/ticket_actions.json', {
      tickets: Array.from({ length: 101 }, () => randomUUID()),
      action: 'close',
    });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body).toHaveProperty('tickets');
  });

  it('answers 404 for unknown ids and 409 for a refused state change', async () => {
    expect((await api('GET', `/tickets/${randomUUID()}`)).status).toBe(404);
    expect((await api('POST', `/tickets/${randomUUID()}/close`)).status).toBe(404);
    expect((await api('POST', `/tickets/${ticket}/topic`, { topic: randomUUID() })).status).toBe(404);

    // Close this ticket, open another for the same contact: reopening the first is a conflict.
    const detail = await api('GET', `/tickets/${ticket}`);
    const contact = detail.body.contact.uuid;
    expect((await api('POST', `/tickets/${ticket}/close`)).status).toBe(200);
    const other = await invoke({ command: 'open_ticket', workspace: stack.workspace!.uuid, idempotency_key: randomUUID(), contact: { uuid: contact }, topic: null, assignee: null });
    expect(other.body.ticket.status).toBe('open');
    const conflict = await api('POST', `/tickets/${ticket}/reopen`);
    expect(conflict.status).toBe(409);
    expect(conflict.body.error.code).toBe('contact_has_open_ticket');
    expect((await api('GET', `/tickets/${ticket}`)).body.ticket.status).toBe('closed');
  });

  it('answers a flow runtime with invalid_request, not a function error', async () => {
    const result = await invoke({ command: 'open_ticket', workspace: stack.workspace!.uuid, contact: { uuid: 'not-a-uuid' } });
    expect(result.functionError).toBeUndefined();
    expect(result.body).toMatchObject({ ticket: null, error: { code: 'invalid_request' } });
    expect(result.body.error.message).toMatch(/idempotency_key|contact/);
  });
});

describe('tenant isolation', () => {
  it("gives another workspace's token 404 for every id of this one, and nothing in its lists or counts", async () => {
    const { administrator } = await directory(stack).workspace('Other tenant');
    const other = apiClient(stack, administrator.token);
    const detail = await api('GET', `/tickets/${ticket}`);
    const contact = detail.body.contact.uuid as string;
    const topic = detail.body.ticket.topic.uuid as string;

    expect((await other('GET', `/tickets/${ticket}`)).status).toBe(404);
    expect((await other('POST', `/tickets/${ticket}/notes`, { note: 'sneaky' })).status).toBe(404);
    expect((await other('POST', `/tickets/${ticket}/close`)).status).toBe(404);
    expect((await other('GET', `/contacts/${contact}`)).status).toBe(404);
    expect((await other('PATCH', `/topics/${topic}`, { name: 'Renamed' })).status).toBe(404);
    expect((await other('GET', `/tickets?folder=topic&topic=${topic}&status=open`)).body.results ?? []).toEqual([]);

    const otherTickets = await other('GET', '/tickets?folder=all&status=closed');
    expect(otherTickets.body.results).toEqual([]);
    const v2 = await other('GET', `/api/v2/tickets.json?uuid=${ticket}`);
    expect(v2.body.results).toEqual([]);
    const actions = await other('POST', '/api/v2/ticket_actions.json', { tickets: [ticket], action: 'close' });
    expect(actions.status).toBe(400);
    const counts = await other('GET', '/folders');
    expect(counts.body).toMatchObject({ all: 0, unassigned: 0, mine: 0 });
    expect(counts.body.topics.map((t: { name: string }) => t.name)).toEqual(['General']);

    // And the note never reached the ticket.
    const history = (await api('GET', `/tickets/${ticket}`)).body.history;
    expect(history.some((event: { note?: string }) => event.note === 'sneaky')).toBe(false);
  });
});
