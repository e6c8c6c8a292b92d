// The pure rules: which counters a ticket state adds to, and what a change does to them.
import { describe, expect, it } from 'vitest';
import { countDeltas, countKeysOf, type TicketCountImage } from '#domain/folder-counts';

const open: TicketCountImage = { status: 'open', assignee_uuid: null, topic_uuid: 'p1' };

describe('folder counters', () => {
  it('a ticket counts in All, in Mine or Unassigned and in its topic, for its status (the count items’ sort keys in docs/architecture.md)', () => {
    expect(countKeysOf(open)).toEqual(['STATUS#open', 'ASSIGNEE#none#STATUS#open', 'TOPIC#p1#STATUS#open']);
    expect(countKeysOf({ status: 'closed', assignee_uuid: 'u1', topic_uuid: 'p2' })).toEqual([
      'STATUS#closed',
      'ASSIGNEE#u1#STATUS#closed',
      'TOPIC#p2#STATUS#closed',
    ]);
  });

  it('a new ticket adds one to each of its counters', () => {
    expect(Object.fromEntries(countDeltas(null, open))).toEqual({ 'STATUS#open': 1, 'ASSIGNEE#none#STATUS#open': 1, 'TOPIC#p1#STATUS#open': 1 });
  });

  it('closing moves the ticket from every open counter to the closed ones', () => {
    expect(Object.fromEntries(countDeltas(open, { ...open, status: 'closed' }))).toEqual({
      'STATUS#open': -1,
      'ASSIGNEE#none#STATUS#open': -1,
      'TOPIC#p1#STATUS#open': -1,
      'STATUS#closed': 1,
      'ASSIGNEE#none#STATUS#closed': 1,
      'TOPIC#p1#STATUS#closed': 1,
    });
  });

  it('assigning moves it from Unassigned to the assignee only; a topic change between topics only', () => {
    expect(Object.fromEntries(countDeltas(open, { ...open, assignee_uuid: 'u1' }))).toEqual({
      'ASSIGNEE#none#STATUS#open': -1,
      'ASSIGNEE#u1#STATUS#open': 1,
    });
    expect(Object.fromEntries(countDeltas(open, { ...open, topic_uuid: 'p2' }))).toEqual({ 'TOPIC#p1#STATUS#open': -1, 'TOPIC#p2#STATUS#open': 1 });
  });

  it('a change that moves no folder (a note) changes nothing; a deleted ticket leaves its counters', () => {
    expect(countDeltas(open, { ...open }).size).toBe(0);
    expect(Object.fromEntries(countDeltas(open, null))).toEqual({ 'STATUS#open': -1, 'ASSIGNEE#none#STATUS#open': -1, 'TOPIC#p1#STATUS#open': -1 });
  });
});
