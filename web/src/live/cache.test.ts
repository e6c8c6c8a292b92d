// Live events into the query cache (a real QueryClient, no network): folder
// membership, the version rule, message dedupe, and — as a property — that
// events in any order, repeated or late, never leave a row older than the
// newest event seen.
import { QueryClient, type InfiniteData } from '@tanstack/react-query';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Schemas } from '../api/client';
import type { FolderKey } from '../router';
import { LiveCache, belongsTo, placeRow, queryKeys } from './cache';
import type { ConversationMsg, LiveEvent, TicketRow } from './events';

const ME = { uuid: '0190a000-0000-7000-8000-0000000000a1', email: 'ana@example.com', name: 'Ana' };
const BRUNO = { uuid: '0190a000-0000-7000-8000-0000000000b1', email: 'bruno@example.com', name: 'Bruno' };
const BILLING = { uuid: '0190a000-0000-7000-8000-0000000000c1', name: 'Billing' };
const GENERAL = { uuid: '0190a000-0000-7000-8000-0000000000c2', name: 'General' };
const FOLDERS: FolderKey[] = ['all', 'unassigned', 'mine', `topic:${BILLING.uuid}`, `topic:${GENERAL.uuid}`];
const STATUSES = ['open', 'closed'] as const;

type TicketPage = { results: TicketRow[]; next_cursor: string | null };

/** The clock at second `s` of a morning, as the API writes it. */
const at = (s: number) => `2026-11-29T10:${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}.000000Z`;

function ticket(uuid: string, version: number, patch: Partial<TicketRow> = {}): TicketRow {
  return {
    uuid, version, status: 'open', contact: { uuid: `contact-${uuid}`, name: 'Carla' }, topic: BILLING, assignee: null,
    opened_on: at(0), opened_by: null, opened_in: null, modified_on: at(version), last_activity_on: at(version), closed_on: null, replied_on: null, last_message: null,
    ...patch,
  };
}

/** A REST row: GET /tickets lists the same view, version included. */
function rest(row: TicketRow): TicketRow {
  return { ...row };
}

function setup(rows: TicketRow[] = [], pages: (rows: TicketRow[]) => TicketPage[] = (rows) => [{ results: rows, next_cursor: null }]) {
  const queryClient = new QueryClient();
  for (const folder of FOLDERS)
    for (const status of STATUSES) {
      const members = rows.filter((row) => belongsTo(row, folder, status, ME.uuid)).sort((a, b) => b.last_activity_on.localeCompare(a.last_activity_on));
      const data = pages(members);
      queryClient.setQueryData<InfiniteData<TicketPage, unknown>>(queryKeys.list(folder, status), { pages: data, pageParams: data.map((_, i) => (i === 0 ? null : `c${i}`)) });
    }
  const cache = new LiveCache(queryClient, ME.uuid);
  const list = (folder: FolderKey, status: 'open' | 'closed' = 'open') =>
    queryClient.getQueryData<InfiniteData<TicketPage, unknown>>(queryKeys.list(folder, status))!.pages.flatMap((page) => page.results);
  const uuids = (folder: FolderKey, status: 'open' | 'closed' = 'open') => list(folder, status).map((row) => row.uuid);
  return { queryClient, cache, list, uuids };
}

