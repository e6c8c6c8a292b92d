// Keyset pagination: the cursor is the last returned item's table and index
// keys, as base64url JSON. Opaque to clients, and checked on the way back in so
// a cursor from another folder or workspace cannot steer a Query.
import { ValidationError } from '#domain/errors';
import type { IndexName } from './keys';
import type { Item } from './table-client';

export function encodeCursor(index: IndexName, item: Item): string {
  const key = { pk: item.pk, sk: item.sk, [`${index}pk`]: item[`${index}pk`], [`${index}sk`]: item[`${index}sk`] };
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/** The ExclusiveStartKey a cursor stands for; it must belong to `partition` of `index`. */
export function decodeCursor(cursor: string, index: IndexName, partition: string): Record<string, string> {
  const invalid = () => new ValidationError('cursor', 'The cursor is not valid for this list.');
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  const names = ['pk', 'sk', `${index}pk`, `${index}sk`];
  if (typeof key !== 'object' || key === null || Array.isArray(key)) throw invalid();
  const record = key as Record<string, unknown>;
  if (Object.keys(record).length !== names.length || !names.every((name) => typeof record[name] === 'string')) throw invalid();
  if (record[`${index}pk`] !== partition) throw invalid();
  return record as Record<string, string>;
}
