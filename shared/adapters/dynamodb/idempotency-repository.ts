import type { IdempotencyRepository } from '#use-cases/ports';
import { idempotencyKeys, ITEM_TYPE } from './keys';
import type { LabelledWrite, TableClient } from './table-client';
import { TTL_ATTRIBUTE } from './table';

/** How long a flow runtime may retry an invoke and still get the first answer. */
export const IDEMPOTENCY_TTL_SECONDS = 7 * 24 * 3600;

/**
 * The record of a response given under an idempotency key. The response is
 * stored as JSON text so a replay returns it byte for byte (a DynamoDB map
 * would not keep key order).
 */
export function idempotencyRecordWrite(workspace: string, key: string, response: unknown, now = new Date()): LabelledWrite {
  return {
    label: 'idempotency',
    write: {
      Put: {
        Item: {
          ...idempotencyKeys.record(workspace, key),
          type: ITEM_TYPE.idempotency,
          response: JSON.stringify(response),
          [TTL_ATTRIBUTE]: Math.floor(now.getTime() / 1000) + IDEMPOTENCY_TTL_SECONDS,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
  };
}

export function createIdempotencyRepository(table: TableClient): IdempotencyRepository {
  return {
    async get(workspace: string, key: string) {
      const item = await table.get('idempotency.get', idempotencyKeys.record(workspace, key), true);
      return item ? (JSON.parse(String(item.response)) as unknown) : null;
    },

    async putIfAbsent(workspace: string, key: string, response: unknown) {
      const { write } = idempotencyRecordWrite(workspace, key, response);
      return table.putIfAbsent('idempotency.put', write.Put!.Item as Parameters<TableClient['putIfAbsent']>[1]);
    },
  };
}
