// The ticket aggregate: its state and the transitions agents and flows apply,
// each producing the history events RapidPro records. Pure: callers supply the
// acting user and the time, and store the result.
import { ConflictError, ValidationError } from './errors';
import { newId } from './ids';

export type TicketStatus = 'open' | 'closed';

/** The conversation's latest message as the ticket list shows it: its text cut to 160 characters. */
export interface LastMessage {
  text: string;
  direction: 'in' | 'out';
  created_on: string;
}

export const LAST_MESSAGE_TEXT_LENGTH = 160;

export function lastMessage(text: string, direction: LastMessage['direction'], created_on: string): LastMessage {
  return { text: [...text].slice(0, LAST_MESSAGE_TEXT_LENGTH).join(''), direction, created_on };
}

export interface Ticket {
  workspace: string;
  uuid: string;
  status: TicketStatus;
  contact: string;
  topic: string;
  assignee: string | null;
  opened_on: string;
  /** The user who opened it by hand or API; null when a flow opened it. */
  opened_by: string | null;
  /** The flow that opened it. */
  opened_in: { uuid: string; name: string } | null;
  /**
   * Every change of the ticket's own state (assignee, topic, status); the
   * RapidPro API orders and pages by it. A note alone leaves it, as mailroom does.
   */
  modified_on: string;
  /** What agents sort folders by: opening, assignment, notes, topic changes, closing, reopening (and messages). */
  last_activity_on: string;
  /** Cleared on reopen. */
  closed_on: string | null;
  /** The first agent reply (for first-response time); replies arrive in a later issue. */
  replied_on: string | null;
  /** The latest message of the conversation that joined the ticket (contact's or agent's); null until one has. */
  last_message: LastMessage | null;
  /** Optimistic-concurrency counter: every stored change increments it. */
  version: number;
}

export type TicketEventType =
  | 'ticket_opened'
  | 'ticket_assignee_changed'
  | 'ticket_note_added'
  | 'ticket_topic_changed'
  | 'ticket_closed'
  | 'ticket_reopened';

export interface TicketEvent {
  workspace: string;
  ticket: string;
  /** UUID v7: history is ordered by it. */
  uuid: string;
  type: TicketEventType;
  created_on: string;
  /** The acting user; null for a flow or the system. */
  created_by: string | null;
  assignee?: string | null;
  previous_assignee?: string | null;
  note?: string;
  topic?: string;
  previous_topic?: string;
}

/** Who acts, and when. */
export interface Actor {
  user: string | null;
  now: string;
}

export interface TransitionResult {
  changed: boolean;
  ticket: Ticket;
  /** The events this transition added; empty when nothing changed. */
  events: TicketEvent[];
}

export const MAX_NOTE_LENGTH = 10_000;

/** Trims a note and checks its length; `required` refuses an empty one. */
export function normalizeNote(note: string | null | undefined, required: boolean, field = 'note'): string | null {
  const trimmed = (note ?? '').trim();
  if (trimmed === '') {
    if (required) throw new ValidationError(field, 'The note must not be empty.');
    return null;
  }
  if (trimmed.length > MAX_NOTE_LENGTH)
    throw new ValidationError(field, `The note is longer than ${MAX_NOTE_LENGTH} characters.`);
  return trimmed;
}

export interface OpenTicketInput {
  workspace: string;
  contact: string;
  topic: string;
  assignee: string | null;
  note?: string | null;
  opened_in?: { uuid: string; name: string } | null;
  /** The contact's latest inbound message, when the open knows it (a flow's input). */
  last_message?: LastMessage | null;
}

export function openTicket(input: OpenTicketInput, actor: Actor): { ticket: Ticket; events: TicketEvent[] } {
  const note = normalizeNote(input.note, false);
  const ticket: Ticket = {
    workspace: input.workspace,
    uuid: newId(),
    status: 'open',
    contact: input.contact,
    topic: input.topic,
    assignee: input.assignee,
    opened_on: actor.now,
    opened_by: actor.user,
    opened_in: input.opened_in ?? null,
    modified_on: actor.now,
    last_activity_on: actor.now,
    closed_on: null,
    replied_on: null,
    last_message: input.last_message ?? null,
    version: 1,
  };
  const opened = newEvent(ticket, 'ticket_opened', actor, { topic: ticket.topic, assignee: ticket.assignee });
  const events = note === null ? [opened] : [opened, newEvent(ticket, 'ticket_note_added', actor, { note })];
  return { ticket, events };
}

/**
 * Assigns (or with null unassigns). Only a real change of assignee changes the
 * ticket; a note given with it is recorded as its own event either way.
 */
