// Backoffs. For retrying after a lost race (a concurrent write won): "full
// jitter", so racing writers spread out instead of colliding again in lockstep.
// For a queue message that failed: the wait before the next try doubles with
// each receive, up to a cap.

export function backoffDelayMs(attempt: number, baseMs = 10, capMs = 250): number {
  return Math.random() * Math.min(capMs, baseMs * 2 ** attempt);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Seconds before the next try of a message that failed on its `receiveCount`-th receive: base, 2 × base, 4 × base … at most `capSeconds`. */
export function retryBackoffSeconds(receiveCount: number, baseSeconds: number, capSeconds: number): number {
  return Math.min(capSeconds, baseSeconds * 2 ** Math.max(0, receiveCount - 1));
}
