// What the use cases return: JSON-facing views in snake_case, RapidPro style
// (docs/api.md shows them on the wire). Stored items hold ids; names are joined
// here from the workspace directory so a rename never leaves stale copies.
import type { Contact } from '#domain/contact';
import { countKey } from '#domain/folder-counts';
import type { LastMessage, Ticket, TicketEvent } from '#domain/ticket';
import type { Topic } from '#domain/topic';
import type { Member, Role } from '#domain/workspace';
import type { WorkspaceDirectory } from './ports';

export type UserRef = { uuid: string; email: string; name: string };
export type MemberView = UserRef & { role: Role; can_reply_non_own: boolean; created_on: string };
export type TopicRef = { uuid: string; name: string };

export type TicketView = {
  uuid: string;
  status: 'open' | 'closed';
  contact: { uuid: string; name: string | null };
  topic: TopicRef;
  assignee: UserRef | null;
  opened_on: string;
  opened_by: UserRef | null;
  opened_in: { uuid: string; name: string } | null;
  modified_on: string;
  last_activity_on: string;
  closed_on: string | null;
  replied_on: string | null;
  /** The stored version: a live event and a REST read of the same ticket compare by it. */
  version: number;
  last_message: LastMessage | null;
};

export type TicketHistoryEvent = {
  uuid: string;
  type: TicketEvent['type'];
  created_on: string;
  created_by: UserRef | null;
  assignee?: UserRef | null;
  previous_assignee?: UserRef | null;
  note?: string;
  topic?: TopicRef;
  previous_topic?: TopicRef;
};

/** A contact as the APIs show it: the stored contact without its storage bookkeeping. */
export type ContactView = Omit<Contact, 'workspace' | 'version'>;

/** The contact of a ticket's detail (the contact details panel): with its groups as its last flow session holds them. */
export type ContactDetailsView = ContactView & { groups: { uuid: string; name: string }[] };

export type TopicView = { uuid: string; name: string; system: boolean; counts: { open: number; closed: number }; created_on: string };

export type CommandResult = { changed: boolean; ticket: TicketView; events: TicketHistoryEvent[] };

export type Page<T> = { results: T[]; next_cursor: string | null };

/** A message of a ticket's conversation (docs/api.md, "Conversations"). */
export type ConversationMsg = {
  uuid: string;
  direction: 'in' | 'out';
  text: string;
  attachments: string[];
  quick_replies: string[];
  status: string;
  urn: string | null;
  channel: { uuid: string; name: string } | null;
  /** The agent who wrote it; null: the bot or the contact. */
  user: UserRef | null;
  flow: { uuid: string; name: string } | null;
  ticket_uuid: string | null;
  created_on: string;
  modified_on: string;
  failed_reason: string | null;
};

export type ConversationItem = ({ kind: 'msg' } & ConversationMsg) | ({ kind: 'event' } & TicketHistoryEvent);

/** Joins names onto ids. */
export class ViewContext {
  private readonly members: Map<string, Member>;
  private readonly topics: Map<string, Topic>;
  private readonly contacts: Map<string, Contact>;

  constructor(directory: WorkspaceDirectory, contacts: Iterable<Contact> = []) {
    this.members = new Map(directory.members.map((member) => [member.uuid, member]));
    this.topics = new Map(directory.topics.map((topic) => [topic.uuid, topic]));
    this.contacts = new Map([...contacts].map((contact) => [contact.uuid, contact]));
  }

  userRef(user: string): UserRef {
    const member = this.members.get(user);
    // A user no longer a member still shows in history, by id.
    return member ? { uuid: member.uuid, email: member.email, name: member.name } : { uuid: user, email: '', name: '' };
  }

  userRefOrNull(user: string | null): UserRef | null {
    return user === null ? null : this.userRef(user);
  }

  topicRef(topic: string): TopicRef {
    return { uuid: topic, name: this.topics.get(topic)?.name ?? '' };
  }

  ticket(ticket: Ticket): TicketView {
    return {
      uuid: ticket.uuid,
      status: ticket.status,
      contact: { uuid: ticket.contact, name: this.contacts.get(ticket.contact)?.name ?? null },
      topic: this.topicRef(ticket.topic),
      assignee: this.userRefOrNull(ticket.assignee),
      opened_on: ticket.opened_on,
      opened_by: this.userRefOrNull(ticket.opened_by),
      opened_in: ticket.opened_in,
      modified_on: ticket.modified_on,
      last_activity_on: ticket.last_activity_on,
      closed_on: ticket.closed_on,
      replied_on: ticket.replied_on,
      version: ticket.version,
      last_message: ticket.last_message,
    };
  }

  event(event: TicketEvent): TicketHistoryEvent {
    const view: TicketHistoryEvent = {
      uuid: event.uuid,
      type: event.type,
      created_on: event.created_on,
      created_by: this.userRefOrNull(event.created_by),
    };
    if (event.type === 'ticket_assignee_changed') {
      view.assignee = this.userRefOrNull(event.assignee ?? null);
      view.previous_assignee = this.userRefOrNull(event.previous_assignee ?? null);
    }
    if (event.type === 'ticket_opened' && event.assignee) view.assignee = this.userRef(event.assignee);
    if (event.note !== undefined) view.note = event.note;
    if (event.topic !== undefined) view.topic = this.topicRef(event.topic);
    if (event.previous_topic !== undefined) view.previous_topic = this.topicRef(event.previous_topic);
    return view;
  }
}

export function contactView(contact: Contact): ContactView {
  return {
    uuid: contact.uuid,
    name: contact.name,
    language: contact.language,
    urns: contact.urns,
    fields: contact.fields,
    open_ticket: contact.open_ticket,
    status: contact.status ?? 'active',
    last_channel: contact.last_channel ?? null,
    created_on: contact.created_on,
    modified_on: contact.modified_on,
  };
}

export function memberView(member: Member): MemberView {
  return { uuid: member.uuid, email: member.email, name: member.name, role: member.role, can_reply_non_own: member.can_reply_non_own !== false, created_on: member.created_on };
}

/** GET /folders: the open tickets of each folder for `user` (live updates send the same body as counts_changed). */
export type FolderCountsView = {
  all: number;
  unassigned: number;
  mine: number;
  topics: { uuid: string; name: string; open: number }[];
};

export function folderCountsView(directory: WorkspaceDirectory, counts: ReadonlyMap<string, number>, user: string | null): FolderCountsView {
  // A count can lag the tickets briefly (the stream consumer keeps it), never below zero.
  const count = (key: string) => Math.max(0, counts.get(key) ?? 0);
  return {
    all: count(countKey.status('open')),
    unassigned: count(countKey.assignee(null, 'open')),
    mine: user === null ? 0 : count(countKey.assignee(user, 'open')),
    topics: directory.topics.map((topic) => ({ uuid: topic.uuid, name: topic.name, open: count(countKey.topic(topic.uuid, 'open')) })),
  };
}
