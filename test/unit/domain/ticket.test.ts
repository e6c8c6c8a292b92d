import { describe, expect, it } from 'vitest';
import { ValidationError } from '#domain/errors';
import { addNote, assignTicket, changeTopic, closeTicket, openTicket, reopenTicket, MAX_NOTE_LENGTH, type Ticket } from '#domain/ticket';

const T0 = '2026-11-24T10:00:00.000000Z';
const T1 = '2026-11-24T11:00:00.000000Z';
const T2 = '2026-11-24T12:00:00.000000Z';
const flow = { user: null, now: T0 };
const ann = { user: 'ann', now: T1 };

function open(overrides: Partial<Parameters<typeof openTicket>[0]> = {}): Ticket {
  return openTicket({ workspace: 'w', contact: 'c', topic: 'general', assignee: null, ...overrides }, flow).ticket;
}

describe('opening', () => {
  it('sets the RapidPro dates and records the opening, plus a note when given', () => {
    const { ticket, events } = openTicket(
      { workspace: 'w', contact: 'c', topic: 'sales', assignee: 'bob', note: '  hello  ', opened_in: { uuid: 'f', name: 'Flow' } },
      flow,
    );
    expect(ticket).toMatchObject({
      status: 'open', opened_on: T0, modified_on: T0, last_activity_on: T0, closed_on: null, replied_on: null,
      opened_by: null, opened_in: { uuid: 'f', name: 'Flow' }, assignee: 'bob', version: 1,
    });
    expect(events.map((event) => [event.type, event.created_by])).toEqual([['ticket_opened', null], ['ticket_note_added', null]]);
    expect(events[0]).toMatchObject({ topic: 'sales', assignee: 'bob', ticket: ticket.uuid });
    expect(events[1]?.note).toBe('hello');
    expect(events[0]!.uuid < events[1]!.uuid).toBe(true);
  });

  it('records the user who opened by hand, and no note event for a blank note', () => {
    const { ticket, events } = openTicket({ workspace: 'w', contact: 'c', topic: 't', assignee: null, note: '   ' }, ann);
    expect(ticket.opened_by).toBe('ann');
    expect(events).toHaveLength(1);
  });

  it('refuses a note over 10,000 characters, naming the field', () => {
    expect(() => openTicket({ workspace: 'w', contact: 'c', topic: 't', assignee: null, note: 'x'.repeat(MAX_NOTE_LENGTH + 1) }, flow)).toThrow(ValidationError);
  });
});

describe('transitions', () => {
  it('assign changes only on a real change; a note comes as its own event', () => {
    const ticket = open();
    const assigned = assignTicket(ticket, 'ann', null, ann);
    expect(assigned.changed).toBe(true);
    expect(assigned.ticket).toMatchObject({ assignee: 'ann', modified_on: T1, last_activity_on: T1, version: 2 });
    expect(assigned.events).toEqual([expect.objectContaining({ type: 'ticket_assignee_changed', assignee: 'ann', previous_assignee: null, created_by: 'ann' })]);
    expect(assignTicket(assigned.ticket, 'ann', undefined, ann)).toEqual({ changed: false, ticket: assigned.ticket, events: [] });
    const withNote = assignTicket(assigned.ticket, null, 'back to the pool', { user: 'ann', now: T2 });
    expect(withNote.ticket.assignee).toBeNull();
    expect(withNote.events.map((event) => event.type)).toEqual(['ticket_assignee_changed', 'ticket_note_added']);
    expect(withNote.events[0]).toMatchObject({ assignee: null, previous_assignee: 'ann' });
  });

  it('add note needs text and moves last_activity_on but not modified_on (as mailroom does)', () => {
    const ticket = open();
    expect(() => addNote(ticket, ' ', ann)).toThrow(ValidationError);
    const noted = addNote(ticket, 'called', ann);
    expect(noted.ticket).toMatchObject({ last_activity_on: T1, modified_on: T0, status: 'open', version: 2 });
    expect(noted.events[0]).toMatchObject({ type: 'ticket_note_added', note: 'called' });
  });

  it('a note given with an assign that changes nothing else leaves modified_on; every other change moves both dates', () => {
    const ticket = open();
    const noteOnly = assignTicket(ticket, null, 'still unassigned', ann);
    expect(noteOnly.ticket).toMatchObject({ modified_on: T0, last_activity_on: T1 });
    const later = { user: 'ann', now: T2 };
    expect(assignTicket(ticket, 'ann', 'mine', later).ticket).toMatchObject({ modified_on: T2, last_activity_on: T2 });
    expect(changeTopic(ticket, 'sales', later).ticket).toMatchObject({ modified_on: T2, last_activity_on: T2 });
    const closed = closeTicket(ticket, later).ticket;
    expect(closed).toMatchObject({ modified_on: T2, last_activity_on: T2 });
    expect(reopenTicket(closed, { user: 'ann', now: '2026-11-24T13:00:00.000000Z' }).ticket).toMatchObject({
      modified_on: '2026-11-24T13:00:00.000000Z',
      last_activity_on: '2026-11-24T13:00:00.000000Z',
    });
  });

  it('change topic records both topics, and nothing when it is the same', () => {
    const ticket = open();
    expect(changeTopic(ticket, 'general', ann).changed).toBe(false);
    const moved = changeTopic(ticket, 'sales', ann);
    expect(moved.ticket.topic).toBe('sales');
    expect(moved.events[0]).toMatchObject({ type: 'ticket_topic_changed', topic: 'sales', previous_topic: 'general' });
  });

  it('close sets closed_on; reopen clears it; repeating either changes nothing', () => {
    const closed = closeTicket(open(), ann);
    expect(closed.ticket).toMatchObject({ status: 'closed', closed_on: T1, modified_on: T1 });
    expect(closed.events[0]?.type).toBe('ticket_closed');
    expect(closeTicket(closed.ticket, ann)).toMatchObject({ changed: false, events: [] });
    const reopened = reopenTicket(closed.ticket, { user: 'bob', now: T2 });
    expect(reopened.ticket).toMatchObject({ status: 'open', closed_on: null, last_activity_on: T2, version: 3 });
    expect(reopened.events[0]).toMatchObject({ type: 'ticket_reopened', created_by: 'bob' });
    expect(reopenTicket(reopened.ticket, ann).changed).toBe(false);
  });
});
