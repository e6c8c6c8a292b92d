import type { IdempotencyRepository } from '#use-cases/ports';
import { fromIdempotencyItem, idempotencyKeys, toIdempotencyItem, type IdempotencyRecordInput } from './entities/idempotency';
import type { LabelledWrite, TableClient } from './table-client';

/** The record's Put in a command's transaction: only the first answer under a key is stored. */
export function idempotencyRecordWrite(workspace: string, record: IdempotencyRecordInput, now = new Date()): LabelledWrite {
  return { label: 'idempotency', write: { Put: { Item: toIdempotencyItem(workspace, record, now), ConditionExpression: 'attribute_not_exists(pk)' } } };
}

export function createIdempotencyRepository(table: TableClient): IdempotencyRepository {
  return {
    async get(workspace, scope, key) {
      const item = await table.get('idempotency.get', idempotencyKeys.record(workspace, scope, key), true);
      return item ? fromIdempotencyItem(item) : null;
    },

    async putIfAbsent(workspace, scope, key, record) {
      return table.putIfAbsent('idempotency.put', toIdempotencyItem(workspace, { scope, key, ...record }, new Date()));
    },
  };
}