describe('ticket events in the folder lists', () => {
  it('a new open ticket appears in All, Unassigned and its topic, in activity order, and in no closed list', () => {
    const { cache, uuids } = setup([rest(ticket('t-old', 1)), rest(ticket('t-late', 9))]);
    cache.apply({ type: 'ticket_changed', ticket: ticket('t-new', 5) }, null);
    expect(uuids('all')).toEqual(['t-late', 't-new', 't-old']);
    expect(uuids('unassigned')).toEqual(['t-late', 't-new', 't-old']);
    expect(uuids(`topic:${BILLING.uuid}`)).toContain('t-new');
    expect(uuids(`topic:${GENERAL.uuid}`)).toEqual([]);
    expect(uuids('mine')).toEqual([]);
    expect(uuids('all', 'closed')).toEqual([]);
  });

  it('a ticket taken by a colleague leaves Unassigned at once and stays in All; taken by me it joins Mine', () => {
    const { cache, uuids, list } = setup([rest(ticket('t1', 1))]);
    cache.apply({ type: 'ticket_changed', ticket: ticket('t1', 2, { assignee: BRUNO }) }, null);
    expect(uuids('unassigned')).toEqual([]);
    expect(list('all')[0]?.assignee).toEqual(BRUNO);
    expect(uuids('mine')).toEqual([]);
    cache.apply({ type: 'ticket_changed', ticket: ticket('t1', 3, { assignee: ME }) }, null);
    expect(uuids('mine')).toEqual(['t1']);
  });

  it('a closed ticket leaves the open folders and joins the closed lists; a topic change moves it between topics', () => {
    const { cache, uuids } = setup([rest(ticket('t1', 1))]);
    cache.apply({ type: 'ticket_changed', ticket: ticket('t1', 2, { topic: GENERAL }) }, null);
    expect(uuids(`topic:${BILLING.uuid}`)).toEqual([]);
    expect(uuids(`topic:${GENERAL.uuid}`)).toEqual(['t1']);
    cache.apply({ type: 'ticket_changed', ticket: ticket('t1', 3, { topic: GENERAL, status: 'closed', closed_on: at(3) }) }, null);
    for (const folder of FOLDERS) expect(uuids(folder), folder).toEqual([]);
    expect(uuids('all', 'closed')).toEqual(['t1']);
    expect(uuids('unassigned', 'closed')).toEqual(['t1']);
  });

  it('drops an event older than one already applied, and a repeated one', () => {
    const { cache, list } = setup();
    cache.apply({ type: 'ticket_changed', ticket: ticket('t1', 4, { assignee: BRUNO }) }, null);
    cache.apply({ type: 'ticket_changed', ticket: ticket('t1', 3) }, null);
    cache.apply({ type: 'ticket_changed', ticket: ticket('t1', 4, { assignee: BRUNO }) }, null);
    expect(list('all')).toEqual([ticket('t1', 4, { assignee: BRUNO })]);
  });

  it('never overwrites a newer REST row, and lets a newer event through', () => {
    const { cache, list } = setup([rest(ticket('t1', 5, { assignee: BRUNO }))]);
    cache.apply({ type: 'ticket_changed', ticket: ticket('t1', 4) }, null);
    expect(list('all')[0]?.assignee).toEqual(BRUNO);
    cache.apply({ type: 'ticket_changed', ticket: ticket('t1', 6, { assignee: ME }) }, null);
    expect(list('all')[0]?.assignee).toEqual(ME);
  });

  it('ticket_hidden removes the ticket everywhere; an older ticket_changed arriving late does not bring it back', () => {
    const { cache, uuids } = setup([rest(ticket('t1', 1)), rest(ticket('t2', 1))]);
    cache.apply({ type: 'ticket_hidden', ticket_uuid: 't1', version: 3 }, null);
    cache.apply({ type: 'ticket_changed', ticket: ticket('t1', 2) }, null);
    for (const folder of FOLDERS) expect(uuids(folder)).not.toContain('t1');
    cache.apply({ type: 'ticket_changed', ticket: ticket('t1', 4) }, null);
    expect(uuids('all')).toContain('t1');
  });

  it('does not add a row that sorts below what is loaded while more pages wait (paging brings it)', () => {
    const loaded = [ticket('a', 9), ticket('b', 8)].map(rest);
    expect(placeRow([{ results: loaded, next_cursor: 'more' }], 'z', ticket('z', 1))).toEqual([{ results: loaded, next_cursor: 'more' }]);
    expect(placeRow([{ results: loaded, next_cursor: null }], 'z', ticket('z', 1))[0]?.results.map((row) => row.uuid)).toEqual(['a', 'b', 'z']);
    // …and one that sorts within a later page goes there, not to the first.
    const pages = placeRow([{ results: loaded, next_cursor: 'c1' }, { results: [rest(ticket('c', 4))], next_cursor: null }], 'm', ticket('m', 6));
    expect(pages.map((page) => page.results.map((row) => row.uuid))).toEqual([['a', 'b'], ['m', 'c']]);
  });

  it('updates the open ticket’s detail by the same rule', () => {
    const { cache, queryClient } = setup();
    queryClient.setQueryData(queryKeys.detail('t1'), { ticket: rest(ticket('t1', 2)), history: [], contact: {} });
    cache.apply({ type: 'ticket_changed', ticket: ticket('t1', 1, { assignee: BRUNO }) }, null);
    expect(queryClient.getQueryData<{ ticket: TicketRow }>(queryKeys.detail('t1'))?.ticket.assignee).toBeNull();
    cache.apply({ type: 'ticket_changed', ticket: ticket('t1', 3, { assignee: BRUNO }) }, null);
    expect(queryClient.getQueryData<{ ticket: TicketRow }>(queryKeys.detail('t1'))?.ticket.assignee).toEqual(BRUNO);
  });

  it('a REST answer that started before an event does not undo it', () => {
    const { cache } = setup();
    cache.apply({ type: 'ticket_changed', ticket: ticket('t1', 3, { assignee: BRUNO }) }, null);
    const stale = { results: [rest(ticket('t2', 4)), rest(ticket('t1', 2))], next_cursor: null };
    expect(cache.reconcileList(stale, 'unassigned', 'open').results.map((row) => row.uuid)).toEqual(['t2']);
    expect(cache.reconcileList(stale, 'all', 'open').results).toEqual([rest(ticket('t2', 4)), ticket('t1', 3, { assignee: BRUNO })]);
    const fresh = { results: [rest(ticket('t1', 5))], next_cursor: null };
    expect(cache.reconcileList(fresh, 'unassigned', 'open')).toBe(fresh);
  });
});

