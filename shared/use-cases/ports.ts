// The secondary ports: what the use cases need from storage. The DynamoDB
// adapters (shared/adapters/dynamodb) implement them.
import type { Contact, ContactStatus } from '#domain/contact';
import type { FlowRepository, MessageRecord } from './flow-ports';
import type { Ticket, TicketEvent, TicketStatus } from '#domain/ticket';
import type { Topic } from '#domain/topic';
import type { Invitation, StoredToken, User } from '#domain/people';
import type { FixedWindow } from '#domain/rate-limit';
import type { Member, Role, Workspace } from '#domain/workspace';

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
  getWorkspace(workspace: string): Promise<Workspace | null>;
  /**
   * Writes only the settings given (`api_rate_limit: null` removes the
   * workspace's own limit), so concurrent changes of different settings all
   * stay; answers the workspace as stored afterwards (NotFoundError workspace_not_found).
   */
  updateSettings(workspace: string, changes: Partial<Pick<Workspace, 'name' | 'api_rate_limit' | 'pause_bot_during_tickets'>>): Promise<Workspace>;
  getMember(workspace: string, user: string): Promise<Member | null>;
}

/** How a membership write treats the user's global identity. */
export type UserWrite =
  /** A user seen for the first time (its email guard makes a concurrent creation lose: StaleWriteError). */
  | { kind: 'create'; user: User }
  /** A known user without a password choosing one (StaleWriteError if one was set meanwhile). */
  | { kind: 'set_password'; user: User }
  /** A known user, left as is. */
  | { kind: 'existing'; user: User };

export interface PeopleRepository {
  getUser(user: string): Promise<User | null>;
  findUserByEmail(email: string, options?: { consistent?: boolean }): Promise<User | null>;
  /** The workspaces the user is a member of. */
  listMemberships(user: string): Promise<string[]>;
  /**
   * One transaction: the member (unique email per workspace: ConflictError
   * member_exists), the user, the administrators counter, and for an accepted
   * invitation its removal and the new session. NotFoundError workspace_not_found;
   * StaleWriteError when the user or invitation changed meanwhile.
   */
  addMember(write: { member: Member; user: UserWrite; acceptedInvitation?: Invitation; session?: StoredToken }): Promise<void>;
  /** Conditioned on the role read; demoting the last administrator is ConflictError last_administrator. */
  changeRole(member: Member, role: Role): Promise<void>;
  /** Removing the last administrator is ConflictError last_administrator; StaleWriteError when the role changed meanwhile. */
  removeMember(member: Member): Promise<void>;
  /** Sets a member's flags (only those given); false when the member is gone. */
  setMemberFlags(member: Member, flags: { can_reply_non_own?: boolean }): Promise<boolean>;
  /** A pending invitation of this email in the workspace, expired or not (TTL deletes lag). */
  findInvitation(workspace: string, email: string): Promise<Invitation | null>;
  findInvitationBySecretHash(hash: string): Promise<Invitation | null>;
  listInvitations(workspace: string): Promise<Invitation[]>;
  /** Stores a new invitation, replacing an expired one of the same email; ConflictError invitation_exists when a live one exists. */
  putInvitation(invitation: Invitation, now: string): Promise<void>;
  deleteInvitation(invitation: Invitation): Promise<void>;
}

export interface TokenRepository {
  /** An API token (listed under its user) or a session. */
  put(token: StoredToken): Promise<void>;
  findByHash(hash: string): Promise<StoredToken | null>;
  /** The API tokens a user holds in a workspace, oldest first. */
  listApiTokens(workspace: string, user: string): Promise<StoredToken[]>;
  getApiToken(workspace: string, user: string, token: string): Promise<StoredToken | null>;
  delete(token: StoredToken): Promise<void>;
}

/** What an exact fixed-window rate limit counts. */
export type RateLimitSubject =
  | { kind: 'sign_in'; emailHash: string }
  /** Requests to a channel's public routes (docs/channels.md). */
  | { kind: 'channel'; channel: string };

/** Exact fixed-window counts: one conditional write per hit. */
export interface RateLimitCounter {
  /** Counts one hit in the window unless its count already reached `limit`; false = refused (nothing counted). */
  take(subject: RateLimitSubject, window: FixedWindow, limit: number): Promise<boolean>;
}

/**
 * The API's requests per workspace, counted in batches over shards
 * (WindowTally in shared/domain/rate-limit.ts): never refuses before the
 * workspace made `limit` requests in the window, may admit a few batches more
 * when several containers serve it. One per container: it remembers counts.
 */
export interface ApiRequestLimiter {
  /** Counts one request of the workspace in the window unless its count, as far as this container knows, reached `limit`; false = refused. */
  admit(workspace: string, window: FixedWindow, limit: number, now: Date): Promise<boolean>;
}

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
}

/** Sends mail (Amazon SES in AWS; the local stack answers SES's API with a file outbox). */
export interface MailSender {
  send(message: MailMessage): Promise<void>;
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
  /** The contacts of the page's tickets, read with them (one BatchGet for both). */
  contacts: Contact[];
  nextCursor: string | null;
}

export interface OpenTicketWrite {
  ticket: Ticket;
  events: TicketEvent[];
  /** The upserted contact, its `open_ticket` set to the new ticket; `version` is the one to store. */
  contact: Contact;
  /** A topic named by the caller and created by this open. */
  newTopic?: Topic;
  idempotency?: { key: string; response: unknown; requestHash: string };
}

export type OpenTicketOutcome = 'opened' | 'contact_has_open_ticket' | 'idempotency_key_taken';

