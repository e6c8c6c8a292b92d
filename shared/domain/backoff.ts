// Backoff for retrying after a lost race (a concurrent write won): "full
// jitter", so racing writers spread out instead of colliding again in lockstep.

export function backoffDelayMs(attempt: number, baseMs = 10, capMs = 250): number {
  return Math.random() * Math.min(capMs, baseMs * 2 ** attempt);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