describe('counts', () => {
  const counts = (all: number): Schemas['FolderCounts'] => ({ all, unassigned: all, mine: 0, topics: [] });

  it('replaces the folder counts only with a newer version, compared as decimal integers', () => {
    const { cache, queryClient } = setup();
    cache.apply({ type: 'counts_changed', version: '9', counts: counts(9) }, null);
    cache.apply({ type: 'counts_changed', version: '10', counts: counts(10) }, null);
    cache.apply({ type: 'counts_changed', version: '9', counts: counts(9) }, null);
    cache.apply({ type: 'counts_changed', version: 'x', counts: counts(1) }, null);
    expect(queryClient.getQueryData(queryKeys.folders)).toEqual(counts(10));
    cache.apply({ type: 'counts_changed', version: '123456789012345678901', counts: counts(11) }, null);
    expect(queryClient.getQueryData(queryKeys.folders)).toEqual(counts(11));
  });
});

describe('messages in the open conversation', () => {
  type Page = Schemas['ConversationPage'];
  const msg = (uuid: string, patch: Partial<ConversationMsg> = {}): ConversationMsg => ({
    uuid, direction: 'in', text: uuid, attachments: [], quick_replies: [], status: 'handled', urn: 'tel:+5511900000000', channel: null, user: null, flow: null,
    ticket_uuid: 't1', created_on: at(10), modified_on: at(10), failed_reason: null, ...patch,
  });
  const conversation = (queryClient: QueryClient) =>
    queryClient.getQueryData<InfiniteData<Page, unknown>>(queryKeys.conversation('t1'))!.pages.flatMap((page) => page.results.map((item) => item.uuid));

  it('adds a new message on top, once, however often it comes (the agent’s own reply: the POST and the event)', () => {
    const { cache, queryClient } = setup();
    const reply = msg('m2', { direction: 'out', user: ME, status: 'queued', created_on: at(20), modified_on: at(20) });
    queryClient.setQueryData<InfiniteData<Page, unknown>>(queryKeys.conversation('t1'), { pages: [{ results: [{ kind: 'msg', ...reply }, { kind: 'msg', ...msg('m1') }], next_cursor: null }], pageParams: [null] });
    cache.apply({ type: 'msg_created', msg: reply }, 't1');
    cache.apply({ type: 'msg_created', msg: msg('m3', { created_on: at(30), modified_on: at(30) }) }, 't1');
    cache.apply({ type: 'msg_created', msg: msg('m3', { created_on: at(30), modified_on: at(30) }) }, 't1');
    expect(conversation(queryClient)).toEqual(['m3', 'm2', 'm1']);
  });

  it('keeps a message received live when a REST page read before it was stored comes back without it', () => {
    const { cache } = setup();
    cache.apply({ type: 'msg_created', msg: msg('m3', { created_on: at(30), modified_on: at(30) }) }, 't1');
    const page: Page = { results: [{ kind: 'msg', ...msg('m1') }], next_cursor: null };
    expect(cache.reconcileConversation('t1', page, true).results.map((item) => item.uuid)).toEqual(['m3', 'm1']);
    expect(cache.reconcileConversation('t1', page, false)).toEqual(page);
    expect(cache.reconcileConversation('t2', page, true)).toBe(page);
  });

  it('moves a reply’s status forward, never back', () => {
    const { cache, queryClient } = setup();
    const reply = msg('m2', { direction: 'out', user: ME, status: 'queued', created_on: at(20), modified_on: at(20) });
    queryClient.setQueryData<InfiniteData<Page, unknown>>(queryKeys.conversation('t1'), { pages: [{ results: [{ kind: 'msg', ...reply }], next_cursor: null }], pageParams: [null] });
    const status = (value: ConversationMsg['status'], s: number, failed_reason: string | null = null) =>
      ({ type: 'msg_status_changed', msg: { uuid: 'm2', ticket_uuid: 't1', status: value, failed_reason, modified_on: at(s) } }) as LiveEvent;
    cache.apply(status('delivered', 25), 't1');
    cache.apply(status('wired', 22), 't1');
    const item = queryClient.getQueryData<InfiniteData<Page, unknown>>(queryKeys.conversation('t1'))!.pages[0]!.results[0] as ConversationMsg;
    expect([item.status, item.modified_on, item.text]).toEqual(['delivered', at(25), 'm2']);
  });

  it('puts a message without a ticket in the open conversation only while that ticket is open', () => {
    const { cache, queryClient } = setup();
    queryClient.setQueryData<InfiniteData<Page, unknown>>(queryKeys.conversation('t1'), { pages: [{ results: [], next_cursor: null }], pageParams: [null] });
    queryClient.setQueryData(queryKeys.detail('t1'), { ticket: rest(ticket('t1', 1, { status: 'closed' })) });
    cache.apply({ type: 'msg_created', msg: msg('m9', { ticket_uuid: null }) }, 't1');
    expect(conversation(queryClient)).toEqual([]);
    queryClient.setQueryData(queryKeys.detail('t1'), { ticket: rest(ticket('t1', 2)) });
    cache.apply({ type: 'msg_created', msg: msg('m9', { ticket_uuid: null }) }, 't1');
    expect(conversation(queryClient)).toEqual(['m9']);
  });
});

