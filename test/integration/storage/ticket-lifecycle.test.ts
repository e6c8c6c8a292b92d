import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError, ValidationError } from '#domain/errors';
import { createTestTable, newContact, seedWorkspace, useCasesOver, type TestTable } from './support';
import type { UseCases } from '#use-cases/index';

let table: TestTable;
let useCases: UseCases;
let ws: Awaited<ReturnType<typeof seedWorkspace>>;

beforeAll(async () => {
  table = await createTestTable('lifecycle');
  useCases = useCasesOver(table);
  ws = await seedWorkspace(useCases);
});
afterAll(() => table.drop());

const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

describe('a ticket from open to reopen', () => {
  it('keeps the whole history with acting users, times and RapidPro dates', async () => {
    const contact = newContact();
    const opened = await useCases.openTicket({
      actor: ws.asFlow,
      contact,
      topic: { name: 'Billing' },
      assignee: null,
      note: '  Wants a refund  ',
      opened_in: { uuid: '8b2a6a6e-8a3c-4c3e-9c1d-0f8b1f0d0a11', name: 'Support flow' },
    });
    expect(opened.error).toBeNull();
    const ticket = opened.ticket!;
    expect(ticket).toMatchObject({ status: 'open', assignee: null, opened_by: null, closed_on: null, contact: { uuid: contact.uuid, name: 'Cathy' } });
    expect(ticket.topic.name).toBe('Billing');
    expect(ticket.opened_on).toMatch(TIMESTAMP);
    expect(ticket.opened_in).toEqual({ uuid: '8b2a6a6e-8a3c-4c3e-9c1d-0f8b1f0d0a11', name: 'Support flow' });
    expect(opened.events.map((event) => event.type)).toEqual(['ticket_opened', 'ticket_note_added']);
    expect(opened.events[1]?.note).toBe('Wants a refund');

    const take = await useCases.assignTicket({ actor: ws.asAnn, ticket: ticket.uuid, assignee: ws.ann.uuid });
    expect(take.changed).toBe(true);
    expect(take.ticket.assignee).toEqual(ws.ann);
    expect(take.ticket.last_activity_on >= ticket.last_activity_on).toBe(true);

    const again = await useCases.assignTicket({ actor: ws.asAnn, ticket: ticket.uuid, assignee: ws.ann.uuid });
    expect(again).toMatchObject({ changed: false, events: [] });

    await useCases.addNote({ actor: ws.asAnn, ticket: ticket.uuid, note: 'Called back' });
    const topics = await useCases.listTopics({ actor: ws.asAnn });
    const general = topics.find((topic) => topic.system)!;
    const moved = await useCases.changeTopic({ actor: ws.asAnn, ticket: ticket.uuid, topic: general.uuid });
    expect(moved.ticket.topic).toEqual({ uuid: general.uuid, name: 'General' });
    expect(moved.events[0]).toMatchObject({ type: 'ticket_topic_changed', topic: { name: 'General' }, previous_topic: { name: 'Billing' } });

    const handOver = await useCases.assignTicket({ actor: ws.asAnn, ticket: ticket.uuid, assignee: ws.bob.uuid, note: 'Over to you' });
    expect(handOver.events.map((event) => event.type)).toEqual(['ticket_assignee_changed', 'ticket_note_added']);
    expect(handOver.events[0]).toMatchObject({ assignee: ws.bob, previous_assignee: ws.ann, created_by: ws.ann });

    const closed = await useCases.closeTicket({ actor: ws.asBob, ticket: ticket.uuid });
    expect(closed.ticket.status).toBe('closed');
    expect(closed.ticket.closed_on).toMatch(TIMESTAMP);
    expect((await useCases.getContact({ actor: ws.asBob, contact: contact.uuid })).open_ticket).toBeNull();
    expect(await useCases.closeTicket({ actor: ws.asBob, ticket: ticket.uuid })).toMatchObject({ changed: false, events: [] });

    const reopened = await useCases.reopenTicket({ actor: ws.asBob, ticket: ticket.uuid });
    expect(reopened.ticket).toMatchObject({ status: 'open', closed_on: null });
    expect(reopened.ticket.modified_on >= closed.ticket.modified_on).toBe(true);
    expect(await useCases.reopenTicket({ actor: ws.asBob, ticket: ticket.uuid })).toMatchObject({ changed: false });

    const detail = await useCases.getTicket({ actor: ws.asAnn, ticket: ticket.uuid });
    expect(detail.history.map((event) => event.type)).toEqual([
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
    expect(detail.history[0]).toMatchObject({ created_by: null, topic: { name: 'Billing' } });
    expect(detail.history[2]?.created_by).toEqual(ws.ann);
    expect(detail.history.at(-1)?.created_by).toEqual(ws.bob);
    expect(detail.contact).toMatchObject({ uuid: contact.uuid, open_ticket: ticket.uuid, fields: { age: '32' }, language: 'eng' });
    expect(detail.ticket).toEqual(reopened.ticket);
  });

  it('opens by hand with an assignee and records who opened it', async () => {
    const opened = await useCases.openTicket({ actor: ws.asAnn, contact: newContact('Dan'), topic: null, assignee: { email: ws.bob.email.toUpperCase() } });
    expect(opened.ticket).toMatchObject({ opened_by: ws.ann, assignee: ws.bob, topic: { name: 'General' } });
    expect(opened.events).toHaveLength(1);
    expect(opened.events[0]).toMatchObject({ type: 'ticket_opened', assignee: ws.bob, created_by: ws.ann });
  });

  it('for a flow runtime opens unassigned and says so when the assignee is unknown; otherwise refuses it', async () => {
    const opened = await useCases.openTicket({ actor: ws.asFlow, contact: newContact(), topic: null, assignee: { email: 'nobody@example.com' }, unknownAssignee: 'open_unassigned' });
    expect(opened.ticket?.assignee).toBeNull();
    expect(opened.error?.code).toBe('unknown_assignee');
    const strict = useCases.openTicket({ actor: ws.asAnn, contact: newContact(), topic: null, assignee: { email: 'nobody@example.com' } });
    await expect(strict).rejects.toMatchObject({ field: 'assignee', code: 'unknown_assignee' });
  });

  it('refuses a second open ticket for a contact, and a reopen while another is open', async () => {
    const contact = newContact();
    const first = await useCases.openTicket({ actor: ws.asFlow, contact, topic: null, assignee: null });
    const second = await useCases.openTicket({ actor: ws.asFlow, contact: { uuid: contact.uuid, name: 'Cathy B.' }, topic: null, assignee: null });
    expect(second).toMatchObject({ ticket: null, events: [], error: { code: 'contact_has_open_ticket' } });
    // The refused open still updated the contact.
    expect((await useCases.getContact({ actor: ws.asAnn, contact: contact.uuid })).name).toBe('Cathy B.');

    await useCases.closeTicket({ actor: ws.asAnn, ticket: first.ticket!.uuid });
    const third = await useCases.openTicket({ actor: ws.asFlow, contact, topic: null, assignee: null });
    expect(third.ticket?.status).toBe('open');
    await expect(useCases.reopenTicket({ actor: ws.asAnn, ticket: first.ticket!.uuid })).rejects.toMatchObject({
      constructor: ConflictError,
      code: 'contact_has_open_ticket',
    });
    expect((await useCases.getTicket({ actor: ws.asAnn, ticket: first.ticket!.uuid })).ticket.status).toBe('closed');
  });

  it('rejects bad input naming the field', async () => {
    const opened = await useCases.openTicket({ actor: ws.asFlow, contact: newContact(), topic: null, assignee: null });
    const ticket = opened.ticket!.uuid;
    await expect(useCases.addNote({ actor: ws.asAnn, ticket, note: '   ' })).rejects.toMatchObject({ constructor: ValidationError, field: 'note' });
    await expect(useCases.addNote({ actor: ws.asAnn, ticket, note: 'x'.repeat(10_001) })).rejects.toMatchObject({ field: 'note' });
    expect((await useCases.addNote({ actor: ws.asAnn, ticket, note: 'x'.repeat(10_000) })).changed).toBe(true);
    await expect(useCases.openTicket({ actor: ws.asFlow, contact: newContact(), topic: null, assignee: null, note: 'x'.repeat(10_001) })).rejects.toMatchObject({ field: 'note' });
    await expect(useCases.openTicket({ actor: ws.asFlow, contact: newContact(), topic: { name: 'x'.repeat(65) }, assignee: null })).rejects.toMatchObject({ field: 'topic.name' });
    await expect(useCases.assignTicket({ actor: ws.asAnn, ticket, assignee: '0190f0a0-0000-7000-8000-000000000000' })).rejects.toMatchObject({
      field: 'assignee',
      code: 'unknown_assignee',
    });
    await expect(useCases.changeTopic({ actor: ws.asAnn, ticket, topic: '0190f0a0-0000-7000-8000-000000000000' })).rejects.toMatchObject({
      constructor: NotFoundError,
      code: 'topic_not_found',
    });
  });

  it('hides unknown tickets and other workspaces’ tickets', async () => {
    const other = await seedWorkspace(useCases, 'Elsewhere');
    const mine = await useCases.openTicket({ actor: ws.asFlow, contact: newContact(), topic: null, assignee: null });
    // One at a time: a rejection nobody awaits yet would be reported as unhandled.
    for (const attempt of [
      () => useCases.getTicket({ actor: other.asAnn, ticket: mine.ticket!.uuid }),
      () => useCases.closeTicket({ actor: other.asAnn, ticket: mine.ticket!.uuid }),
      () => useCases.addNote({ actor: ws.asAnn, ticket: '0190f0a0-0000-7000-8000-000000000000', note: 'hi' }),
    ])
      await expect(attempt()).rejects.toMatchObject({ constructor: NotFoundError, code: 'ticket_not_found' });
    const list = await useCases.listTickets({ actor: other.asAnn, uuid: mine.ticket!.uuid });
    expect(list.results).toEqual([]);
  });
});
