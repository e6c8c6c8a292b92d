// The record of a response given under an idempotency key
// (`WS#w#IDEM#<scope>#<key>` / `IDEM`), kept 7 days. The response is stored as
// JSON text so a replay returns it byte for byte (a DynamoDB map would not
// keep key order).
import type { IdempotencyScope } from '#use-cases/ports';
import { epochSeconds, type StoredItem } from '../attributes';
import { ITEM_TYPE, workspacePk, type TableKey } from '../keys';
import { TTL_ATTRIBUTE } from '../table';
import type { Item } from '../table-client';

/** How long a flow runtime may retry an invoke and still get the first answer. */
export const IDEMPOTENCY_TTL_SECONDS = 7 * 24 * 3600;

export const idempotencyKeys = {
  record: (workspace: string, scope: IdempotencyScope, key: string): TableKey => ({ pk: `${workspacePk(workspace)}#IDEM#${scope}#${key}`, sk: 'IDEM' }),
};

export interface IdempotencyRecordInput {
  scope: IdempotencyScope;
  key: string;
  response: unknown;
  /** The fingerprint of the request, so the key reused with another request is told apart from a retry. */
  requestHash?: string;
}

export type IdempotencyItem = StoredItem<TableKey & { type: typeof ITEM_TYPE.idempotency; response: string; request_hash?: string; [TTL_ATTRIBUTE]: number }>;

export function toIdempotencyItem(workspace: string, record: IdempotencyRecordInput, now: Date): IdempotencyItem {
  return {
    ...idempotencyKeys.record(workspace, record.scope, record.key),
    type: ITEM_TYPE.idempotency,
    response: JSON.stringify(record.response),
    ...(record.requestHash !== undefined ? { request_hash: record.requestHash } : {}),
    [TTL_ATTRIBUTE]: epochSeconds(now) + IDEMPOTENCY_TTL_SECONDS,
  };
}

export function fromIdempotencyItem(item: Item): { response: unknown; requestHash: string | null } {
  return { response: JSON.parse(String(item.response)) as unknown, requestHash: typeof item.request_hash === 'string' ? item.request_hash : null };
}
