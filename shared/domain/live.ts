// Live updates (docs/live-updates.md): what an open WebSocket connection is,
// who may see what through it, and the frames a client may send. No AWS here:
// the connection store and the WebSocket API are adapters.
import type { Role } from './workspace';

/** An open WebSocket connection of a signed-in member (or an API token's user). */
export interface LiveConnection {
  /** API Gateway's connection id: the address of PostToConnection. */
  id: string;
  workspace: string;
  user: string;
  role: Role;
  /**
   * The topics whose tickets this connection may see; null: every topic. No role is restricted by
   * topic today (docs/access.md), so $connect stores null; the consumer already honours a list.
   */
  topics: string[] | null;
  /** The ticket whose conversation is open (the last `subscribe`), and that ticket's contact. */
  ticket: string | null;
  contact: string | null;
  connected_on: string;
}

/**
 * API Gateway closes a WebSocket connection after 2 hours at most; the stored
 * connection expires (DynamoDB TTL) a little later, so an item whose
 * $disconnect never ran does not stay forever.
 */
export const LIVE_CONNECTION_TTL_SECONDS = 3 * 3600;

/** Whether the connection may see tickets of `topic`. */
export function maySeeTopic(connection: Pick<LiveConnection, 'topics'>, topic: string): boolean {
  return connection.topics === null || connection.topics.includes(topic);
}

/** What a client may send (route selection `$request.body.action`). */
export type ClientFrame = { action: 'subscribe'; ticket_uuid: string | null } | { action: 'typing'; ticket_uuid: string } | { action: 'ping' };

export type FrameErrorCode = 'invalid_frame' | 'unknown_action' | 'not_found';

/** The error frame of the contract: the connection stays open. */
export interface ErrorFrame {
  type: 'error';
  code: FrameErrorCode;
  message: string;
}

export type ParsedFrame = { ok: true; frame: ClientFrame } | { ok: false; error: ErrorFrame };

/** Frames are small JSON objects; anything longer is not one of ours (API Gateway's own limit is 128 KB). */
export const MAX_FRAME_LENGTH = 4096;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function invalid(message: string): ParsedFrame {
  return { ok: false, error: { type: 'error', code: 'invalid_frame', message } };
}

/** Reads a client frame; never throws, whatever the text (tested with arbitrary strings). */
export function parseClientFrame(body: unknown): ParsedFrame {
  if (typeof body !== 'string' || body.length === 0) return invalid('A frame is a JSON object with an "action".');
  if (body.length > MAX_FRAME_LENGTH) return invalid(`A frame is at most ${MAX_FRAME_LENGTH} characters.`);
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return invalid('The frame is not valid JSON.');
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return invalid('A frame is a JSON object with an "action".');
  const frame = value as Record<string, unknown>;
  if (typeof frame.action !== 'string') return invalid('The frame has no "action".');
  const ticket = frame.ticket_uuid;
  switch (frame.action) {
    case 'ping':
      return { ok: true, frame: { action: 'ping' } };
    case 'subscribe':
      if (ticket === null) return { ok: true, frame: { action: 'subscribe', ticket_uuid: null } };
      if (typeof ticket !== 'string' || !UUID.test(ticket)) return invalid('"ticket_uuid" must be a ticket uuid or null.');
      return { ok: true, frame: { action: 'subscribe', ticket_uuid: ticket.toLowerCase() } };
    case 'typing':
      if (typeof ticket !== 'string' || !UUID.test(ticket)) return invalid('"ticket_uuid" must be a ticket uuid.');
      return { ok: true, frame: { action: 'typing', ticket_uuid: ticket.toLowerCase() } };
    default:
      return { ok: false, error: { type: 'error', code: 'unknown_action', message: 'The action must be subscribe, typing or ping.' } };
  }
}
