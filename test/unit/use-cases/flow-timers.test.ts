// Flow timers' names and identity (shared/use-cases/flow-timers.ts) and their
// `at(…)` expressions (the Scheduler adapter): one name per wait, stable
// across retries, within Scheduler's limits; never firing early.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { atExpression } from '#adapters/scheduler/flow-timer-scheduler';
import type { FlowTimer, StoredSession } from '#use-cases/flow-ports';
import { MAX_TIMER_NAME_LENGTH, timerIsCurrent, timerName, timersOf } from '#use-cases/flow-timers';

const instant = fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2199-12-31T23:59:59Z'), noInvalidDate: true }).chain((date) =>
  // goflow's instants carry microseconds.
  fc.integer({ min: 0, max: 999 }).map((micros) => date.toISOString().replace('Z', `${String(micros).padStart(3, '0')}Z`)),
);
const timer: fc.Arbitrary<FlowTimer> = fc.record({
  kind: fc.constantFrom('timeout' as const, 'expiration' as const),
  workspace: fc.uuid(),
  contact: fc.uuid(),
  session: fc.uuid(),
  version: fc.integer({ min: 1, max: 2 ** 31 }),
  at: instant,
});

function waiting(overrides: Partial<StoredSession> = {}): StoredSession {
  const timeout_on = '2026-11-29T10:00:03.123456Z';
  const expires_on = '2026-12-06T10:00:00.123456Z';
  return {
    workspace: '01a226ca-2060-72cf-9409-c59ddff5168e',
    contact: '01a226ca-2060-72cf-9409-c59ddff5168f',
    uuid: '01a226ca-2060-72cf-9409-c59ddff51690',
    status: 'waiting',
    flow: { uuid: '01a226ca-2060-72cf-9409-c59ddff51691', name: 'Ask' },
    session: { wait: { run_uuid: 'r', node_uuid: 'n', timeout_on, expires_on } },
    timeout_on,
    expires_on,
    modified_on: '2026-11-29T10:00:00.000000Z',
    version: 7,
    ...overrides,
  };
}

describe('timer names', () => {
  it('fit Scheduler (at most 64 of [0-9a-zA-Z-_.]), name the session, and are the same for the same timer', () => {
    fc.assert(
      fc.property(timer, (t) => {
        const name = timerName(t);
        expect(name.length).toBeLessThanOrEqual(MAX_TIMER_NAME_LENGTH);
        expect(name).toMatch(/^[0-9a-zA-Z\-_.]+$/);
        expect(name).toContain(t.session);
        expect(timerName({ ...t })).toBe(name);
      }),
    );
  });

  it('differ when the kind, the session, the version or the instant differs (two waits never share a schedule)', () => {
    fc.assert(
      fc.property(timer, timer, (a, b) => {
        const same = a.kind === b.kind && a.session === b.session && a.version === b.version && a.at === b.at;
        expect(timerName(a) === timerName(b)).toBe(same);
      }),
    );
    const base = { kind: 'timeout' as const, session: '01a226ca-2060-72cf-9409-c59ddff51690', version: 3, at: '2026-11-29T10:00:03.000001Z' };
    expect(new Set([timerName(base), timerName({ ...base, version: 4 }), timerName({ ...base, at: '2026-11-29T10:00:03.000002Z' }), timerName({ ...base, kind: 'expiration' as const })]).size).toBe(4);
  });
});

describe('the timers of a stored session', () => {
  it('are its timeout and expiration while it waits, none otherwise', () => {
    const session = waiting();
    expect(timersOf(session).map((t) => [t.kind, t.at, t.version])).toEqual([
      ['timeout', session.timeout_on, 7],
      ['expiration', session.expires_on, 7],
    ]);
    expect(timersOf(waiting({ timeout_on: null })).map((t) => t.kind)).toEqual(['expiration']);
    expect(timersOf(waiting({ status: 'completed' }))).toEqual([]);
  });

  it('a timer is current only while the session waits that very wait', () => {
    const session = waiting();
    const [timeout, expiration] = timersOf(session);
    expect(timerIsCurrent(timeout!, session)).toBe(true);
    expect(timerIsCurrent(expiration!, session)).toBe(true);
    expect(timerIsCurrent(timeout!, null)).toBe(false);
    expect(timerIsCurrent(timeout!, { ...session, version: 8 })).toBe(false);
    expect(timerIsCurrent(timeout!, { ...session, status: 'completed' })).toBe(false);
    expect(timerIsCurrent(timeout!, { ...session, uuid: '01a226ca-2060-72cf-9409-c59ddff51699' })).toBe(false);
    // Another wait at the same version (a raced store): its instant tells it apart.
    expect(timerIsCurrent({ ...timeout!, at: '2026-11-29T10:00:03.999999Z' }, session)).toBe(false);
  });
});

describe('at(…) expressions', () => {
  it('are whole UTC seconds, never before the instant and less than a second after it', () => {
    fc.assert(
      fc.property(instant, (at) => {
        const expression = atExpression(at, 0);
        const match = /^at\((\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})\)$/.exec(expression);
        expect(match).not.toBeNull();
        const firesMicros = Date.parse(`${match![1]}Z`) * 1000;
        const wantedMicros = Date.parse(`${at.slice(0, 23)}Z`) * 1000 + Number(at.slice(23, 26));
        expect(firesMicros).toBeGreaterThanOrEqual(wantedMicros);
        expect(firesMicros - wantedMicros).toBeLessThan(1_000_000);
      }),
    );
    expect(atExpression('2026-11-29T10:00:03.000000Z', 0)).toBe('at(2026-11-29T10:00:03)');
    expect(atExpression('2026-11-29T10:00:03.000001Z', 0)).toBe('at(2026-11-29T10:00:04)');
  });

  it('are at least a second from now (a sprint that ended after a very short timeout)', () => {
    const now = Date.parse('2026-11-29T10:00:05.500Z');
    expect(atExpression('2026-11-29T10:00:03.000000Z', now)).toBe('at(2026-11-29T10:00:07)');
  });

  it('refuse what is not an instant', () => {
    expect(() => atExpression('soon')).toThrow(/not an instant/);
  });
});
