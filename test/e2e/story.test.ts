// The whole story of issue 2, as its users live it: a flow runtime opens a
// ticket by Lambda Invoke; through the HTTP API an administrator sees it in
// Unassigned, takes it, adds a note, changes its topic, reassigns it with a
// note, closes it, finds it among the closed tickets and reopens it — and the
// history, the folders, the counts and the v2 API all tell the same story.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../infra/local/stack';
import { apiClient, directory, eventually, startTestStack, ticketCommand } from './support';

let stack: LocalStack;
let api: ReturnType<typeof apiClient>;
let invoke: ReturnType<typeof ticketCommand>;

beforeAll(async () => {
  stack = await startTestStack();
  api = apiClient(stack);
  invoke = ticketCommand(stack);
});

afterAll(async () => {
  await stack?.stop();
});

const folderUuids = async (query: string) => {
  const page = await api('GET', `/tickets?${query}`);
  expect(page.status).toBe(200);
  return (page.body.results as { uuid: string }[]).map((ticket) => ticket.uuid);
};

describe('a ticket from a flow to an agent and back', () => {
  it('lives through open, take, note, topic, reassign, close and reopen with its full history', async () => {
    const workspace = stack.workspace!.uuid;
    const me = stack.administrator!;
    const agent = await directory(stack).member(workspace, 'agent', 'Bea Agent');
    const contact = { uuid: randomUUID(), name: 'Ann Contact', urns: ['tel:+250788123123'], language: 'eng', fields: { age: '32', city: 'Kigali' } };
    const topicName = `Support ${randomUUID().slice(0, 6)}`;

    // A flow runtime opens the ticket; the topic is created on the fly by name.
    const opened = await invoke({
      command: 'open_ticket',
      workspace,
      idempotency_key: `session-1/run-1/action-${randomUUID()}`,
      contact,
      topic: { name: topicName },
      assignee: null,
      note: 'Ann Contact needs help',
      opened_in: { uuid: randomUUID(), name: 'Registration' },
    });
    expect(opened.functionError).toBeUndefined();
    expect(opened.body.ticket).toMatchObject({ status: 'open', topic: { name: topicName }, assignee: null, contact: { uuid: contact.uuid, name: 'Ann Contact' } });
    expect(opened.body.events.map((event: { type: string }) => event.type)).toEqual(['ticket_opened', 'ticket_note_added']);
    const ticket: string = opened.body.ticket.uuid;
    const support: string = opened.body.ticket.topic.uuid;

    // Unassigned, not Mine.
    expect(await folderUuids('folder=unassigned&status=open')).toContain(ticket);
    expect(await folderUuids('folder=mine&status=open')).not.toContain(ticket);
    expect(await folderUuids(`folder=topic&topic=${support}&status=open`)).toEqual([ticket]);

    // Take it.
    const taken = await api('POST', `/tickets/${ticket}/assign`, { assignee: me.uuid });
    expect(taken.status).toBe(200);
    expect(taken.body).toMatchObject({ changed: true, ticket: { assignee: { uuid: me.uuid, email: me.email } } });
    expect(await folderUuids('folder=mine&status=open')).toContain(ticket);
    expect(await folderUuids('folder=unassigned&status=open')).not.toContain(ticket);

    // Taking it again changes nothing, and says so.
    const again = await api('POST', `/tickets/${ticket}/assign`, { assignee: me.uuid });
    expect(again.status).toBe(200);
    expect(again.body.changed).toBe(false);

    expect((await api('POST', `/tickets/${ticket}/notes`, { note: 'Called her back, waiting for the invoice' })).status).toBe(200);

    const billing = await api('POST', '/topics', { name: `Billing ${randomUUID().slice(0, 6)}` });
    expect(billing.status).toBe(201);
    const moved = await api('POST', `/tickets/${ticket}/topic`, { topic: billing.body.uuid });
    expect(moved.status).toBe(200);
    expect(moved.body.ticket.topic).toEqual({ uuid: billing.body.uuid, name: billing.body.name });
    expect(await folderUuids(`folder=topic&topic=${support}&status=open`)).toEqual([]);

    const reassigned = await api('POST', `/tickets/${ticket}/assign`, { assignee: agent.uuid, note: 'Bea knows the billing system' });
    expect(reassigned.status).toBe(200);
    expect(reassigned.body.ticket.assignee.uuid).toBe(agent.uuid);
    expect(await folderUuids('folder=mine&status=open')).not.toContain(ticket);

    const closed = await api('POST', `/tickets/${ticket}/close`);
    expect(closed.status).toBe(200);
    expect(closed.body.ticket).toMatchObject({ status: 'closed' });
    expect(closed.body.ticket.closed_on).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    expect(await folderUuids('folder=all&status=closed')).toContain(ticket);
    expect(await folderUuids('folder=all&status=open')).not.toContain(ticket);

    // Closing twice is no error, just no change.
    const closedAgain = await api('POST', `/tickets/${ticket}/close`);
    expect(closedAgain.status).toBe(200);
    expect(closedAgain.body.changed).toBe(false);

    const reopened = await api('POST', `/tickets/${ticket}/reopen`);
    expect(reopened.status).toBe(200);
    expect(reopened.body.ticket).toMatchObject({ status: 'open', closed_on: null });
    expect(await folderUuids('folder=all&status=open')).toContain(ticket);

    // The detail view: the ticket, its history oldest first with who did what, the contact's fields.
    const detail = await api('GET', `/tickets/${ticket}`);
    expect(detail.status).toBe(200);
    const history = detail.body.history as { type: string; created_by: { uuid: string } | null; note?: string }[];
    expect(history.map((event) => event.type)).toEqual([
      'ticket_opened',
      'ticket_note_added',
      'ticket_assignee_changed',
      'ticket_note_added',
      'ticket_topic_changed',
      'ticket_assignee_changed',
      'ticket_note_added',
      'ticket_closed',
      'ticket_reopened',
    ]);
    expect(history[0]!.created_by).toBeNull(); // opened by the flow
    expect(history.slice(2).every((event) => event.created_by?.uuid === me.uuid)).toBe(true);
    expect(history.filter((event) => event.note).map((event) => event.note)).toEqual([
      'Ann Contact needs help',
      'Called her back, waiting for the invoice',
      'Bea knows the billing system',
    ]);
    expect(detail.body.contact).toMatchObject({ uuid: contact.uuid, name: 'Ann Contact', fields: { age: '32', city: 'Kigali' }, open_ticket: ticket });
    expect(detail.body.ticket.opened_in).toMatchObject({ name: 'Registration' });

    // The RapidPro v2 view of the same ticket.
    const v2 = await api('GET', `/api/v2/tickets.json?uuid=${ticket}`);
    expect(v2.status).toBe(200);
    expect(v2.body.results).toEqual([
      expect.objectContaining({
        uuid: ticket,
        status: 'open',
        body: null,
        contact: { uuid: contact.uuid, name: 'Ann Contact' },
        topic: { uuid: billing.body.uuid, name: billing.body.name },
        assignee: { email: agent.email, name: 'Bea Agent' },
        closed_on: null,
      }),
    ]);

    // The counts, fed by the stream → pipe → queue → consumer, catch up.
    const counts = await eventually(
      async () => (await api('GET', '/folders')).body,
      (body) => body.topics?.find((topic: { uuid: string }) => topic.uuid === billing.body.uuid)?.open === 1,
    );
    expect(counts.topics.find((topic: { uuid: string }) => topic.uuid === billing.body.uuid).open).toBe(1);
    expect(counts.topics.find((topic: { uuid: string }) => topic.uuid === support)?.open ?? 0).toBe(0);
  });

  it('answers the flow runtime with Failure when the contact already has an open ticket, and the same answer on retry', async () => {
    const workspace = stack.workspace!.uuid;
    const contact = { uuid: randomUUID(), name: 'Cy' };
    const first = await invoke({ command: 'open_ticket', workspace, idempotency_key: randomUUID(), contact, topic: null, assignee: null });
    expect(first.body.ticket).toMatchObject({ status: 'open', topic: { name: 'General' } });

    const key = randomUUID();
    const refused = await invoke({ command: 'open_ticket', workspace, idempotency_key: key, contact, topic: null, assignee: null });
    expect(refused.functionError).toBeUndefined();
    expect(refused.body).toMatchObject({ ticket: null, error: { code: 'contact_has_open_ticket' } });

    // Even after the first ticket closes, a retry of the refused invoke answers as before.
    expect((await api('POST', `/tickets/${first.body.ticket.uuid}/close`)).status).toBe(200);
    const retried = await invoke({ command: 'open_ticket', workspace, idempotency_key: key, contact, topic: null, assignee: null });
    expect(retried.body).toEqual(refused.body);
  });

  it('opens the ticket unassigned and reports an unknown assignee beside it', async () => {
    const result = await invoke({
      command: 'open_ticket',
      workspace: stack.workspace!.uuid,
      idempotency_key: randomUUID(),
      contact: { uuid: randomUUID() },
      topic: null,
      assignee: { email: 'nobody@example.com' },
    });
    expect(result.body.ticket).toMatchObject({ status: 'open', assignee: null });
    expect(result.body.error).toMatchObject({ code: 'unknown_assignee' });
  });
});
