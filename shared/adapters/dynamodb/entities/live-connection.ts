// Live-update connections (WebSocket API, docs/live-updates.md): every open
// connection of a workspace in one partition (`WS#w#LIVE` / `CONN#<id>`), so
// the live-updates consumer finds the audience of an event with one Query
// (never a Scan). DynamoDB's TTL removes what $disconnect did not.
import { LIVE_CONNECTION_TTL_SECONDS, type LiveConnection } from '#domain/live';
import type { Role } from '#domain/workspace';
import { epochSeconds, type StoredItem } from '../attributes';
import { ITEM_TYPE, workspacePk, type TableKey } from '../keys';
import { TTL_ATTRIBUTE } from '../table';
import type { Item } from '../table-client';

export const liveConnectionKeys = {
  partition: (workspace: string) => `${workspacePk(workspace)}#LIVE`,
  connection: (workspace: string, connection: string): TableKey => ({ pk: liveConnectionKeys.partition(workspace), sk: `CONN#${connection}` }),
};

export type LiveConnectionItem = StoredItem<TableKey & {
  type: typeof ITEM_TYPE.liveConnection;
  connection_id: string;
  workspace: string;
  user_uuid: string;
  role: Role;
  /** Absent: every topic. */
  topics?: string[];
  ticket_uuid: string | null;
  contact_uuid: string | null;
  connected_on: string;
  [TTL_ATTRIBUTE]: number;
}>;

export function toLiveConnectionItem(connection: LiveConnection, now: Date): LiveConnectionItem {
  return {
    ...liveConnectionKeys.connection(connection.workspace, connection.id),
    type: ITEM_TYPE.liveConnection,
    connection_id: connection.id,
    workspace: connection.workspace,
    user_uuid: connection.user,
    role: connection.role,
    ...(connection.topics ? { topics: connection.topics } : {}),
    ticket_uuid: connection.ticket,
    contact_uuid: connection.contact,
    connected_on: connection.connected_on,
    [TTL_ATTRIBUTE]: epochSeconds(now) + LIVE_CONNECTION_TTL_SECONDS,
  };
}

export function fromLiveConnectionItem(item: Item): LiveConnection {
  return {
    id: String(item.connection_id),
    workspace: String(item.workspace),
    user: String(item.user_uuid),
    role: item.role as Role,
    topics: Array.isArray(item.topics) ? (item.topics as string[]) : null,
    ticket: typeof item.ticket_uuid === 'string' ? item.ticket_uuid : null,
    contact: typeof item.contact_uuid === 'string' ? item.contact_uuid : null,
    connected_on: String(item.connected_on),
  };
}
