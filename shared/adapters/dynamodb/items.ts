// Tickets and ticket events ⇄ table items. Items carry their keys, their `type`, and
// plain attributes named as docs/architecture.md lists them (the stream
// consumer reads ticket images by these names). Every other entity has its
// module in entities/.
import type { Ticket, TicketEvent, TicketStatus } from '#domain/ticket';
import { str, strOrNull } from './attributes';
import { ITEM_TYPE, ticketIndexKeys, ticketKeys } from './keys';
import type { Item } from './table-client';

export function ticketItem(ticket: Ticket) {
  return {
    ...ticketKeys.ticket(ticket.workspace, ticket.uuid),
    ...ticketIndexKeys(ticket),
    type: ITEM_TYPE.ticket,
    workspace: ticket.workspace,
    uuid: ticket.uuid,
    status: ticket.status,
    contact_uuid: ticket.contact,
    topic_uuid: ticket.topic,
    assignee_uuid: ticket.assignee,
    opened_on: ticket.opened_on,
    opened_by_uuid: ticket.opened_by,
    opened_in: ticket.opened_in,
    modified_on: ticket.modified_on,
    last_activity_on: ticket.last_activity_on,
    closed_on: ticket.closed_on,
    replied_on: ticket.replied_on,
    last_message: ticket.last_message,
    version: ticket.version,
  };
}
export function toTicket(item: Item): Ticket {
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

export function ticketEventItem(event: TicketEvent) {
  // `type` is the item type on every item, so the event's own type is stored as `event_type`.
  const { type, ...rest } = event;
  return { ...ticketKeys.event(event.workspace, event.ticket, event.uuid), ...rest, type: ITEM_TYPE.ticketEvent, event_type: type };
}
export function toTicketEvent(item: Item): TicketEvent {
  const { pk: _pk, sk: _sk, type: _itemType, event_type, ...rest } = item;
  return { ...(rest as Omit<TicketEvent, 'type'>), type: event_type as TicketEvent['type'] };
}
