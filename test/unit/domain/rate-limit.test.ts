// The API limit's batched count (WindowTally) against an in-memory store: one
// container is exact; several never refuse before the limit and overshoot it
// by at most one batch each; writes happen exactly at the thresholds; fixed
// windows and Retry-After at their edges.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { API_TALLY_POLICY, batchSize, fixedWindow, retryAfterSeconds, WindowTally, type TallyPolicy, type TallyStore } from '#domain/rate-limit';

/** The shared count as the shard items would hold it, recording every write. */
function memoryStore() {
  const store = { total: 0, reads: 0, writes: [] as number[] };
  const port: TallyStore = {
    readTotal: async () => {
      store.reads++;
      return store.total;
    },
    add: async (count) => {
      store.writes.push(count);
      store.total += count;
    },
  };
  return { store, port };
}

const policyArbitrary: fc.Arbitrary<TallyPolicy> = fc.record({
  shards: fc.integer({ min: 1, max: 8 }),
  maxBatch: fc.integer({ min: 1, max: 60 }),
  headroomDivisor: fc.integer({ min: 1, max: 32 }),
  maxPendingAgeMs: fc.integer({ min: 1, max: 10_000 }),
});

describe('the batch size', () => {
  it('is 1 … maxBatch and at most the headroom ÷ headroomDivisor (1 near the limit)', () => {
    fc.assert(
      fc.property(policyArbitrary, fc.integer({ min: 1, max: 1_000_000 }), fc.nat({ max: 1_100_000 }), (policy, limit, known) => {
        const batch = batchSize(limit, known, policy);
        expect(batch).toBeGreaterThanOrEqual(1);
        expect(batch).toBeLessThanOrEqual(policy.maxBatch);
        if (limit - known < 2 * policy.headroomDivisor) expect(batch).toBe(1);
        else expect(batch).toBe(Math.min(policy.maxBatch, Math.floor((limit - known) / policy.headroomDivisor)));
      }),
    );
  });

  it('with the API policy: batches of 50 for a fresh hour of the default 3600, 1 for a limit below 32', () => {
    expect(batchSize(3600, 0, API_TALLY_POLICY)).toBe(50);
    expect(batchSize(31, 0, API_TALLY_POLICY)).toBe(1);
    expect(batchSize(3600, 3600 - 100, API_TALLY_POLICY)).toBe(6);
  });
});

describe('one container', () => {
  it('admits exactly `limit` requests, writes each full batch (or the last requests at the limit), and keeps stored + pending = admitted', async () => {
    await fc.assert(
      fc.asyncProperty(
        policyArbitrary,
        fc.integer({ min: 1, max: 300 }),
        fc.array(fc.oneof(fc.constant(0), fc.nat({ max: 6_000 })), { maxLength: 400 }),
        async (policy, limit, gapsMs) => {
          const { store, port } = memoryStore();
          const tally = new WindowTally(0, policy);
          let nowMs = 0;
          let admitted = 0;
          let pendingSinceMs = 0;
          for (const gap of gapsMs) {
            nowMs += gap;
            const writesBefore = store.writes.length;
            const storedBefore = store.total;
            const pendingBefore = tally.pending;
            const ok = await tally.admit(limit, nowMs, port);
            // Refused only once the window holds `limit` requests, and then for good.
            expect(ok).toBe(admitted < limit);
            if (ok) admitted++;
            expect(tally.known).toBe(store.total);
            expect(store.total + tally.pending).toBe(admitted);
            expect(tally.pending).toBeLessThan(tally.batch);
            // A write happens exactly when the batch is full, the limit is reached here, or the oldest pending request is old enough; it carries them all.
            const pending = pendingBefore + (ok ? 1 : 0);
            if (pendingBefore === 0 && ok) pendingSinceMs = nowMs;
            const due = pending > 0 && (pending >= tally.batch || storedBefore + pending >= limit || nowMs - pendingSinceMs >= policy.maxPendingAgeMs);
            expect(store.writes.length - writesBefore).toBe(due ? 1 : 0);
            if (due) expect(store.writes.at(-1)).toBe(pending);
          }
          expect(admitted).toBe(Math.min(gapsMs.length, limit));
        },
      ),
    );
  });

  it('writes every batch of requests arriving at once, and nothing for the requests in between', async () => {
    const { store, port } = memoryStore();
    const tally = new WindowTally(0, API_TALLY_POLICY);
    for (let request = 0; request < 1000; request++) await tally.admit(3600, 0, port);
    // 3600 − 1000 ≥ 16 × 50 all along: batches of 50, one read before each.
    expect(store.writes).toEqual(Array<number>(20).fill(50));
    expect(store.reads).toBe(20);
  });

  it('writes a pending request once it is older than maxPendingAgeMs, with the next request', async () => {
    const { store, port } = memoryStore();
    const tally = new WindowTally(0, API_TALLY_POLICY);
    await tally.admit(3600, 0, port);
    await tally.admit(3600, API_TALLY_POLICY.maxPendingAgeMs - 1, port);
    expect(store.writes).toEqual([]);
    await tally.admit(3600, API_TALLY_POLICY.maxPendingAgeMs, port);
    expect(store.writes).toEqual([3]);
  });

  it('costs nothing once refused: no read, no write, until the limit given is higher', async () => {
    const { store, port } = memoryStore();
    const tally = new WindowTally(0, API_TALLY_POLICY);
    for (let request = 0; request < 5; request++) expect(await tally.admit(5, 0, port)).toBe(true);
    const calls = store.reads + store.writes.length;
    for (let request = 0; request < 100; request++) expect(await tally.admit(5, request * 10_000, port)).toBe(false);
    expect(store.reads + store.writes.length).toBe(calls);
    expect(await tally.admit(6, 0, port)).toBe(true);
  });
});

