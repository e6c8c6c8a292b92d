// Fixed-window rate limits: a counter per (subject, window); a request is let
// through while the window's counter is below the limit. One conditional
// increment per request decides it (the storage adapter), so no read comes
// first. The price of the fixed window: a client may spend a window's budget
// at its very end and the next one at the start of the next, up to twice the
// limit across the boundary — accepted for a limit meant to stop runaway
// scripts, not to meter them.
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
