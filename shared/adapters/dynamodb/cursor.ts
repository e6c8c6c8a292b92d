// Keyset pagination: the cursor is the last returned item's key attributes
// (table key, and index key for an index Query), as base64url JSON. Opaque to
// clients, and checked strictly on the way back in: every attribute must have
// the shape that list's items have, so a cursor from another folder or
// workspace — or a crafted one — is a ValidationError('cursor'), never a Query
// that DynamoDB refuses (a 500) or one that reads another partition.
import { ValidationError } from '#domain/errors';
import { ticketKeys, type IndexName } from './keys';
import type { Item } from './table-client';

/** The key attributes a list's cursor holds, each with its exact value or its pattern. */
export type CursorShape = Record<string, string | RegExp>;

/** DynamoDB allows longer keys; none of ours comes near this. */
const MAX_KEY_ATTRIBUTE_LENGTH = 512;

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const TIMESTAMP = '\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(?:\\.\\d{1,6})?Z';

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A sort key `<prefix><timestamp>#<uuid>`: how time-ordered lists sort. */
export function timeOrderedKeyPattern(prefix = ''): RegExp {
  return new RegExp(`^${escapeRegExp(prefix)}${TIMESTAMP}#${UUID}$`);
}

/** A page of a ticket index partition: ticket items, sorted by `<timestamp>#<ticket>`. */
export function ticketIndexCursorShape(workspace: string, index: IndexName, partition: string): CursorShape {
  return {
    pk: new RegExp(`^${escapeRegExp(ticketKeys.partition(workspace, ''))}${UUID}$`),
    sk: ticketKeys.ticket(workspace, '').sk,
    [`${index}pk`]: partition,
    [`${index}sk`]: timeOrderedKeyPattern(),
  };
}

export function encodeCursor(item: Item, shape: CursorShape): string {
  const key = Object.fromEntries(Object.keys(shape).map((name) => [name, item[name]]));
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/** The ExclusiveStartKey a cursor stands for; every attribute of `shape`, matching it, and nothing else. */
export function decodeCursor(cursor: string, shape: CursorShape): Record<string, string> {
  const invalid = () => new ValidationError('cursor', 'The cursor is not valid for this list.');
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (typeof key !== 'object' || key === null || Array.isArray(key)) throw invalid();
  const record = key as Record<string, unknown>;
  const names = Object.keys(shape);
  if (Object.keys(record).length !== names.length) throw invalid();
  for (const name of names) {
    const value = record[name];
    const expected = shape[name]!;
    if (typeof value !== 'string' || value.length === 0 || value.length > MAX_KEY_ATTRIBUTE_LENGTH) throw invalid();
    if (typeof expected === 'string' ? value !== expected : !expected.test(value)) throw invalid();
  }
  return record as Record<string, string>;
}
