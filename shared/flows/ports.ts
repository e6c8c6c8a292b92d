// What the engine needs from the outside world. The engine core never talks
// to AWS: the Lambda integration passes implementations of these ports, the
// conformance harness and unit tests pass in-memory ones.
import type { Reference } from './definition/types';

export interface TicketJSON {
  uuid: string;
  status?: string;
  topic: Reference | null;
  assignee?: Reference | null;
}

export interface OpenTicketRequest {
  /** Stable across retries of the same sprint: session, run (its index in the session), action and visit. */
  idempotencyKey: string;
  contactUuid: string;
  flow: Reference;
  topic: Reference;
  assignee: Reference | null;
  note: string;
  /** The session's input message (the contact's latest, as far as the sprint knows), if it has one. */
  input?: { text: string; created_on: string };
}

export type OpenTicketResult =
  | { opened: true; ticket: TicketJSON }
  /** Nothing was opened (e.g. the contact already has an open ticket). */
  | { opened: false; reason: string };

export interface TicketService {
  open(request: OpenTicketRequest): Promise<OpenTicketResult>;
}

export interface EmailService {
  send(message: { to: string[]; subject: string; body: string }): Promise<void>;
}

/** The current time with microseconds, as an ISO-8601 UTC string. */
export interface Clock {
  now(): string;
}

export interface UUIDSource {
  next(): string;
}

export interface EngineServices {
  tickets: TicketService;
  email: EmailService;
  clock: Clock;
  uuids: UUIDSource;
  /** Optional content policy: messages it flags are created but unsendable. */
  isForbiddenContent?: (text: string) => boolean;
}
