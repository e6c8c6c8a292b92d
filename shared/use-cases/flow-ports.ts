// The secondary ports of the flow engine service: storage of definitions,
// sessions and messages (shared/adapters/dynamodb/flow-repository.ts), and
// the ticket command function the open_ticket action calls
// (shared/adapters/lambda/ticket-command-client.ts).
import type { Contact } from '#domain/contact';
import type { Ticket } from '#domain/ticket';
import type { ChannelMessageRecord, IdempotencyScope } from './ports';
import type { FieldAsset, GroupAsset } from '#flows/assets';
import type { FlowJSON } from '#flows/definition/types';

export interface FlowRef {
  uuid: string;
  name: string;
}

/** A definition as stored: migrated to the current spec, so a sprint reads it without migrating. */
export interface StoredFlow {
  workspace: string;
  uuid: string;
  name: string;
  type: string;
  /** The spec version it was imported in (the stored definition is the current one). */
  imported_spec_version: string;
  revision: number | null;
  definition: FlowJSON;
  /** Flows it enters (enter_flow), loaded with it for a sprint. */
  dependencies: string[];
  imported_on: string;
  modified_on: string;
  version: number;
}

export interface FlowAssetsRecord {
  fields: FieldAsset[];
  groups: GroupAsset[];
  version: number;
}

/** The contact's current session: the one that waits, or the last one to end. */
export interface StoredSession {
  workspace: string;
  contact: string;
  uuid: string;
  status: string;
  flow: FlowRef;
  /** The engine's session JSON (goflow shape). */
  session: unknown;
  /** When the waiting run expires / its wait times out (null when not waiting). */
  expires_on: string | null;
  timeout_on: string | null;
  modified_on: string;
  /** Incremented by every sprint: the condition that keeps two sprints of one contact from both landing. */
  version: number;
}

/** An outgoing message's delivery status (RapidPro's): queued → wired (handed to the gateway) → sent → delivered; errored (retried) → failed. */
export type OutgoingMessageStatus = 'queued' | 'wired' | 'sent' | 'delivered' | 'read' | 'errored' | 'failed';
/** Inbound messages are `handled` once stored (and routed). */
export type MessageStatus = 'handled' | OutgoingMessageStatus;

/** Where a message came from: a flow's send_msg, an agent's reply on a ticket, the messages API, or a contact through a channel. */
export type MessageOrigin = 'flow' | 'ticket' | 'api' | 'channel';

export interface MessageRecord {
  uuid: string;
  contact: string;
  direction: 'in' | 'out';
  type: 'text';
  /** in: `handled`; out: `queued` until the delivery consumer hands it to a channel, then as the gateway reports. */
  status: MessageStatus;
  text: string;
  attachments: string[];
  urn: string | null;
  flow: FlowRef | null;
  created_on: string;
  modified_on: string;
  origin?: MessageOrigin;
  /** in: the channel it came through; out: the channel to send it by (null: delivery picks the first channel serving the URN's scheme). */
  channel?: FlowRef | null;
  /** The ticket it belongs to: an agent's reply, or a contact's message that joined the open ticket. */
  ticket_uuid?: string | null;
  /** The agent who wrote it (replies); names are joined on read. */
  user_uuid?: string | null;
  quick_replies?: string[];
  /** in: the gateway's id of the message (a retry with the same id is not stored twice); out: the id the gateway gave back, if any. */
  external_id?: string | null;
  /** out: delivery attempts made so far, and why the last one failed. */
  attempts?: number;
  failed_reason?: string | null;
}

export interface MessagePage {
  results: MessageRecord[];
  next_cursor: string | null;
}

