// Domain objects ⇄ table items. Items carry their keys, their `type`, and
// plain attributes named as docs/architecture.md lists them (the stream
// consumer reads ticket images by these names).
import type { Contact } from '#domain/contact';
import type { Ticket, TicketEvent, TicketStatus } from '#domain/ticket';
import type { Topic } from '#domain/topic';
import type { ApiToken, Member, Role, Workspace } from '#domain/workspace';
import { apiTokenKeys, contactKeys, ITEM_TYPE, ticketIndexKeys, ticketKeys, topicKeys, workspaceKeys } from './keys';
import type { Item } from './table-client';

const str = (item: Item, name: string): string => String(item[name]);
const strOrNull = (item: Item, name: string): string | null => (item[name] == null ? null : String(item[name]));

export function workspaceItem(workspace: Workspace) {
  return { ...workspaceKeys.workspace(workspace.uuid), type: ITEM_TYPE.workspace, uuid: workspace.uuid, name: workspace.name, created_on: workspace.created_on };
}
export function toWorkspace(item: Item): Workspace {
  return { uuid: str(item, 'uuid'), name: str(item, 'name'), created_on: str(item, 'created_on') };
}

export function memberItem(member: Member) {
  return { ...workspaceKeys.member(member.workspace, member.uuid), type: ITEM_TYPE.member, ...member };
}
export function toMember(item: Item): Member {
  return {
    workspace: str(item, 'workspace'),
    uuid: str(item, 'uuid'),
    email: str(item, 'email'),
    name: str(item, 'name'),
    role: str(item, 'role') as Role,
    created_on: str(item, 'created_on'),
  };
}

export function apiTokenItem(token: ApiToken) {
  return { ...apiTokenKeys.token(token.hash), type: ITEM_TYPE.apiToken, ...token };
}
export function toApiToken(item: Item): ApiToken {
  return { hash: str(item, 'hash'), workspace: str(item, 'workspace'), user: str(item, 'user'), name: str(item, 'name'), created_on: str(item, 'created_on') };
}

export function topicItem(topic: Topic) {
  return { ...topicKeys.topic(topic.workspace, topic.uuid), type: ITEM_TYPE.topic, ...topic };
}
export function toTopic(item: Item): Topic {
  return { workspace: str(item, 'workspace'), uuid: str(item, 'uuid'), name: str(item, 'name'), system: item.system === true, created_on: str(item, 'created_on') };
}

export function contactItem(contact: Contact) {
  const { open_ticket, ...rest } = contact;
  // open_ticket is absent rather than null when free: the open-ticket invariant is the condition attribute_not_exists(open_ticket).
  return { ...contactKeys.contact(contact.workspace, contact.uuid), type: ITEM_TYPE.contact, ...rest, ...(open_ticket ? { open_ticket } : {}) };
}
export function toContact(item: Item): Contact {
  return {
    workspace: str(item, 'workspace'),
    uuid: str(item, 'uuid'),
    name: strOrNull(item, 'name'),
    language: strOrNull(item, 'language'),
    urns: (item.urns as string[] | undefined) ?? [],
    fields: (item.fields as Record<string, string | null> | undefined) ?? {},
    open_ticket: strOrNull(item, 'open_ticket'),
    created_on: str(item, 'created_on'),
    modified_on: str(item, 'modified_on'),
    version: Number(item.version ?? 0),
  };
}

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
