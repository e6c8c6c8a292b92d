// The secondary ports: what the use cases need from storage. The DynamoDB
// adapters (shared/adapters/dynamodb) implement them.
import type { Contact } from '#domain/contact';
import type { Ticket, TicketEvent, TicketStatus } from '#domain/ticket';
import type { Topic } from '#domain/topic';
import type { ApiToken, Member, Workspace } from '#domain/workspace';

/** A conditional write lost a race (the item changed since it was read): re-read and try again. */
export class StaleWriteError extends Error {
  override readonly name = 'StaleWriteError';
}

/** A workspace with its members and topics: small, read in one Query, and what views join names from. */
export interface WorkspaceDirectory {
  workspace: Workspace;
  members: Member[];
  topics: Topic[];
}

export interface WorkspaceRepository {
  /** The workspace with its system topic. */
  create(workspace: Workspace, systemTopic: Topic): Promise<void>;
  loadDirectory(workspace: string, options?: { consistent?: boolean }): Promise<WorkspaceDirectory | null>;
  /** ConflictError('member_exists') when the email is already a member; NotFoundError('workspace_not_found'). */
  addMember(member: Member): Promise<void>;
  getMember(workspace: string, user: string): Promise<Member | null>;
  putApiToken(token: ApiToken): Promise<void>;
  findApiToken(hash: string): Promise<ApiToken | null>;
}

export interface ContactRepository {
  get(workspace: string, contact: string, options?: { consistent?: boolean }): Promise<Contact | null>;
  getMany(workspace: string, contacts: string[]): Promise<Contact[]>;
  /** Stores `contact` if the stored version is still `contact.version - 1` (0: not stored yet), else StaleWriteError. */
  save(contact: Contact): Promise<void>;
}

export interface TopicRepository {
  /** The topic with its name guard, counted against the workspace limit (ConflictError topic_name_taken / topic_limit_reached). */
  create(topic: Topic): Promise<void>;
  /** Moves the name guard with the name (ConflictError topic_name_taken; StaleWriteError if renamed meanwhile). */
  rename(topic: Topic, previousName: string): Promise<void>;
}

export type FolderQuery =
  | { kind: 'all' }
  | { kind: 'assignee'; assignee: string | null }
  | { kind: 'topic'; topic: string };

export interface TicketPage {
  tickets: Ticket[];
  nextCursor: string | null;
}

export interface OpenTicketWrite {
  ticket: Ticket;
  events: TicketEvent[];
  /** The upserted contact, its `open_ticket` set to the new ticket; `version` is the one to store. */
  contact: Contact;
  /** A topic named by the caller and created by this open. */
  newTopic?: Topic;
  idempotency?: { key: string; response: unknown };
}

export type OpenTicketOutcome = 'opened' | 'contact_has_open_ticket' | 'idempotency_key_taken';

/** The agent commands, as named in reports of consumed capacity. */
export type TicketCommandName = 'assign' | 'add_note' | 'change_topic' | 'close' | 'reopen';

export interface TicketChange {
  command: TicketCommandName;
  /** The changed ticket; stored only if the stored version is still `ticket.version - 1`, else StaleWriteError. */
  ticket: Ticket;
  events: TicketEvent[];
  /** Reopening claims the contact's open-ticket slot (ConflictError contact_has_open_ticket); closing frees it. */
  contactOpenTicket?: 'claim' | 'release';
}

export interface TicketRepository {
  get(workspace: string, ticket: string): Promise<Ticket | null>;
  /** The ticket and its history, oldest first, in one Query. */
  getWithHistory(workspace: string, ticket: string): Promise<{ ticket: Ticket; history: TicketEvent[] } | null>;
  /** One transaction; a lost race on the contact or the topic name throws StaleWriteError. */
  open(write: OpenTicketWrite): Promise<OpenTicketOutcome>;
  update(change: TicketChange): Promise<void>;
  /** Newest `last_activity_on` first. The cursor is opaque; a foreign or malformed one is a ValidationError('cursor'). */
  listFolder(query: { workspace: string; folder: FolderQuery; status: TicketStatus; limit: number; cursor?: string }): Promise<TicketPage>;
  /** Newest `modified_on` first, optionally one contact's. */
  listByModified(query: { workspace: string; contact?: string; limit: number; cursor?: string }): Promise<TicketPage>;
}

export interface IdempotencyRepository {
  /** The response stored under the key, strongly consistent. */
  get(workspace: string, key: string): Promise<unknown | null>;
  /** Stores a response no ticket was written with (a refusal); false when the key was taken meanwhile. */
  putIfAbsent(workspace: string, key: string, response: unknown): Promise<boolean>;
}

/** Folder counts as the stream consumer keeps them, keyed `STATUS#open`, `ASSIGNEE#<u|none>#STATUS#open`, `TOPIC#<p>#STATUS#<s>`. */
export interface CountsReader {
  readCounts(workspace: string): Promise<Map<string, number>>;
}

export interface Repositories {
  workspaces: WorkspaceRepository;
  contacts: ContactRepository;
  topics: TopicRepository;
  tickets: TicketRepository;
  idempotency: IdempotencyRepository;
  counts: CountsReader;
}
