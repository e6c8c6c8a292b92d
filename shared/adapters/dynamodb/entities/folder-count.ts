// The folder counters of a workspace: one `count` item per counter in the
// partition `WS#w#COUNTS` (sort keys defined with the domain rule,
// shared/domain/folder-counts.ts), and the guard item of each applied stream
// record (`WS#w#APPLIED#<eventID>`), so a record delivered twice counts once.
import { countKey } from '#domain/folder-counts';
import { epochSeconds, type StoredItem } from '../attributes';
import { ITEM_TYPE, workspacePk, type TableKey } from '../keys';
import { TTL_ATTRIBUTE } from '../table';

/** How long a guard item is kept: well beyond the pipe's record age and the queue's retention. */
export const APPLIED_EVENT_TTL_SECONDS = 7 * 24 * 3600;

/** The partition, and the counters' sort keys. */
export const countKeys = {
  partition: (workspace: string) => `${workspacePk(workspace)}#COUNTS`,
  ...countKey,
};

export const appliedEventKeys = {
  record: (workspace: string, eventId: string): TableKey => ({ pk: `${workspacePk(workspace)}#APPLIED#${eventId}`, sk: 'APPLIED' }),
};

/** Written only by `ADD count` updates. */
export type CountItem = StoredItem<TableKey & { type: typeof ITEM_TYPE.count; count: number }>;
export type AppliedEventItem = StoredItem<TableKey & { type: typeof ITEM_TYPE.appliedEvent; [TTL_ATTRIBUTE]: number }>;

export function toAppliedEventItem(workspace: string, eventId: string, now: Date): AppliedEventItem {
  return { ...appliedEventKeys.record(workspace, eventId), type: ITEM_TYPE.appliedEvent, [TTL_ATTRIBUTE]: epochSeconds(now) + APPLIED_EVENT_TTL_SECONDS };
}
