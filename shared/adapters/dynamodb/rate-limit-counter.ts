// Exact fixed-window rate-limit counters (sign-in attempts, a channel's public
// routes): one item per subject and window, counted by a single conditional
// UpdateItem — no read first, so a request costs one write whether it is let
// through or refused. Exact, which a brute-force lockout needs; the API limit
// per workspace, which takes far more requests, is batched instead
// (api-request-limiter.ts).
import type { RateLimitCounter, RateLimitSubject } from '#use-cases/ports';
import { ITEM_TYPE, type TableKey } from './keys';
import { rateCounterExpiry, rateCounterKeys } from './entities/rate-counter';
import { TTL_ATTRIBUTE } from './table';
import type { TableClient } from './table-client';

function counterKey(subject: RateLimitSubject, windowStart: number): TableKey {
  if (subject.kind === 'sign_in') return rateCounterKeys.signIn(subject.emailHash, windowStart);
  return rateCounterKeys.channel(subject.channel, windowStart);
}

export function createRateLimitCounter(table: TableClient): RateLimitCounter {
  return {
    async take(subject, window, limit) {
      return table.updateIfAllowed(`rate_limit.${subject.kind}`, {
        Key: counterKey(subject, window.start),
        UpdateExpression: 'ADD hits :one SET #type = :type, #ttl = :expires',
        ConditionExpression: 'attribute_not_exists(hits) OR hits < :limit',
        ExpressionAttributeNames: { '#type': 'type', '#ttl': TTL_ATTRIBUTE },
        ExpressionAttributeValues: { ':one': 1, ':type': ITEM_TYPE.rateCounter, ':expires': rateCounterExpiry(window), ':limit': limit },
      });
    },
  };
}
