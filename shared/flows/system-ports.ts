// The real clock and UUID source for production use of the engine (tests
// pass predictable ones instead).
import { newId } from '#domain/ids';
import { nowTimestamp } from '#domain/time';
import type { Clock, UUIDSource } from './ports';

export const systemClock: Clock = { now: nowTimestamp };

/** UUID v7, like every other id in Ticketer. */
export const uuidV7: UUIDSource = { next: newId };
