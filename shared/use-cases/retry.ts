import { backoffDelayMs, sleep } from '#domain/backoff';
import { ConflictError } from '#domain/errors';
import { StaleWriteError } from './ports';

/**
 * Enough attempts that 20 writers racing on one ticket all get through: each
 * round at least one wins, and full-jitter backoff spreads the rest out.
 */
export const STALE_WRITE_ATTEMPTS = 40;

/**
 * Optimistic concurrency: runs `attempt` (read, decide, conditional write)
 * again whenever its write lost a race, so the decision is always made on
 * fresh state. Gives up with ConflictError after STALE_WRITE_ATTEMPTS.
 */
export async function retryOnStaleWrite<T>(attempt: () => Promise<T>, attempts = STALE_WRITE_ATTEMPTS): Promise<T> {
  for (let round = 0; ; round++) {
    try {
      return await attempt();
    } catch (error) {
      if (!(error instanceof StaleWriteError)) throw error;
      if (round + 1 >= attempts)
        throw new ConflictError('concurrent_modification', 'Too many concurrent changes; try again.');
      await sleep(backoffDelayMs(round, 5, 200));
    }
  }
}
