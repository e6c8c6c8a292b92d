// What travels on the live socket (docs/live-updates.md):
// frames the inbox sends, and the events the server pushes. Shapes are the
// REST views' own, so an event can stand in for a refetch.
import type { Schemas } from '../api/client';

/** A ticket as GET /tickets lists it and events carry it; its `version` grows with every change. */
export type TicketRow = Schemas['Ticket'];

export type ConversationMsg = Schemas['ConversationMsg'];
export type MsgStatus = Pick<ConversationMsg, 'uuid' | 'ticket_uuid' | 'status' | 'failed_reason' | 'modified_on'>;
export type LiveUser = { uuid: string; email: string; name: string };

export type LiveEvent =
  | { type: 'ticket_changed'; ticket: TicketRow }
  | { type: 'ticket_hidden'; ticket_uuid: string; version: number }
  | { type: 'msg_created'; msg: ConversationMsg }
  | { type: 'msg_status_changed'; msg: MsgStatus }
  /** `version`: a decimal integer string, monotonic per workspace. */
  | { type: 'counts_changed'; version: string; counts: Schemas['FolderCounts'] }
  | { type: 'typing'; ticket_uuid: string; user: LiveUser }
  | { type: 'subscribed'; ticket_uuid: string | null }
  | { type: 'pong' }
  | { type: 'error'; code: string; message: string };

export type ClientFrame =
  | { action: 'subscribe'; ticket_uuid: string | null }
  | { action: 'typing'; ticket_uuid: string }
  | { action: 'ping' };

/** A frame as an event, or null when it is not JSON with a string `type` (a server newer than this app may add types). */
export function parseEvent(data: unknown): LiveEvent | null {
  if (typeof data !== 'string') return null;
  try {
    const parsed: unknown = JSON.parse(data);
    return parsed !== null && typeof parsed === 'object' && typeof (parsed as { type?: unknown }).type === 'string' ? (parsed as LiveEvent) : null;
  } catch {
    return null;
  }
}
