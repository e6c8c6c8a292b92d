// Fixed-window rate-limit counters (shared/domain/rate-limit.ts): one item per
// subject and window, counted by a single conditional UpdateItem — no read
// first, so a request costs one write whether it is let through or refused.
// The item expires (TTL) one window after its window ends.
import type { RateLimitCounter, RateLimitSubject } from '#use-cases/ports';
import { ITEM_TYPE, rateLimitKeys, type TableKey } from './keys';
import { TTL_ATTRIBUTE } from './table';
import type { TableClient } from './table-client';

function counterKey(subject: RateLimitSubject, windowStart: number): TableKey {
  if (subject.kind === 'sign_in') return rateLimitKeys.signIn(subject.emailHash, windowStart);
  if (subject.kind === 'channel') return rateLimitKeys.channel(subject.channel, windowStart);
  return rateLimitKeys.api(subject.workspace, windowStart);
}

export function createRateLimitCounter(table: TableClient): RateLimitCounter {
  return {
    async take(subject, window, limit) {
      return table.updateIfAllowed(`rate_limit.${subject.kind}`, {
        Key: counterKey(subject, window.start),
        UpdateExpression: 'ADD hits :one SET #type = :type, #ttl = :expires',
        ConditionExpression: 'attribute_not_exists(hits) OR hits < :limit',
        ExpressionAttributeNames: { '#type': 'type', '#ttl': TTL_ATTRIBUTE },
        ExpressionAttributeValues: { ':one': 1, ':type': ITEM_TYPE.rateCounter, ':expires': window.end + (window.end - window.start), ':limit': limit },
      });
    },
  };
}
