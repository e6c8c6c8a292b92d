// The key material paging cursors are sealed with (cursor.ts): one item per
// table (`CONFIG` / `CURSOR_KEY`), written once on first use and never changed
// (a new one would void every open cursor).
import type { StoredItem } from '../attributes';
import { ITEM_TYPE, type TableKey } from '../keys';

export const cursorKeyKeys = {
  cursorKey: (): TableKey => ({ pk: 'CONFIG', sk: 'CURSOR_KEY' }),
};

/** `material`: 32 random bytes, base64. */
export type CursorKeyItem = StoredItem<TableKey & { type: typeof ITEM_TYPE.config; material: string }>;

export function toCursorKeyItem(material: string): CursorKeyItem {
  return { ...cursorKeyKeys.cursorKey(), type: ITEM_TYPE.config, material };
}
