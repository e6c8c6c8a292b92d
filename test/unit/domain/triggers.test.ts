import { describe, expect, it } from 'vitest';
import { assertNoTwin, closedTicketStartKey, matchingTrigger, validateTriggerInput, type ClosedTicketTrigger } from '#domain/triggers';

const group = (n: number) => ({ uuid: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`, name: `Group ${n}` });
let created = 0;
function trigger(flow: string, groups: number[] = [], exclude: number[] = []): ClosedTicketTrigger {
  created++;
  return {
    workspace: 'w',
    uuid: `10000000-0000-4000-8000-${String(created).padStart(12, '0')}`,
    flow: { uuid: flow, name: flow },
    groups: groups.map(group),
    exclude_groups: exclude.map(group),
    created_on: `2026-11-24T10:00:${String(created).padStart(2, '0')}.000000Z`,
    modified_on: '2026-11-24T10:00:00.000000Z',
  };
}
const member = (...groups: number[]) => new Set(groups.map((n) => group(n).uuid));

describe('matchingTrigger (RapidPro: the most specific by groups wins)', () => {
  const everyone = trigger('everyone');
  const notOptedOut = trigger('not-opted-out', [], [9]);
  const vips = trigger('vips', [1]);
  const vipsNotStaff = trigger('vips-not-staff', [1], [2]);
  const gold = trigger('gold', [3]);

  it('prefers include groups, then exclude groups, then none', () => {
    const all = [everyone, notOptedOut, vips, vipsNotStaff, gold];
    expect(matchingTrigger(all, member(1))?.flow.uuid).toBe('vips-not-staff');
    expect(matchingTrigger(all, member(1, 2))?.flow.uuid).toBe('vips');
    expect(matchingTrigger(all, member())?.flow.uuid).toBe('not-opted-out');
    expect(matchingTrigger(all, member(9))?.flow.uuid).toBe('everyone');
  });

  it('gives equally specific triggers to the oldest, whatever the storage order', () => {
    expect(matchingTrigger([gold, vips], member(1, 3))?.flow.uuid).toBe('vips');
    expect(matchingTrigger([vips, gold], member(1, 3))?.flow.uuid).toBe('vips');
  });

  it('matches nothing for an excluded contact or one outside the include groups', () => {
    expect(matchingTrigger([notOptedOut], member(9))).toBeNull();
    expect(matchingTrigger([vips], member(3))).toBeNull();
    expect(matchingTrigger([], member(1))).toBeNull();
  });
});

describe('trigger rules', () => {
  it('refuses a second trigger with the same groups, in any order', () => {
    const first = trigger('a', [1, 3], [2]);
    expect(() => assertNoTwin(trigger('b', [3, 1], [2]), [first])).toThrow(expect.objectContaining({ code: 'trigger_exists' }));
    expect(() => assertNoTwin(trigger('b', [1], [2]), [first])).not.toThrow();
    expect(() => assertNoTwin({ ...first, flow: { uuid: 'c', name: 'c' } }, [first])).not.toThrow();
  });

  it('refuses a group both included and excluded, naming the field', () => {
    expect(() => validateTriggerInput({ flow: { uuid: group(7).uuid }, groups: [group(1)], exclude_groups: [group(1)] })).toThrow(
      expect.objectContaining({ field: 'exclude_groups' }),
    );
    expect(() => validateTriggerInput({ flow: { uuid: 'nope' } })).toThrow(expect.objectContaining({ field: 'flow.uuid' }));
  });

  it('names each close by its ticket and version, so reopen + close is a new start', () => {
    expect(closedTicketStartKey('t', 4)).toBe('closed_ticket:t:4');
    expect(closedTicketStartKey('t', 6)).not.toBe(closedTicketStartKey('t', 4));
  });
});
