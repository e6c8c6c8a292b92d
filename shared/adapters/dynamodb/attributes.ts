// Reading and writing the plain attributes of stored items, shared by every
// entity module (entities/*.ts). Items read from the table are typed as
// `Item` (any attribute may be missing on an item stored before it existed),
// so readers convert each attribute they need.
import type { TableKey } from './keys';
import type { Item } from './table-client';

export const str = (item: Item, name: string): string => String(item[name]);
export const strOrNull = (item: Item, name: string): string | null => (item[name] == null ? null : String(item[name]));

/** Epoch seconds of a time (an ISO timestamp or a Date), as the `ttl` attribute holds them. */
export function epochSeconds(time: string | Date): number {
  return Math.floor((typeof time === 'string' ? Date.parse(time) : time.getTime()) / 1000);
}

/**
 * An item type as the entity modules declare them: its key, `type` and
 * attributes, flattened into one object type (an interface such as a domain
 * type is not assignable to the table client's `Item` record; a mapped type is).
 */
export type StoredItem<Attributes extends TableKey & { type: string }> = { [Name in keyof Attributes]: Attributes[Name] };
