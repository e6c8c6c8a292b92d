// The live connection against a stand-in socket and fake timers: subscribe on
// open, re-subscribe and refetch after a reconnect, backoff that grows with
// jitter and resets once the server answers, throttled typing, and the ping
// that finds a dead line.
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  LiveConnection, PING_EVERY_MS, PONG_TIMEOUT_MS, RECONNECT_BASE_MS, RECONNECT_CAP_MS, TYPING_EVERY_MS, liveUrl, reconnectDelayMs, type LiveState, type SocketLike,
} from './connection';
import type { LiveEvent } from './events';

class FakeSocket implements SocketLike {
  readonly sent: unknown[] = [];
  closed = false;
  onopen: SocketLike['onopen'] = null;
  onmessage: SocketLike['onmessage'] = null;
  onclose: SocketLike['onclose'] = null;
  onerror: SocketLike['onerror'] = null;
  send(data: string) {
    this.sent.push(JSON.parse(data));
  }
  close() {
    this.closed = true;
  }
  open() {
    this.onopen?.({});
  }
  receive(frame: unknown) {
    this.onmessage?.({ data: typeof frame === 'string' ? frame : JSON.stringify(frame) });
  }
  drop() {
    this.onerror?.({});
    this.onclose?.({});
  }
}

function harness(random = () => 0.5) {
  const sockets: FakeSocket[] = [];
  const events: LiveEvent[] = [];
  const states: LiveState[] = [];
  const onOpen = vi.fn();
  const connection = new LiveConnection({
    url: 'ws://inbox.test/live',
    random,
    createSocket: (url) => {
      expect(url).toBe('ws://inbox.test/live');
      const socket = new FakeSocket();
      sockets.push(socket);
      return socket;
    },
    onEvent: (event) => events.push(event),
    onState: (state) => states.push(state),
    onOpen,
  });
  return { connection, sockets, events, states, onOpen, last: () => sockets.at(-1)! };
}

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('the reconnect delay', () => {
  it('doubles from 1 s up to 30 s, each a random point in the upper half of its step', () => {
    expect(reconnectDelayMs(0, () => 0)).toBe(RECONNECT_BASE_MS / 2);
    expect(reconnectDelayMs(0, () => 0.999999)).toBeCloseTo(RECONNECT_BASE_MS, 0);
    expect(reconnectDelayMs(3, () => 0)).toBe(4_000);
    expect(reconnectDelayMs(10, () => 1)).toBe(RECONNECT_CAP_MS);
    fc.assert(
      fc.property(fc.nat({ max: 10_000 }), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (attempt, random) => {
        const step = Math.min(RECONNECT_CAP_MS, RECONNECT_BASE_MS * 2 ** attempt);
        const delay = reconnectDelayMs(attempt, () => random);
        return delay >= step / 2 && delay < step + 1e-9 && Number.isFinite(delay);
      }),
    );
  });

  it('is on the page’s own origin, wss under https', () => {
    expect(liveUrl({ protocol: 'https:', host: 'inbox.example.com' })).toBe('wss://inbox.example.com/live');
    expect(liveUrl({ protocol: 'http:', host: '127.0.0.1:8007' })).toBe('ws://127.0.0.1:8007/live');
  });
});

