// The ticket and its history events as stored: their keys, the five ticket
// indexes (how each is keyed and what it projects), the item shapes, and the
// mapping between items and the domain. ticket-repository.ts holds the access
// (queries, conditions, transactions); docs/architecture.md, "Single table"
// and "Index projections" in docs/benchmarks.md, say why the indexes are so.
import type { LastMessage, Ticket, TicketEvent, TicketStatus } from '#domain/ticket';
import * as z from 'zod';
import { str, strOrNull } from '../attributes';
import { ITEM_TYPE, workspacePk, type IndexName, type TableKey } from '../keys';
import type { Item } from '../table-client';

export const TICKET_EVENT_SK_PREFIX = 'EVENT#';

export const ticketKeys = {
  partition: (workspace: string, ticket: string) => `${workspacePk(workspace)}#TICKET#${ticket}`,
  ticket: (workspace: string, ticket: string): TableKey => ({ pk: ticketKeys.partition(workspace, ticket), sk: 'TICKET' }),
  event: (workspace: string, ticket: string, event: string): TableKey => ({
    pk: ticketKeys.partition(workspace, ticket),
    sk: `${TICKET_EVENT_SK_PREFIX}${event}`,
  }),
};

/** Partition keys of the ticket indexes (the `gsiNpk` attributes of a ticket item). */
export const ticketIndexPartitions = {
  /** gsi1: folder All. */
  status: (workspace: string, status: TicketStatus) => `${workspacePk(workspace)}#STATUS#${status}`,
  /** gsi2: folders Mine (a user) and Unassigned (`null`). */
  assignee: (workspace: string, assignee: string | null, status: TicketStatus) =>
    `${workspacePk(workspace)}#ASSIGNEE#${assignee ?? 'none'}#STATUS#${status}`,
  /** gsi3: one folder per topic. */
  topic: (workspace: string, topic: string, status: TicketStatus) => `${workspacePk(workspace)}#TOPIC#${topic}#STATUS#${status}`,
  /** gsi4: RapidPro API v2 ticket list. */
  tickets: (workspace: string) => `${workspacePk(workspace)}#TICKETS`,
  /** gsi5: a contact's tickets (RapidPro API v2 list filtered by contact, a conversation's previous close). */
  contactTickets: (workspace: string, contact: string) => `${workspacePk(workspace)}#CONTACT#${contact}#TICKETS`,
};

export interface TicketIndex {
  /** The attribute holding the index partition (`gsiNpk`, built by `ticketIndexPartitions`). */
  partitionKey: string;
  /**
   * The sort key: the ticket's own timestamp attribute, not a copy of it, so
   * the item carries no second copy (DynamoDB orders ties by the table key
   * and pages through them exactly; every timestamp is an ISO string).
   */
  sortKey: 'last_activity_on' | 'modified_on' | 'opened_on';
  /**
   * What the index holds besides the keys. Never a column the list shows: a
   * page reads its tickets with one BatchGet (with the page's contacts, whose
   * uuids are the one attribute projected), so an index entry stays a few
   * hundred bytes, one write unit whatever the ticket holds, and is rewritten
   * only when its own keys move.
   */
  projection: { type: 'KEYS_ONLY' } | { type: 'INCLUDE'; attributes: readonly (keyof TicketItem)[] };
}

const WITH_CONTACT = { type: 'INCLUDE', attributes: ['contact_uuid'] } as const;

/**
 * The table's indexes, all of them ticket indexes. gsi1–gsi3 are the inbox
 * folders (newest activity first), gsi4 the RapidPro v2 list (newest
 * modified_on first). gsi5 is keyed by `opened_on`, which never changes, so a
 * command never rewrites it: a contact's tickets are few (one open at a
 * time), and are read whole and ordered by modified_on after their BatchGet.
 */
export const TICKET_INDEXES: Record<IndexName, TicketIndex> = {
  gsi1: { partitionKey: 'gsi1pk', sortKey: 'last_activity_on', projection: WITH_CONTACT },
  gsi2: { partitionKey: 'gsi2pk', sortKey: 'last_activity_on', projection: WITH_CONTACT },
  gsi3: { partitionKey: 'gsi3pk', sortKey: 'last_activity_on', projection: WITH_CONTACT },
  gsi4: { partitionKey: 'gsi4pk', sortKey: 'modified_on', projection: WITH_CONTACT },
  gsi5: { partitionKey: 'gsi5pk', sortKey: 'opened_on', projection: { type: 'KEYS_ONLY' } },
};

/**
 * A ticket item. Attributes whose value is null are left out (absent reads as
 * null): with its index partitions, a ticket without a long last message then
 * stays under 1 KB, one write unit per KB being what every command pays.
 */
export type TicketItem = {
  pk: string;
  sk: string;
  type: typeof ITEM_TYPE.ticket;
  gsi1pk: string;
  gsi2pk: string;
  gsi3pk: string;
  gsi4pk: string;
  gsi5pk: string;
  workspace: string;
  uuid: string;
  status: TicketStatus;
  contact_uuid: string;
  topic_uuid: string;
  assignee_uuid?: string;
  opened_on: string;
  opened_by_uuid?: string;
  opened_in?: { uuid: string; name: string };
  modified_on: string;
  last_activity_on: string;
  closed_on?: string;
  replied_on?: string;
  last_message?: LastMessage;
  version: number;
};

