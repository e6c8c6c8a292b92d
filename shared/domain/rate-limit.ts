// Fixed-window rate limits: a count per (subject, window); a request is let
// through while the window's count is below the limit. The price of the fixed
// window: a client may spend a window's budget at its very end and the next
// one at the start of the next, up to twice the limit across the boundary —
// accepted for a limit meant to stop runaway scripts, not to meter them.
//
// Two ways to keep the count:
// - exact (sign-in attempts, a channel's public routes): one conditional
//   increment of one item per request (the storage adapter), no read first;
// - batched and sharded (the API limit per workspace, WindowTally below): a
//   container counts a workspace's requests in memory and adds them to one of
//   a few shard items every batch, so a request costs a fraction of a write
//   and no single item takes every write (docs/benchmarks.md, "Rate limiting").
import { RateLimitedError } from './errors';

export interface RateLimit {
  /** Requests let through per window. */
  limit: number;
  windowSeconds: number;
}

/** RapidPro's default API limit: 3600 requests an hour per workspace. */
export const DEFAULT_API_REQUESTS_PER_HOUR = 3600;
export const API_RATE_WINDOW_SECONDS = 3600;

/** Sign-in attempts per email address: 10 every 15 minutes. */
export const SIGN_IN_RATE_LIMIT: RateLimit = { limit: 10, windowSeconds: 15 * 60 };

export interface FixedWindow {
  /** Epoch seconds the window starts at (its counter's key). */
  start: number;
  /** Epoch seconds the window ends at (the counter's expiry). */
  end: number;
}

export function fixedWindow(now: Date, windowSeconds: number): FixedWindow {
  const epochSeconds = Math.floor(now.getTime() / 1000);
  const start = epochSeconds - (epochSeconds % windowSeconds);
  return { start, end: start + windowSeconds };
}

/** Seconds until the window ends, at least 1 (what `Retry-After` says). */
export function retryAfterSeconds(window: FixedWindow, now: Date): number {
  return Math.max(1, Math.ceil(window.end - now.getTime() / 1000));
}

export function rateLimited(code: string, message: string, window: FixedWindow, now: Date): RateLimitedError {
  return new RateLimitedError(code, message, retryAfterSeconds(window, now));
}

export const MAX_API_REQUESTS_PER_HOUR = 1_000_000;

/** How the API's batched count behaves (WindowTally). */
export interface TallyPolicy {
  /** Shard items the window's count is spread over; a flush adds to one of them at random. */
  shards: number;
  /** The most requests a container admits before adding them to a shard. */
  maxBatch: number;
  /**
   * A batch is at most the headroom (limit − known count) divided by this, so
   * batches shrink as the window fills: near the limit every request is
   * written and every batch starts with a fresh read.
   */
  headroomDivisor: number;
  /** Requests counted here longer ago than this are written with the next request (a quiet container still publishes its count). */
  maxPendingAgeMs: number;
}

/**
 * 4 shards × batches of up to 50: the busiest shard item takes about one
 * write per 200 requests of the workspace (docs/benchmarks.md, "Rate limiting",
 * for the ceiling this gives and what it costs in accuracy).
 */
export const API_TALLY_POLICY: TallyPolicy = { shards: 4, maxBatch: 50, headroomDivisor: 16, maxPendingAgeMs: 5_000 };

/** Requests to admit before the next write: 1 … maxBatch, at most the headroom ÷ headroomDivisor. */
export function batchSize(limit: number, known: number, policy: TallyPolicy): number {
  return Math.max(1, Math.min(policy.maxBatch, Math.floor((limit - known) / policy.headroomDivisor)));
}

/** Where a window's count is shared between containers (the storage adapter: shard items). */
export interface TallyStore {
  /** The window's count as stored now (the sum of its shards, strongly consistent). */
  readTotal(): Promise<number>;
  /** Adds `count` requests to the window's stored count. */
  add(count: number): Promise<void>;
}

/**
 * What one container knows of one workspace's request count in one window,
 * and when it must read the shared count or add its own to it. The storage
 * adapter does the reading and writing this asks for; this holds the rules:
 *
 * - `known` is the shards' total at the last read plus what this container
 *   wrote since — a lower bound of the true count (counts only grow and reads
 *   are strongly consistent), so a refusal is never wrong: a workspace is
 *   never refused before it has made `limit` requests in the window;
 * - a request is admitted while `known + pending < limit` (`pending`: admitted
 *   here, not written yet), so one container alone is exact;
 * - with several containers, each may admit what the others have not written
 *   yet or it has not read yet: at most its current batch after the true count
 *   reaches the limit, so the overshoot is at most the sum of the containers'
 *   batches (≤ N × min(maxBatch, limit ÷ headroomDivisor) with N warm
 *   containers), plus the unwritten requests of containers that died;
 * - pending requests are written when the batch is full, when the oldest is
 *   older than maxPendingAgeMs, or when the limit is reached here (so the
 *   others learn of it); after a write the next batch starts with a read.
 */
export class WindowTally {
  /** The shards' total at the last read plus this container's writes since. */
  known = 0;
  /** Admitted here and not written yet. */
  pending = 0;
  /** Requests admitted here before the next write (set at each read). */
  batch = 1;
  private pendingSinceMs = 0;
  /** No read yet, or a write since the last one: the next batch starts with a read. */
  private mustRead = true;

  constructor(
    readonly windowStart: number,
    private readonly policy: TallyPolicy,
  ) {}

  /**
   * Whether to read the shards before this request: at the start of each
   * batch (the first, and after every write), but not once the known count
   * reached the limit (counts only grow: the window is spent).
   */
  needsRead(limit: number): boolean {
    return this.mustRead && this.pending === 0 && this.known < limit;
  }

  /** The shards' total, just read. */
  read(total: number, limit: number): void {
    this.known = Math.max(this.known, total);
    this.mustRead = false;
    this.batch = batchSize(limit, this.known, this.policy);
  }

  /** Counts one request unless the window's count, as known here, reached the limit; false: refused. */
  take(limit: number, nowMs: number): boolean {
    if (this.known + this.pending >= limit) return false;
    if (this.pending === 0) this.pendingSinceMs = nowMs;
    this.pending++;
    return true;
  }

  /** Whether to write the pending requests now. */
  flushDue(limit: number, nowMs: number): boolean {
    if (this.pending === 0) return false;
    return this.pending >= this.batch || this.known + this.pending >= limit || nowMs - this.pendingSinceMs >= this.policy.maxPendingAgeMs;
  }

  /** `count` pending requests were added to a shard. */
  written(count: number): void {
    this.known += count;
    this.pending -= count;
    this.mustRead = true;
  }

  /**
   * One request: reads the stored count if due, counts the request unless the
   * limit is reached, writes the pending requests if due; false: refused.
   * A container's admissions of one workspace must run one at a time.
   */
  async admit(limit: number, nowMs: number, store: TallyStore): Promise<boolean> {
    if (this.needsRead(limit)) this.read(await store.readTotal(), limit);
    const admitted = this.take(limit, nowMs);
    if (this.flushDue(limit, nowMs)) {
      const count = this.pending;
      await store.add(count);
      this.written(count);
    }
    return admitted;
  }
}