/** What one sprint leaves behind, written all at once. */
export interface SprintWrite {
  workspace: string;
  contact: string;
  /** The session to store; null leaves the stored one alone (an inbound message nobody waited for). */
  session: StoredSession | null;
  /** The version of the session item the sprint started from (0: none stored). */
  expectedSessionVersion: number;
  messages: MessageRecord[];
  /** The contact as the sprint changed it (its `version` already incremented), or null if unchanged. */
  contact_change: Contact | null;
  /** A start or message made under an idempotency key records its answer in the same transaction (SprintAlreadyRecordedError when taken). */
  idempotency?: { scope: IdempotencyScope; key: string; response: unknown };
  /** An inbound channel message with the gateway's id: its guard item joins the transaction (DuplicateChannelMessageError when taken). */
  channel_message?: { channel: string; external_id: string; record: ChannelMessageRecord };
  /** The open ticket the inbound message joined, its `last_activity_on` moved: stored if still at `version - 1` (else StaleWriteError). */
  ticket_activity?: Ticket;
}

/** The gateway sent this (channel, external id) before and it was stored: answer the first message. */
export class DuplicateChannelMessageError extends Error {
  override readonly name = 'DuplicateChannelMessageError';
}

/** A sprint under this idempotency key was stored meanwhile (a duplicate start or message raced this one): answer what it answered. */
export class SprintAlreadyRecordedError extends Error {
  override readonly name = 'SprintAlreadyRecordedError';
}

/** The stored session moved on while a sprint ran (another message of the same contact): run the sprint again. */
export class SessionMovedError extends Error {
  override readonly name = 'SessionMovedError';
}

export interface FlowRepository {
  /** Stores definitions (new ones, or replacing the versions read) and the merged assets. StaleWriteError when any moved. */
  saveImport(write: { workspace: string; flows: StoredFlow[]; assets: FlowAssetsRecord }): Promise<void>;
  getFlows(workspace: string, uuids: string[]): Promise<StoredFlow[]>;
  listFlows(workspace: string): Promise<Omit<StoredFlow, 'definition'>[]>;
  getAssets(workspace: string): Promise<FlowAssetsRecord>;
  getSession(workspace: string, contact: string): Promise<StoredSession | null>;
  /** One transaction; SessionMovedError if the session item is not at `expectedSessionVersion`, StaleWriteError if the contact moved. */
  saveSprint(write: SprintWrite): Promise<void>;
  listMessages(query: { workspace: string; contact: string; limit: number; cursor?: string }): Promise<MessagePage>;
}

/** The ticket command function's request and answer (docs/ticket-command.md). */
export interface TicketCommandRequest {
  command: 'open_ticket';
  workspace: string;
  idempotency_key: string;
  contact: { uuid: string };
  topic: { uuid: string } | { name: string } | null;
  assignee: { uuid: string } | null;
  note: string;
  opened_in: FlowRef;
  /** The contact's latest inbound message the flow knows (its input): the ticket's first `last_message`. */
  last_message?: { text: string; created_on: string };
}

export interface TicketCommandAnswer {
  ticket: { uuid: string; status: string; topic: FlowRef; assignee: { uuid: string; name: string } | null } | null;
  error?: { code: string; message: string };
}

/** Throws when the function cannot be reached or fails (the engine turns that into an `error` event and the Failure path). */
export interface TicketCommandGateway {
  openTicket(request: TicketCommandRequest): Promise<TicketCommandAnswer>;
}

/**
 * A wait's timer: its timeout (the msg wait's `timeout` → its timeout
 * category) or its expiration (the flow's `expire_after_minutes`). It names
 * the wait it belongs to — the stored session's uuid and version and the
 * instant the wait gave — so a timer the session has moved on from is a no-op.
 */
export interface FlowTimer {
  kind: 'timeout' | 'expiration';
  workspace: string;
  contact: string;
  session: string;
  /** The version of the stored session that waits. */
  version: number;
  /** When it fires: the wait's `timeout_on` or `expires_on` (ISO 8601). */
  at: string;
}

/** Sets and clears timers (EventBridge Scheduler one-time schedules: shared/adapters/scheduler/flow-timer-scheduler.ts). */
export interface FlowTimerScheduler {
  /** Idempotent: the same timer set twice is one timer. Throws when it cannot be set (the sprint is then not stored). */
  schedule(timer: FlowTimer): Promise<void>;
  /** Idempotent: clearing a timer that fired or was never set is fine. */
  cancel(timer: FlowTimer): Promise<void>;
}
