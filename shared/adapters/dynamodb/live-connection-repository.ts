// Open WebSocket connections (docs/live-updates.md): one item per connection in
// its workspace's partition `WS#w#LIVE`, so the consumer reads a workspace's
// audience with one Query. Written by $connect, changed by `subscribe`,
// deleted by $disconnect or by the consumer when API Gateway answers 410 Gone;
// DynamoDB's TTL removes what neither reached.
import { LIVE_CONNECTION_TTL_SECONDS, type LiveConnection } from '#domain/live';
import type { Role } from '#domain/workspace';
import type { LiveConnectionStore } from '#use-cases/live';
import { ITEM_TYPE, liveConnectionKeys } from './keys';
import { TTL_ATTRIBUTE } from './table';
import type { Item, TableClient } from './table-client';

export function liveConnectionItem(connection: LiveConnection, now: Date) {
  return {
    ...liveConnectionKeys.connection(connection.workspace, connection.id),
    type: ITEM_TYPE.liveConnection,
    connection_id: connection.id,
    workspace: connection.workspace,
    user_uuid: connection.user,
    role: connection.role,
    // Absent: every topic.
    ...(connection.topics ? { topics: connection.topics } : {}),
    ticket_uuid: connection.ticket,
    contact_uuid: connection.contact,
    connected_on: connection.connected_on,
    [TTL_ATTRIBUTE]: Math.floor(now.getTime() / 1000) + LIVE_CONNECTION_TTL_SECONDS,
  };
}

export function toLiveConnection(item: Item): LiveConnection {
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

export function createLiveConnectionRepository(table: TableClient, clock: () => Date = () => new Date()): LiveConnectionStore {
  return {
    async put(connection) {
      await table.put('live.connect', liveConnectionItem(connection, clock()));
    },

    async get(workspace, connection) {
      const item = await table.get('live.get', liveConnectionKeys.connection(workspace, connection), true);
      return item ? toLiveConnection(item) : null;
    },

    async list(workspace) {
      const items = await table.queryAll('live.list', {
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': liveConnectionKeys.partition(workspace) },
      });
      // An item past its TTL may linger until DynamoDB deletes it: not an open connection any more.
      const now = Math.floor(clock().getTime() / 1000);
      return items.filter((item) => typeof item[TTL_ATTRIBUTE] !== 'number' || (item[TTL_ATTRIBUTE] as number) > now).map(toLiveConnection);
    },

    async subscribe(workspace, connection, subscription) {
      // Only an existing connection: a late frame after $disconnect must not bring the item back.
      return table.updateIfAllowed('live.subscribe', {
        Key: liveConnectionKeys.connection(workspace, connection),
        UpdateExpression: 'SET ticket_uuid = :ticket, contact_uuid = :contact',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':ticket': subscription?.ticket ?? null, ':contact': subscription?.contact ?? null },
      });
    },

    async remove(workspace, connection) {
      await table.delete('live.disconnect', liveConnectionKeys.connection(workspace, connection));
    },
  };
}
