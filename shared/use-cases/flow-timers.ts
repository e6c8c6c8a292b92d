// The timers of a waiting session (docs/flow-engine-service.md, "Timers"):
// which ones a stored session needs, what each is called, and whether a timer
// that fires still belongs to the session's wait. Pure; the flow use cases set
// them before a sprint is stored and fire them (flows.ts fireTimer).
import { createHash } from 'node:crypto';
import type { SessionJSON } from '#flows/session';
import type { FlowTimer, StoredSession } from './flow-ports';

/** EventBridge Scheduler's limit on a schedule's name (characters 0-9 a-z A-Z - _ .). */
export const MAX_TIMER_NAME_LENGTH = 64;

/**
 * The schedule name of a timer: its kind, the session, and a digest of the
 * wait's identity (version and instant). The same timer always gets the same
 * name, so setting it again (a retried store) makes no second schedule, and
 * two waits never share one.
 */
export function timerName(timer: Pick<FlowTimer, 'kind' | 'session' | 'version' | 'at'>): string {
  const digest = createHash('sha256').update(`${timer.kind}|${timer.session}|${timer.version}|${timer.at}`).digest('base64url').slice(0, 16);
  // 'timeout-' or 'expire-' (8) + a uuid (36) + '-' + 16 = 61 at most.
  return `${timer.kind === 'timeout' ? 'timeout' : 'expire'}-${timer.session}-${digest}`;
}

/** The timers a stored session needs: none unless it waits; its expiration, and its timeout when the wait has one. */
export function timersOf(stored: Pick<StoredSession, 'workspace' | 'contact' | 'uuid' | 'status' | 'version' | 'expires_on' | 'timeout_on'>): FlowTimer[] {
  if (stored.status !== 'waiting') return [];
  const base = { workspace: stored.workspace, contact: stored.contact, session: stored.uuid, version: stored.version };
  return [
    ...(stored.timeout_on ? [{ ...base, kind: 'timeout' as const, at: stored.timeout_on }] : []),
    ...(stored.expires_on ? [{ ...base, kind: 'expiration' as const, at: stored.expires_on }] : []),
  ];
}

/** Whether the stored session still waits the wait this timer was set for (a later sprint, or a firing before, moved it on). */
export function timerIsCurrent(timer: FlowTimer, stored: StoredSession | null): boolean {
  if (!stored || stored.uuid !== timer.session || stored.version !== timer.version || stored.status !== 'waiting') return false;
  const wait = (stored.session as SessionJSON).wait;
  return (timer.kind === 'timeout' ? wait?.timeout_on : wait?.expires_on) === timer.at;
}
