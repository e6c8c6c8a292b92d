// Open WebSocket connections (docs/live-updates.md): one item per connection in
// its workspace's partition `WS#w#LIVE`, so the consumer reads a workspace's
// audience with one Query. Written by $connect, changed by `subscribe`,
// deleted by $disconnect or by the consumer when API Gateway answers 410 Gone;
// DynamoDB's TTL removes what neither reached.
import type { LiveConnectionStore } from '#use-cases/live';
import { fromLiveConnectionItem, liveConnectionKeys, toLiveConnectionItem } from './entities/live-connection';
import { TTL_ATTRIBUTE } from './table';
import type { TableClient } from './table-client';

export function createLiveConnectionRepository(table: TableClient, clock: () => Date = () => new Date()): LiveConnectionStore {
  return {
    async put(connection) {
      await table.put('live.connect', toLiveConnectionItem(connection, clock()));
    },

    async get(workspace, connection) {
      const item = await table.get('live.get', liveConnectionKeys.connection(workspace, connection), true);
      return item ? fromLiveConnectionItem(item) : null;
    },

    async list(workspace) {
      const items = await table.queryAll('live.list', {
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': liveConnectionKeys.partition(workspace) },
      });
      // An item past its TTL may linger until DynamoDB deletes it: not an open connection any more.
      const now = Math.floor(clock().getTime() / 1000);
      return items.filter((item) => typeof item[TTL_ATTRIBUTE] !== 'number' || (item[TTL_ATTRIBUTE] as number) > now).map(fromLiveConnectionItem);
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
