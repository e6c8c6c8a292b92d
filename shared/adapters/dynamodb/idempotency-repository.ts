import type { IdempotencyRepository, IdempotencyScope } from '#use-cases/ports';
import { idempotencyKeys, ITEM_TYPE } from './keys';
import type { LabelledWrite, TableClient } from './table-client';
import { TTL_ATTRIBUTE } from './table';

/** How long a flow runtime may retry an invoke and still get the first answer. */
export const IDEMPOTENCY_TTL_SECONDS = 7 * 24 * 3600;

export interface IdempotencyRecordInput {
  scope: IdempotencyScope;
  key: string;
  response: unknown;
  /** The fingerprint of the request, so the key reused with another request is told apart from a retry. */
  requestHash?: string;
}

/**
 * The record of a response given under an idempotency key. The response is
 * stored as JSON text so a replay returns it byte for byte (a DynamoDB map
 * would not keep key order).
 */
export function idempotencyRecordWrite(workspace: string, record: IdempotencyRecordInput, now = new Date()): LabelledWrite {
  return {
    label: 'idempotency',
    write: {
      Put: {
        Item: {
          ...idempotencyKeys.record(workspace, record.scope, record.key),
          type: ITEM_TYPE.idempotency,
          response: JSON.stringify(record.response),
          ...(record.requestHash !== undefined ? { request_hash: record.requestHash } : {}),
          [TTL_ATTRIBUTE]: Math.floor(now.getTime() / 1000) + IDEMPOTENCY_TTL_SECONDS,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
  };
}

export function createIdempotencyRepository(table: TableClient): IdempotencyRepository {
  return {
    async get(workspace, scope, key) {
      const item = await table.get('idempotency.get', idempotencyKeys.record(workspace, scope, key), true);
      if (!item) return null;
      return { response: JSON.parse(String(item.response)) as unknown, requestHash: typeof item.request_hash === 'string' ? item.request_hash : null };
    },

    async putIfAbsent(workspace, scope, key, record) {
      const { write } = idempotencyRecordWrite(workspace, { scope, key, ...record });
      return table.putIfAbsent('idempotency.put', write.Put!.Item as Parameters<TableClient['putIfAbsent']>[1]);
    },
  };
}