describe('the live connection', () => {
  it('subscribes on open, delivers events, and after a drop reconnects with growing backoff, re-subscribes and refetches', () => {
    const { connection, sockets, events, states, onOpen, last } = harness(() => 0);
    connection.subscribe('t1'); // before open: remembered, sent on open
    connection.start();
    expect(connection.state).toBe('connecting');
    last().open();
    expect(connection.state).toBe('open');
    expect(last().sent).toEqual([{ action: 'subscribe', ticket_uuid: 't1' }]);
    expect(onOpen).toHaveBeenCalledTimes(1);
    last().receive({ type: 'subscribed', ticket_uuid: 't1' });
    last().receive('not json');
    last().receive({ type: 'counts_changed', version: '2', counts: { all: 1, unassigned: 1, mine: 0, topics: [] } });
    expect(events.map((event) => event.type)).toEqual(['subscribed', 'counts_changed']);

    // The server goes away and refuses three times: 0.5 s, 1 s, 2 s (random 0: the lower bound).
    last().drop();
    expect(connection.state).toBe('offline');
    for (const wait of [500, 1_000, 2_000]) {
      const before = sockets.length;
      vi.advanceTimersByTime(wait - 1);
      expect(sockets.length).toBe(before);
      vi.advanceTimersByTime(1);
      expect(sockets.length).toBe(before + 1);
      last().drop();
    }
    vi.advanceTimersByTime(4_000);
    last().open();
    expect(last().sent).toEqual([{ action: 'subscribe', ticket_uuid: 't1' }]);
    expect(onOpen).toHaveBeenCalledTimes(2);
    expect(states).toEqual(['open', 'offline', 'open']);

    // The server answered: the next drop starts again from the first step.
    last().receive({ type: 'subscribed', ticket_uuid: 't1' });
    last().drop();
    const before = sockets.length;
    vi.advanceTimersByTime(500);
    expect(sockets.length).toBe(before + 1);
    connection.stop();
  });

  it('keeps backing off from a server that accepts and drops before answering anything', () => {
    const { connection, sockets, last } = harness(() => 0);
    connection.start();
    for (const wait of [500, 1_000, 2_000, 4_000]) {
      last().open();
      last().drop();
      const before = sockets.length;
      vi.advanceTimersByTime(wait - 1);
      expect(sockets.length).toBe(before);
      vi.advanceTimersByTime(1);
      expect(sockets.length).toBe(before + 1);
    }
    connection.stop();
  });

  it('sends typing at most every 3 s per ticket, and only while open', () => {
    const { connection, last } = harness();
    connection.start();
    connection.typing('t1');
    last().open();
    const typing = () => last().sent.filter((frame) => (frame as { action: string }).action === 'typing');
    for (let i = 0; i < 30; i++) {
      connection.typing('t1');
      vi.advanceTimersByTime(200); // a keystroke every 200 ms for 6 s
    }
    expect(typing()).toHaveLength(2);
    connection.typing('t2');
    expect(typing()).toEqual([{ action: 'typing', ticket_uuid: 't1' }, { action: 'typing', ticket_uuid: 't1' }, { action: 'typing', ticket_uuid: 't2' }]);
    vi.advanceTimersByTime(TYPING_EVERY_MS);
    connection.stop();
  });

  it('pings every minute and, without an answer in 10 s, drops the line and reconnects', () => {
    const { connection, sockets, last } = harness(() => 0);
    connection.start();
    last().open();
    const first = last();
    vi.advanceTimersByTime(PING_EVERY_MS);
    expect(first.sent.at(-1)).toEqual({ action: 'ping' });
    first.receive({ type: 'pong' });
    vi.advanceTimersByTime(PONG_TIMEOUT_MS);
    expect(connection.state).toBe('open');
    vi.advanceTimersByTime(PING_EVERY_MS - PONG_TIMEOUT_MS);
    vi.advanceTimersByTime(PONG_TIMEOUT_MS);
    expect(first.closed).toBe(true);
    expect(connection.state).toBe('offline');
    vi.advanceTimersByTime(500);
    expect(sockets.length).toBe(2);
    connection.stop();
  });

  it('stops for good: no reconnect after stop, and retryNow (back online) skips the wait', () => {
    const { connection, sockets, last } = harness(() => 0.9);
    connection.start();
    last().drop();
    connection.retryNow();
    expect(sockets.length).toBe(2);
    connection.stop();
    expect(last().closed).toBe(true);
    vi.advanceTimersByTime(60_000);
    expect(sockets.length).toBe(2);
  });

  it('stays on polling when the browser has no WebSocket, and tries again later', () => {
    let calls = 0;
    const connection = new LiveConnection({
      url: 'ws://inbox.test/live',
      random: () => 0,
      createSocket: () => {
        calls += 1;
        throw new Error('no WebSocket');
      },
      onEvent: () => undefined,
    });
    connection.start();
    expect(connection.state).toBe('offline');
    vi.advanceTimersByTime(500);
    expect(calls).toBe(2);
    connection.stop();
  });
});
