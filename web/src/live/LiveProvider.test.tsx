// @vitest-environment happy-dom
// The inbox with live updates, against a fake API (fetch) and a stand-in
// WebSocket: the socket subscribes the open ticket, events change the list,
// the counts and the typing line without a request, polling is off while the
// socket is open and back (with a quiet notice) when it drops.
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { App, createQueryClient } from '../App';
import { navigate } from '../router';
import { POLL_INTERVAL_MS } from './LiveProvider';
import { SHOW_TYPING_MS, TypingStore } from './typing';
import type { TicketRow } from './events';

const T = '0190a000-0000-7000-8000-0000000000a1';
const ana = { uuid: '0190a000-0000-7000-8000-0000000000f1', email: 'ana@example.com', name: 'Ana' };
const bruno = { uuid: '0190a000-0000-7000-8000-0000000000f2', email: 'bruno@example.com', name: 'Bruno' };
const topic = { uuid: '0190a000-0000-7000-8000-0000000000c1', name: 'Billing' };
const ME = { user: ana, workspace: { uuid: 'w', name: 'Demo', api_rate_limit: null, created_on: '2026-11-24T10:00:00.000000Z' }, role: 'agent' };

const row = (uuid: string, name: string, version: number, patch: Partial<TicketRow> = {}): TicketRow => ({
  uuid, version, status: 'open', contact: { uuid: `c-${uuid}`, name }, topic, assignee: null, opened_on: '2026-11-29T10:00:00.000000Z', opened_by: null, opened_in: null,
  modified_on: `2026-11-29T10:00:0${version}.000000Z`, last_activity_on: `2026-11-29T10:00:0${version}.000000Z`, closed_on: null, replied_on: null, last_message: null, ...patch,
});

class FakeWebSocket {
  static all: FakeWebSocket[] = [];
  readonly sent: { action: string; ticket_uuid?: string | null }[] = [];
  onopen: ((event: unknown) => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  onclose: ((event: unknown) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;
  constructor(readonly url: string) {
    FakeWebSocket.all.push(this);
  }
  send(data: string) {
    this.sent.push(JSON.parse(data));
  }
  close() {}
  push(event: unknown) {
    act(() => this.onmessage?.({ data: JSON.stringify(event) }));
  }
}

const json = (body: unknown) => new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } });
const requests: string[] = [];