export function assignTicket(ticket: Ticket, assignee: string | null, note: string | null | undefined, actor: Actor): TransitionResult {
  const validNote = normalizeNote(note, false);
  const events: TicketEvent[] = [];
  if (assignee !== ticket.assignee)
    events.push(newEvent(ticket, 'ticket_assignee_changed', actor, { assignee, previous_assignee: ticket.assignee }));
  if (validNote !== null) events.push(newEvent(ticket, 'ticket_note_added', actor, { note: validNote }));
  return applyEvents(ticket, events, actor, { assignee });
}

export function addNote(ticket: Ticket, note: string, actor: Actor): TransitionResult {
  const validNote = normalizeNote(note, true) as string;
  return applyEvents(ticket, [newEvent(ticket, 'ticket_note_added', actor, { note: validNote })], actor, {});
}

export function changeTopic(ticket: Ticket, topic: string, actor: Actor): TransitionResult {
  if (topic === ticket.topic) return unchanged(ticket);
  return applyEvents(ticket, [newEvent(ticket, 'ticket_topic_changed', actor, { topic, previous_topic: ticket.topic })], actor, { topic });
}

export function closeTicket(ticket: Ticket, actor: Actor): TransitionResult {
  if (ticket.status === 'closed') return unchanged(ticket);
  return applyEvents(ticket, [newEvent(ticket, 'ticket_closed', actor, {})], actor, { status: 'closed', closed_on: actor.now });
}

/** Reopening is also refused while the contact has another open ticket; the caller checks that against storage. */
export function reopenTicket(ticket: Ticket, actor: Actor): TransitionResult {
  if (ticket.status === 'open') return unchanged(ticket);
  return applyEvents(ticket, [newEvent(ticket, 'ticket_reopened', actor, {})], actor, { status: 'open', closed_on: null });
}

/**
 * An agent's reply: the first one sets `replied_on`, each moves
 * `last_activity_on`; a reply to an unassigned ticket assigns it to the
 * sender (RapidPro does), recorded as an assignment event. Refused on a closed ticket.
 */
export function recordReply(ticket: Ticket, actor: Actor & { user: string }, text: string): TransitionResult {
  if (ticket.status === 'closed') throw new ConflictError('ticket_closed', 'The ticket is closed; reopen it to reply.');
  const events = ticket.assignee === null ? [newEvent(ticket, 'ticket_assignee_changed', actor, { assignee: actor.user, previous_assignee: null })] : [];
  return {
    changed: true,
    ticket: {
      ...ticket,
      assignee: ticket.assignee ?? actor.user,
      replied_on: ticket.replied_on ?? actor.now,
      modified_on: events.length > 0 ? actor.now : ticket.modified_on,
      last_activity_on: actor.now,
      last_message: newer(ticket.last_message, lastMessage(text, 'out', actor.now)),
      version: ticket.version + 1,
    },
    events,
  };
}

/** A contact's message joined the open ticket: its activity time and last message move (never backwards). */
export function recordContactMessage(ticket: Ticket, receivedOn: string, text: string): Ticket {
  return {
    ...ticket,
    last_activity_on: receivedOn > ticket.last_activity_on ? receivedOn : ticket.last_activity_on,
    last_message: newer(ticket.last_message, lastMessage(text, 'in', receivedOn)),
    version: ticket.version + 1,
  };
}

/** The later of the stored last message and a new one (a message written late never hides a newer one). */
function newer(stored: LastMessage | null, next: LastMessage): LastMessage {
  return stored !== null && stored.created_on > next.created_on ? stored : next;
}

function unchanged(ticket: Ticket): TransitionResult {
  return { changed: false, ticket, events: [] };
}

function applyEvents(ticket: Ticket, events: TicketEvent[], actor: Actor, patch: Partial<Ticket>): TransitionResult {
  if (events.length === 0) return unchanged(ticket);
  // Notes are activity, not a modification of the ticket (mailroom keeps modified_on for them).
  const modifies = events.some((event) => event.type !== 'ticket_note_added');
  return {
    changed: true,
    ticket: {
      ...ticket,
      ...patch,
      modified_on: modifies ? actor.now : ticket.modified_on,
      last_activity_on: actor.now,
      version: ticket.version + 1,
    },
    events,
  };
}

function newEvent(
  ticket: Ticket,
  type: TicketEventType,
  actor: Actor,
  details: Pick<TicketEvent, 'assignee' | 'previous_assignee' | 'note' | 'topic' | 'previous_topic'>,
): TicketEvent {
  return { workspace: ticket.workspace, ticket: ticket.uuid, uuid: newId(), type, created_on: actor.now, created_by: actor.user, ...details };
}