/** The agent commands, as named in reports of consumed capacity. */
export type TicketCommandName = 'assign' | 'add_note' | 'change_topic' | 'close' | 'reopen';

export interface TicketWrite {
  command: TicketCommandName;
  /** The changed ticket; stored only if the stored version is still `ticket.version - 1`, else StaleWriteError. */
  ticket: Ticket;
  events: TicketEvent[];
  /** Reopening claims the contact's open-ticket slot (ConflictError contact_has_open_ticket); closing frees it. */
  contactOpenTicket?: 'claim' | 'release';
}

export interface TicketRepository {
  get(workspace: string, ticket: string): Promise<Ticket | null>;
  /** The tickets that exist among `tickets`, in one BatchGet (eventually consistent), in no particular order. */
  getMany(workspace: string, tickets: string[]): Promise<Ticket[]>;
  /** The ticket and its history, oldest first, in one Query. */
  getWithHistory(workspace: string, ticket: string): Promise<{ ticket: Ticket; history: TicketEvent[] } | null>;
  /** One transaction; a lost race on the contact or the topic name throws StaleWriteError. */
  open(write: OpenTicketWrite): Promise<OpenTicketOutcome>;
  update(change: TicketWrite): Promise<void>;
  /**
   * Newest `last_activity_on` first; a ticket that has left the folder since the index listed it is left out.
   * The cursor is opaque; a foreign or malformed one is a ValidationError('cursor').
   */
  listFolder(query: { workspace: string; folder: FolderQuery; status: TicketStatus; limit: number; cursor?: string }): Promise<TicketPage>;
  /** Newest `modified_on` first, optionally one contact's. */
  listByModified(query: { workspace: string; contact?: string; limit: number; cursor?: string }): Promise<TicketPage>;
}

/**
 * Which command an idempotency key belongs to: keys are chosen by callers, so
 * each command's keys live apart (an open and a flow start may use the same one).
 */
export type IdempotencyScope = 'open_ticket' | 'start_flow' | 'receive_msg';

export interface IdempotencyRecord {
  response: unknown;
  /** The fingerprint of the request answered; null for a record that has none. */
  requestHash: string | null;
}

export interface IdempotencyRepository {
  /** The record stored under the key, strongly consistent. */
  get(workspace: string, scope: IdempotencyScope, key: string): Promise<IdempotencyRecord | null>;
  /** Stores a response no ticket was written with (a refusal); false when the key was taken meanwhile. */
  putIfAbsent(workspace: string, scope: IdempotencyScope, key: string, record: { response: unknown; requestHash: string }): Promise<boolean>;
}

/** Folder counts as the stream consumer keeps them, keyed `STATUS#open`, `ASSIGNEE#<u|none>#STATUS#open`, `TOPIC#<p>#STATUS#<s>`. */
export interface CountsReader {
  readCounts(workspace: string): Promise<Map<string, number>>;
}

/** The first storing of an inbound channel message, found by (channel, external id). */
export interface ChannelMessageRecord {
  msg_uuid: string;
  contact_uuid: string;
  ticket_uuid: string | null;
  received_on: string;
}

/** One item of a ticket's conversation, newest first. */
export type ConversationEntry = { kind: 'msg'; msg: MessageRecord } | { kind: 'event'; event: TicketEvent };

export interface ConversationRepository {
  /** The contact that holds the URN (normalized), by its guard item (consistent). */
  findContactByUrn(workspace: string, urn: string): Promise<string | null>;
  /** Stores a new contact with its URN guards in one transaction; false (nothing stored) when a URN is taken meanwhile. */
  createContactWithUrns(contact: Contact): Promise<boolean>;
  /** Points each URN of the stored contact that no contact holds yet at it (a URN held by another contact stays with that one). */
  claimFreeUrns(contact: Contact): Promise<void>;
  findChannelMessage(workspace: string, channel: string, externalId: string): Promise<ChannelMessageRecord | null>;
  /**
   * An agent's reply: the message, the ticket (stored if still at `ticket.version - 1`, else StaleWriteError)
   * and its events, conditioned on the contact being active (ConflictError contact_stopped / contact_blocked), in one transaction.
   */
  saveReply(write: { message: MessageRecord; ticket: Ticket; events: TicketEvent[] }): Promise<void>;
  /** An outgoing message outside tickets (the messages API), conditioned on the contact existing and being active. */
  saveOutgoing(workspace: string, message: MessageRecord): Promise<void>;
  /** Sets the contact's status (version incremented); false when there is no such contact. */
  setContactStatus(workspace: string, contact: string, status: ContactStatus): Promise<boolean>;
  /**
   * One page of a ticket's conversation, newest first: the contact's messages created within [from, to]
   * (`to` null: up to now) merged with the ticket's history events. The cursor is opaque (ValidationError('cursor')).
   */
  conversationPage(query: { workspace: string; ticket: string; contact: string; from: string; to: string | null; limit: number; cursor?: string }): Promise<{ entries: ConversationEntry[]; nextCursor: string | null }>;
}

export interface Repositories {
  workspaces: WorkspaceRepository;
  people: PeopleRepository;
  tokens: TokenRepository;
  rateLimits: RateLimitCounter;
  apiRequests: ApiRequestLimiter;
  contacts: ContactRepository;
  topics: TopicRepository;
  tickets: TicketRepository;
  idempotency: IdempotencyRepository;
  counts: CountsReader;
  conversations: ConversationRepository;
  /** The contacts' flow sessions, read for the contact's groups (the flow engine keeps them there). */
  flowSessions: Pick<FlowRepository, 'getSession'>;
}