beforeEach(() => {
  FakeWebSocket.all = [];
  requests.length = 0;
  vi.stubGlobal('WebSocket', FakeWebSocket);
  vi.stubGlobal('fetch', async (request: Request) => {
    const path = new URL(request.url).pathname;
    requests.push(path);
    if (path === '/me') return json(ME);
    if (path === '/folders') return json({ all: 1, unassigned: 1, mine: 0, topics: [{ ...topic, open: 1 }] });
    if (path === '/tickets') return json({ results: [row(T, 'Carla', 1)], next_cursor: null });
    if (path === `/tickets/${T}`) return json({ ticket: row(T, 'Carla', 1), history: [], contact: { uuid: `c-${T}`, name: 'Carla', language: null, urns: [], fields: {}, groups: [], open_ticket: T, created_on: '2026-11-29T10:00:00.000000Z', modified_on: '2026-11-29T10:00:00.000000Z' } });
    if (path === `/tickets/${T}/conversation`) return json({ results: [], next_cursor: null });
    if (path === '/topics') return json({ results: [] });
    return new Response('{"message":"Not Found"}', { status: 404 });
  });
  navigate(`/inbox/all/${T}`, { replace: true });
});
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe('the inbox with live updates', () => {
  it('subscribes the open ticket, applies events without a request, stops polling while open, and says so when it falls back', async () => {
    const queryClient = createQueryClient();
    render(<App queryClient={queryClient} locale="en" />);
    await screen.findByRole('heading', { name: 'Carla' });
    // (The list is virtualized, and happy-dom lays nothing out: its rows are read from the cache it draws from.)
    const listed = () => queryClient.getQueryData<{ pages: { results: TicketRow[] }[] }>(['tickets', 'all', 'open'])?.pages.flatMap((page) => page.results) ?? [];
    await waitFor(() => expect(listed().map((ticket) => ticket.contact.name)).toEqual(['Carla']));
    const socket = FakeWebSocket.all[0]!;
    expect(socket.url).toMatch(/^ws:\/\/.+\/live$/);
    const pollInterval = () => queryClient.getQueryCache().find({ queryKey: ['folders'] })?.observers[0]?.options.refetchInterval;
    expect(pollInterval()).toBe(POLL_INTERVAL_MS);

    act(() => socket.onopen?.({}));
    await waitFor(() => expect(socket.sent).toContainEqual({ action: 'subscribe', ticket_uuid: T }));
    expect(pollInterval()).toBe(false);
    await waitFor(() => expect(queryClient.isFetching()).toBe(0));
    const before = requests.length;

    // A flow opens a ticket: it joins the list and the counts change — no request.
    socket.push({ type: 'ticket_changed', ticket: row('0190a000-0000-7000-8000-0000000000a2', 'Diego', 3) });
    socket.push({ type: 'counts_changed', version: '7', counts: { all: 2, unassigned: 2, mine: 0, topics: [{ ...topic, open: 2 }] } });
    expect(listed().map((ticket) => ticket.contact.name)).toEqual(['Diego', 'Carla']);
    const folders = screen.getByRole('navigation', { name: 'Folders' });
    await waitFor(() => expect(within(folders).getByRole('link', { name: /^Unassigned/ }).textContent).toContain('2 open'));

    // A colleague takes Carla's ticket: it stays in All with the new assignee; a colleague writes a note.
    socket.push({ type: 'ticket_changed', ticket: row(T, 'Carla', 2, { assignee: bruno }) });
    expect(await screen.findByText('Assigned to Bruno')).toBeTruthy();
    expect(listed().find((ticket) => ticket.uuid === T)?.assignee).toEqual(bruno);
    socket.push({ type: 'typing', ticket_uuid: T, user: bruno });
    expect(await screen.findByText('Bruno is typing…')).toBeTruthy();
    expect(requests.slice(before).filter((path) => path !== `/tickets/${T}/conversation`)).toEqual([]);

    // The agent writes a note: the server hears it once for a burst of keys.
    const note = screen.getByRole('textbox', { name: 'Note' });
    for (const text of ['H', 'He', 'Hel']) fireEvent.change(note, { target: { value: text } });
    expect(socket.sent.filter((frame) => frame.action === 'typing')).toEqual([{ action: 'typing', ticket_uuid: T }]);

    // The socket drops: polling is back and a quiet status says so.
    expect(screen.getByRole('status').textContent).toBe('');
    act(() => socket.onclose?.({}));
    expect(pollInterval()).toBe(POLL_INTERVAL_MS);
    expect(screen.getByRole('status').textContent).toBe('Live updates are off: refreshing every 5 s.');
  });
});

describe('the typing store', () => {
  it('shows a colleague for 5 s after their last typing event, never the signed-in user', () => {
    vi.useFakeTimers();
    try {
      const store = new TypingStore(ana.uuid);
      const changes = vi.fn();
      store.listen(changes);
      store.show(T, ana);
      expect(store.who(T)).toEqual([]);
      store.show(T, bruno);
      vi.advanceTimersByTime(3_000);
      store.show(T, bruno);
      vi.advanceTimersByTime(SHOW_TYPING_MS - 1);
      expect(store.who(T)).toEqual([bruno]);
      vi.advanceTimersByTime(1);
      expect(store.who(T)).toEqual([]);
      expect(store.who('other')).toEqual([]);
      expect(changes).toHaveBeenCalled();
      store.dispose();
    } finally {
      vi.useRealTimers();
    }
  });
});
