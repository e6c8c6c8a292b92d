// Rate-limit counters (shared/domain/rate-limit.ts): `hits` of one subject in
// one fixed window, deleted by TTL one window after the window ends. Sign-in
// attempts and a channel's public routes have one item per window (counted
// exactly); a workspace's API requests are spread over a few shard items per
// window, each in its own partition, whose sum is the window's count.
import { ITEM_TYPE, workspacePk, type TableKey } from '../keys';

export const rateCounterKeys = {
  signIn: (emailHash: string, windowStart: number): TableKey => ({ pk: `RATE#SIGNIN#${emailHash}`, sk: `WINDOW#${windowStart}` }),
  /** Requests to a channel's public receive and status routes. */
  channel: (channel: string, windowStart: number): TableKey => ({ pk: `CHANNEL#${channel}#RATE`, sk: `WINDOW#${windowStart}` }),
  /** One shard (0 … shards − 1) of a workspace's API request count; the shard is in the partition key, so shards spread over partitions. */
  apiShard: (workspace: string, shard: number, windowStart: number): TableKey => ({
    pk: `${workspacePk(workspace)}#RATE#API#${shard}`,
    sk: `WINDOW#${windowStart}`,
  }),
};

/** A counter as stored (written only through UpdateItem `ADD hits`, so every field but the key may be absent on a fresh item). */
export type RateCounterItem = {
  pk: string;
  sk: string;
  type: typeof ITEM_TYPE.rateCounter;
  hits: number;
  /** Epoch seconds: one window after the window's end. */
  ttl: number;
};

/** The epoch seconds a counter of the window [start, end) expires at. */
export function rateCounterExpiry(window: { start: number; end: number }): number {
  return window.end + (window.end - window.start);
}

/** The hits an item read back holds (0 if it has none yet). */
export function hitsOf(item: Partial<RateCounterItem> | null): number {
  return typeof item?.hits === 'number' ? item.hits : 0;
}