/** What an index Query returns for a ticket: its keys, the index keys, and the projected contact uuid (gsi1–gsi4). */
export type TicketIndexEntry = TableKey & { contact_uuid?: string } & Record<string, unknown>;

/** The index partitions a ticket is listed under; each folder is then one Query on one index. */
export function ticketIndexKeys(ticket: Pick<Ticket, 'workspace' | 'status' | 'contact' | 'topic' | 'assignee'>) {
  return {
    gsi1pk: ticketIndexPartitions.status(ticket.workspace, ticket.status),
    gsi2pk: ticketIndexPartitions.assignee(ticket.workspace, ticket.assignee, ticket.status),
    gsi3pk: ticketIndexPartitions.topic(ticket.workspace, ticket.topic, ticket.status),
    gsi4pk: ticketIndexPartitions.tickets(ticket.workspace),
    gsi5pk: ticketIndexPartitions.contactTickets(ticket.workspace, ticket.contact),
  };
}

/** `{ [name]: value }` when the value is not null, else nothing (see TicketItem). */
const present = <Name extends string, Value>(name: Name, value: Value | null) =>
  (value === null ? {} : { [name]: value }) as { [K in Name]?: Value };

export function toTicketItem(ticket: Ticket): TicketItem {
  return {
    ...ticketKeys.ticket(ticket.workspace, ticket.uuid),
    ...ticketIndexKeys(ticket),
    type: ITEM_TYPE.ticket,
    workspace: ticket.workspace,
    uuid: ticket.uuid,
    status: ticket.status,
    contact_uuid: ticket.contact,
    topic_uuid: ticket.topic,
    ...present('assignee_uuid', ticket.assignee),
    opened_on: ticket.opened_on,
    ...present('opened_by_uuid', ticket.opened_by),
    ...present('opened_in', ticket.opened_in),
    modified_on: ticket.modified_on,
    last_activity_on: ticket.last_activity_on,
    ...present('closed_on', ticket.closed_on),
    ...present('replied_on', ticket.replied_on),
    ...present('last_message', ticket.last_message),
    version: ticket.version,
  };
}


/** The ticket of an item (or a stream image); items stored before null attributes were left out hold them as null. */
export function fromTicketItem(item: Item): Ticket {
  return {
    workspace: str(item, 'workspace'),
    uuid: str(item, 'uuid'),
    status: str(item, 'status') as TicketStatus,
    contact: str(item, 'contact_uuid'),
    topic: str(item, 'topic_uuid'),
    assignee: strOrNull(item, 'assignee_uuid'),
    opened_on: str(item, 'opened_on'),
    opened_by: strOrNull(item, 'opened_by_uuid'),
    opened_in: (item.opened_in as Ticket['opened_in'] | undefined) ?? null,
    modified_on: str(item, 'modified_on'),
    last_activity_on: str(item, 'last_activity_on'),
    closed_on: strOrNull(item, 'closed_on'),
    replied_on: strOrNull(item, 'replied_on'),
    // Tickets stored before last messages existed read as null.
    last_message: (item.last_message as Ticket['last_message'] | undefined) ?? null,
    version: Number(item.version),
  };
}

/** A history event item: the event's attributes, its own type in `event_type` (`type` is the item type on every item). */
export type TicketEventItem = { pk: string; sk: string } & Omit<TicketEvent, 'type'> & { type: typeof ITEM_TYPE.ticketEvent; event_type: TicketEvent['type'] };

export function toTicketEventItem(event: TicketEvent): TicketEventItem {
  const { type, ...rest } = event;
  return { ...ticketKeys.event(event.workspace, event.ticket, event.uuid), ...rest, type: ITEM_TYPE.ticketEvent, event_type: type };
}

export function fromTicketEventItem(item: Item): TicketEvent {
  const { pk: _pk, sk: _sk, type: _itemType, event_type, ...rest } = item;
  return { ...(rest as Omit<TicketEvent, 'type'>), type: event_type as TicketEvent['type'] };
}

// Stream images: the attributes a queue consumer relies on, checked, because a
// queued stream record is input from outside the process (a redrive from a
// dead-letter queue, a message sent by hand). An image that fails its schema
// makes its message a poison message (shared/adapters/dynamodb/stream-record.ts).

/** The attributes of a ticket item (toTicketItem) that place it in folders: what the ticket events consumer counts. */
export const ticketCountsImage = z.object({
  type: z.literal(ITEM_TYPE.ticket),
  workspace: z.string().min(1),
  status: z.enum(['open', 'closed']),
  topic_uuid: z.string().min(1),
  assignee_uuid: z.string().min(1).nullish(),
});

/** The attributes of a ticket item a close needs: what the closed-ticket consumer hands its trigger. */
export const closedTicketImage = z.object({
  type: z.literal(ITEM_TYPE.ticket),
  workspace: z.string().min(1),
  uuid: z.string().min(1),
  status: z.enum(['open', 'closed']),
  contact_uuid: z.string().min(1),
  topic_uuid: z.string().min(1),
  assignee_uuid: z.string().min(1).nullish(),
  closed_on: z.string().nullish(),
  modified_on: z.string().nullish(),
  version: z.number().int(),
});
