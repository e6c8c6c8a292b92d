// Keyset pagination: the cursor stands for the last returned item's key
// attributes (table key, and index key for an index Query). It is sealed with
// AES-256-GCM under a key the service keeps in its table (created once, on
// first use): opaque — clients cannot read table keys out of it — and
// tamper-evident — a changed or made-up cursor does not open, and is a
// ValidationError('cursor') (400 naming `cursor`). A cursor that opens is still
// checked strictly: every attribute must have the shape that list's items
// have, so a cursor from another folder or workspace is refused the same way,
// never a Query that DynamoDB refuses (a 500) or one that reads another partition.
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { ValidationError } from '#domain/errors';
import { cursorKeyKeys, toCursorKeyItem, type CursorKeyItem } from './entities/cursor-key';
import type { Item, TableClient } from './table-client';

/** The key attributes a list's cursor holds, each with its exact value or its pattern. */
export type CursorShape = Record<string, string | RegExp>;

/** DynamoDB allows longer keys; none of ours comes near this. */
const MAX_KEY_ATTRIBUTE_LENGTH = 512;

/** Patterns (regular-expression source) of the parts of our keys: a UUID, an ISO-8601 UTC timestamp. */
export const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
export const TIMESTAMP = '\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(?:\\.\\d{1,6})?Z';

export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A sort key `<prefix><timestamp>#<uuid>`: how time-ordered lists sort. */
export function timeOrderedKeyPattern(prefix = ''): RegExp {
  return new RegExp(`^${escapeRegExp(prefix)}${TIMESTAMP}#${UUID}$`);
}


const VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** Per table: the cursor key, read (or created) once per container. */
const keys = new Map<string, Promise<Buffer>>();

function cursorKey(table: Pick<TableClient, 'tableName' | 'get' | 'putIfAbsent'>): Promise<Buffer> {
  let key = keys.get(table.tableName);
  if (!key) {
    key = (async () => {
      const stored = await table.get<CursorKeyItem>('cursor_key.get', cursorKeyKeys.cursorKey(), true);
      let material = stored?.material;
      if (!material) {
        // Two first uses at once: one write wins, and both read the winner's.
        await table.putIfAbsent('cursor_key.create', toCursorKeyItem(randomBytes(32).toString('base64')));
        material = (await table.get<CursorKeyItem>('cursor_key.get', cursorKeyKeys.cursorKey(), true))!.material;
      }
      return Buffer.from(hkdfSync('sha256', Buffer.from(material, 'base64'), Buffer.alloc(0), 'ticketer paging cursor v1', 32));
    })();
    key.catch(() => keys.delete(table.tableName));
    keys.set(table.tableName, key);
  }
  return key;
}

export async function encodeCursor(table: TableClient, item: Item, shape: CursorShape): Promise<string> {
  const key = Object.fromEntries(Object.keys(shape).map((name) => [name, item[name]]));
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', await cursorKey(table), iv);
  const sealed = Buffer.concat([cipher.update(JSON.stringify(key), 'utf8'), cipher.final()]);
  return Buffer.concat([Buffer.from([VERSION]), iv, cipher.getAuthTag(), sealed]).toString('base64url');
}

/** The ExclusiveStartKey a cursor stands for; every attribute of `shape`, matching it, and nothing else. */
export async function decodeCursor(table: TableClient, cursor: string, shape: CursorShape): Promise<Record<string, string>> {
  const invalid = () => new ValidationError('cursor', 'The cursor is not valid for this list.');
  const bytes = Buffer.from(cursor, 'base64url');
  if (bytes.length <= 1 + IV_BYTES + TAG_BYTES || bytes[0] !== VERSION) throw invalid();
  let key: unknown;
  try {
    const decipher = createDecipheriv('aes-256-gcm', await cursorKey(table), bytes.subarray(1, 1 + IV_BYTES));
    decipher.setAuthTag(bytes.subarray(1 + IV_BYTES, 1 + IV_BYTES + TAG_BYTES));
    const text = Buffer.concat([decipher.update(bytes.subarray(1 + IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
    key = JSON.parse(text);
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
