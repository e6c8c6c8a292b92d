// The API's rate limit per workspace, counted in batches over shard items
// (shared/domain/rate-limit.ts, WindowTally, holds the rules; this does the
// reading and writing they ask for). One limiter lives as long as its
// container: it must be built once per container (module scope), since what
// it saves comes from remembering counts between requests.
//
// - a write adds a batch of requests to one of `shards` items chosen at
//   random (UpdateItem ADD, no condition): no item takes every write;
// - a read is one strongly consistent BatchGetItem of the window's shards
//   (each in its own partition), whose sum is the workspace's count.
//
// An ADD retried after an ambiguous failure (a timeout after DynamoDB applied
// it) counts its batch twice: the workspace is then refused up to one batch
// early in that hour, the safe side for a limit.
import { API_TALLY_POLICY, WindowTally, type FixedWindow, type TallyPolicy, type TallyStore } from '#domain/rate-limit';
import type { ApiRequestLimiter } from '#use-cases/ports';
import { ITEM_TYPE } from './keys';
import { hitsOf, rateCounterExpiry, rateCounterKeys, type RateCounterItem } from './entities/rate-counter';
import { TTL_ATTRIBUTE } from './table';
import type { TableClient } from './table-client';

export interface ApiRequestLimiterOptions {
  policy?: TallyPolicy;
  /** Picks the shard a batch is added to: 0 ≤ random() < 1 (tests pass a fixed sequence). */
  random?: () => number;
}

export function createApiRequestLimiter(table: TableClient, options: ApiRequestLimiterOptions = {}): ApiRequestLimiter {
  const policy = options.policy ?? API_TALLY_POLICY;
  const random = options.random ?? Math.random;
  /** Workspace → its tally of the current window (older windows are dropped when a newer one starts). */
  const tallies = new Map<string, WindowTally>();
  /** The newest window seen: when a newer one starts, every tally of an older one is dropped (their requests no longer count). */
  let newestWindowStart = Number.NEGATIVE_INFINITY;
  /** Workspace → the end of the admission under way: a workspace's admissions run one at a time, so a read and a write never cross. */
  const inFlight = new Map<string, Promise<unknown>>();

  function tallyOf(workspace: string, window: FixedWindow): WindowTally {
    const tally = tallies.get(workspace);
    if (tally?.windowStart === window.start) return tally;
    // A request that took its window just before the hour turned, admitted after a newer one: counted on its own window's shards.
    if (tally && tally.windowStart > window.start) return new WindowTally(window.start, policy);
    if (window.start > newestWindowStart) {
      for (const [key, old] of tallies) if (old.windowStart < window.start) tallies.delete(key);
      newestWindowStart = window.start;
    }
    const fresh = new WindowTally(window.start, policy);
    tallies.set(workspace, fresh);
    return fresh;
  }

  async function readTotal(workspace: string, window: FixedWindow): Promise<number> {
    const keys = Array.from({ length: policy.shards }, (_, shard) => rateCounterKeys.apiShard(workspace, shard, window.start));
    const items = await table.batchGet<RateCounterItem>('rate_limit.api.read', keys, true);
    return items.reduce((sum, item) => sum + hitsOf(item), 0);
  }

  async function write(workspace: string, window: FixedWindow, count: number): Promise<void> {
    const shard = Math.min(policy.shards - 1, Math.floor(random() * policy.shards));
    await table.updateIfAllowed('rate_limit.api.write', {
      Key: rateCounterKeys.apiShard(workspace, shard, window.start),
      UpdateExpression: 'ADD hits :count SET #type = :type, #ttl = :expires',
      ExpressionAttributeNames: { '#type': 'type', '#ttl': TTL_ATTRIBUTE },
      ExpressionAttributeValues: { ':count': count, ':type': ITEM_TYPE.rateCounter, ':expires': rateCounterExpiry(window) },
    });
  }

  function storeOf(workspace: string, window: FixedWindow): TallyStore {
    return { readTotal: () => readTotal(workspace, window), add: (count) => write(workspace, window, count) };
  }

  return {
    admit(workspace, window, limit, now) {
      const previous = inFlight.get(workspace) ?? Promise.resolve();
      const admission = previous.then(() => tallyOf(workspace, window).admit(limit, now.getTime(), storeOf(workspace, window)));
      const settled = admission.catch(() => undefined);
      inFlight.set(workspace, settled);
      void settled.then(() => {
        if (inFlight.get(workspace) === settled) inFlight.delete(workspace);
      });
      return admission;
    },
  };
}