describe('several containers sharing one store', () => {
  it('never refuse before the workspace made `limit` requests, and admit at most one batch per container beyond it', async () => {
    await fc.assert(
      fc.asyncProperty(
        policyArbitrary,
        fc.integer({ min: 1, max: 400 }),
        fc.integer({ min: 1, max: 8 }),
        // Requests mostly at once (gap 0), so containers' batches overlap; sometimes seconds apart, so old requests are written.
        fc.array(fc.tuple(fc.nat({ max: 7 }), fc.oneof(fc.constant(0), fc.constant(0), fc.nat({ max: 6_000 }))), { maxLength: 800 }),
        async (policy, limit, containers, schedule) => {
          const { store, port } = memoryStore();
          const tallies = Array.from({ length: containers }, () => new WindowTally(0, policy));
          let nowMs = 0;
          let admitted = 0;
          for (const [which, gap] of schedule) {
            nowMs += gap;
            const ok = await tallies[which % containers]!.admit(limit, nowMs, port);
            // A refusal means the stored count (a lower bound of what was admitted) reached the limit.
            if (!ok) expect(admitted).toBeGreaterThanOrEqual(limit);
            if (ok) admitted++;
          }
          expect(admitted).toBeGreaterThanOrEqual(Math.min(schedule.length, limit));
          expect(admitted).toBeLessThanOrEqual(limit + containers * batchSize(limit, 0, policy));
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('fixed windows at their edges', () => {
  it('a window holds its instant, starts on a multiple of its length, and Retry-After is 1 … length seconds to its end', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4_102_444_800_000 }), fc.constantFrom(60, 15 * 60, 3600), (epochMs, seconds) => {
        const now = new Date(epochMs);
        const window = fixedWindow(now, seconds);
        expect(window.start % seconds).toBe(0);
        expect(window.end - window.start).toBe(seconds);
        expect(window.start * 1000).toBeLessThanOrEqual(epochMs);
        expect(window.end * 1000).toBeGreaterThan(epochMs);
        const retryAfter = retryAfterSeconds(window, now);
        expect(retryAfter).toBeGreaterThanOrEqual(1);
        expect(retryAfter).toBeLessThanOrEqual(seconds);
        expect(retryAfter).toBe(Math.max(1, Math.ceil(window.end - epochMs / 1000)));
        // The last millisecond of a window and the first of the next are in different windows.
        expect(fixedWindow(new Date(window.end * 1000 - 1), seconds).start).toBe(window.start);
        expect(fixedWindow(new Date(window.end * 1000), seconds).start).toBe(window.end);
      }),
    );
  });
});