describe('the version rule, as a property', () => {
  const UUIDS = ['t1', 't2', 't3'];
  const MAX_VERSION = 8;
  /** What a ticket is at each version: visible in some state, or hidden from this user. */
  const stateArb = fc.record({
    hidden: fc.boolean(),
    status: fc.constantFrom('open' as const, 'closed' as const),
    assignee: fc.constantFrom(null, ME, BRUNO),
    topic: fc.constantFrom(BILLING, GENERAL),
    /** A version need not move the clocks (a late message only changes last_message). */
    tick: fc.integer({ min: 0, max: 1 }),
  });
  type State = typeof stateArb extends fc.Arbitrary<infer T> ? T : never;
  const historyArb = fc.array(stateArb, { minLength: MAX_VERSION, maxLength: MAX_VERSION });
  const scenarioArb = fc.record({
    histories: fc.tuple(historyArb, historyArb, historyArb),
    /** The events delivered, in delivery order: (ticket, version) pairs, repeats allowed. */
    deliveries: fc.array(fc.record({ ticket: fc.integer({ min: 0, max: 2 }), version: fc.integer({ min: 1, max: MAX_VERSION }) }), { maxLength: 40 }),
    /** The version each ticket had when the lists were fetched (0: not fetched). */
    seeds: fc.tuple(fc.nat({ max: MAX_VERSION }), fc.nat({ max: MAX_VERSION }), fc.nat({ max: MAX_VERSION })),
  });

  function stateAt(history: State[], uuid: string, version: number): TicketRow | null {
    const state = history[version - 1]!;
    if (state.hidden) return null;
    // The clocks never go back: each version moves them by its tick.
    const clock = history.slice(0, version).reduce((sum, step) => sum + step.tick, 0);
    return ticket(uuid, version, {
      status: state.status, assignee: state.assignee, topic: state.topic, closed_on: state.status === 'closed' ? at(clock) : null,
      modified_on: at(clock), last_activity_on: at(clock),
    });
  }

  it('events in any order, repeated or late, leave every list with the newest state seen, in order, once', () => {
    fc.assert(
      fc.property(scenarioArb, ({ histories, deliveries, seeds }) => {
        // REST rows carry the version here (what the contract asks of GET /tickets): exact in every order.
        const seeded = UUIDS.map((uuid, i) => (seeds[i]! > 0 ? stateAt(histories[i]!, uuid, seeds[i]!) : null));
        const { cache, list } = setup(seeded.filter((row): row is TicketRow => row !== null));
        const newest = new Map<string, number>(UUIDS.map((uuid, i) => [uuid, seeded[i] ? seeds[i]! : 0]));
        for (const { ticket: i, version } of deliveries) {
          const uuid = UUIDS[i]!;
          const state = stateAt(histories[i]!, uuid, version);
          cache.apply(state ? { type: 'ticket_changed', ticket: state } : { type: 'ticket_hidden', ticket_uuid: uuid, version }, null);
          newest.set(uuid, Math.max(newest.get(uuid)!, version));
        }
        for (const folder of FOLDERS)
          for (const status of STATUSES) {
            const rows = list(folder, status);
            expect(new Set(rows.map((row) => row.uuid)).size).toBe(rows.length);
            expect(rows.map((row) => row.last_activity_on)).toEqual(rows.map((row) => row.last_activity_on).sort().reverse());
            UUIDS.forEach((uuid, i) => {
              const version = newest.get(uuid)!;
              const expected = version > 0 ? stateAt(histories[i]!, uuid, version) : null;
              const row = rows.find((candidate) => candidate.uuid === uuid);
              if (expected && belongsTo(expected, folder, status, ME.uuid)) expect(row).toEqual(expected);
              else expect(row).toBeUndefined();
            });
          }
      }),
      { numRuns: 300 },
    );
  });

  it('against REST rows, no event older than a row overwrites it', () => {
    fc.assert(
      fc.property(scenarioArb, ({ histories, deliveries, seeds }) => {
        // Clocks that move with every version (tick 1) and no hidden states: what the clocks can decide.
        const strict = histories.map((history) => history.map((state) => ({ ...state, tick: 1, hidden: false })));
        const seeded = UUIDS.map((uuid, i) => (seeds[i]! > 0 ? stateAt(strict[i]!, uuid, seeds[i]!) : null));
        const { cache, list } = setup(seeded.filter((row): row is TicketRow => row !== null).map(rest));
        const newest = new Map<string, number>(UUIDS.map((uuid, i) => [uuid, seeded[i] ? seeds[i]! : 0]));
        for (const { ticket: i, version } of deliveries) {
          cache.apply({ type: 'ticket_changed', ticket: stateAt(strict[i]!, UUIDS[i]!, version)! }, null);
          newest.set(UUIDS[i]!, Math.max(newest.get(UUIDS[i]!)!, version));
        }
        for (const folder of FOLDERS)
          for (const status of STATUSES)
            UUIDS.forEach((uuid, i) => {
              const version = newest.get(uuid)!;
              const expected = version > 0 ? stateAt(strict[i]!, uuid, version) : null;
              const row = list(folder, status).find((candidate) => candidate.uuid === uuid);
              if (expected && belongsTo(expected, folder, status, ME.uuid)) expect(row && { ...row, version }).toEqual(expected);
              else expect(row).toBeUndefined();
            });
      }),
      { numRuns: 300 },
    );
  });
});
