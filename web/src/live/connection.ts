// The inbox's one WebSocket to `/live`: it says which ticket is open
// (`subscribe`), that the agent is writing (`typing`, at most every 3 s) and
// keeps the line alive (`ping`). When the socket drops it tries again with
// exponential backoff and jitter — every open tab of a workspace lost its
// socket at the same moment when the server restarted, and they should not all
// come back in the same second. Framework-free: LiveProvider binds it to React.
import { parseEvent, type ClientFrame, type LiveEvent } from './events';

/** `connecting`: the first attempt; `open`: events flow; `offline`: lost or refused, retrying (the inbox polls meanwhile). */
export type LiveState = 'connecting' | 'open' | 'offline';

/** What the connection needs of a WebSocket (the browser's, or a test's stand-in). */
export interface SocketLike {
  send(data: string): void;
  close(): void;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: unknown) => void) | null;
  onerror: ((event: unknown) => void) | null;
}

export const TYPING_EVERY_MS = 3_000;
/** API Gateway drops a connection idle for 10 minutes; a ping a minute also finds a dead line (no pong) soon. */
export const PING_EVERY_MS = 60_000;
export const PONG_TIMEOUT_MS = 10_000;
export const RECONNECT_BASE_MS = 1_000;
export const RECONNECT_CAP_MS = 30_000;

/**
 * The wait before reconnect attempt `attempt` (0 = the first after a drop): the exponential step
 * min(cap, base·2^attempt), of which a random half ("equal jitter") — never less than half the step,
 * so a dead server is not hammered, and tabs that dropped together spread out.
 */
export function reconnectDelayMs(attempt: number, random: () => number = Math.random): number {
  const step = Math.min(RECONNECT_CAP_MS, RECONNECT_BASE_MS * 2 ** Math.min(attempt, 30));
  return step / 2 + random() * (step / 2);
}

/** `/live` on the page's own origin: ws: under http:, wss: under https:. */
export function liveUrl(location: { protocol: string; host: string }): string {
  return `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}/live`;
}

export interface LiveConnectionOptions {
  url: string;
  createSocket?: (url: string) => SocketLike;
  random?: () => number;
  /** Every server event (pong and subscribed included). */
  onEvent(event: LiveEvent): void;
  onState?(state: LiveState): void;
  /** Each time the socket opens: events missed while it was down are not replayed, so refetch once. */
  onOpen?(): void;
}

export class LiveConnection {
  private socket: SocketLike | null = null;
  private current: LiveState = 'connecting';
  private ticket: string | null = null;
  /** Reconnect attempts since the server last answered. */
  private attempt = 0;
  private stopped = true;
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  private pingTimer: ReturnType<typeof setInterval> | undefined;
  private pongTimer: ReturnType<typeof setTimeout> | undefined;
  private lastTyping: { ticket: string; at: number } | null = null;
  private readonly createSocket: (url: string) => SocketLike;

  constructor(private readonly options: LiveConnectionOptions) {
    this.createSocket = options.createSocket ?? ((url) => new WebSocket(url) as unknown as SocketLike);
  }

  get state(): LiveState {
    return this.current;
  }

  /** The ticket whose conversation is open (what the server was told). */
  get subscribedTicket(): string | null {
    return this.ticket;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.reconnectTimer);
    this.dropSocket();
  }

  /** Reconnects now if waiting to (the browser came back online): the backoff was for a server, not a network, that was down. */
  retryNow(): void {
    if (this.stopped || this.socket) return;
    clearTimeout(this.reconnectTimer);
    this.attempt = 0;
    this.connect();
  }

  subscribe(ticket: string | null): void {
    this.ticket = ticket;
    this.send({ action: 'subscribe', ticket_uuid: ticket });
  }

  /** The agent wrote in a reply or note of `ticket`: tells the others, at most every TYPING_EVERY_MS. */
  typing(ticket: string): void {
    if (this.current !== 'open') return;
    const now = Date.now();
    if (this.lastTyping && this.lastTyping.ticket === ticket && now - this.lastTyping.at < TYPING_EVERY_MS) return;
    this.lastTyping = { ticket, at: now };
    this.send({ action: 'typing', ticket_uuid: ticket });
  }

  private send(frame: ClientFrame): void {
    if (this.current === 'open') this.socket?.send(JSON.stringify(frame));
  }

  private setState(state: LiveState): void {
    if (state === this.current) return;
    this.current = state;
    this.options.onState?.(state);
  }

  private connect(): void {
    let socket: SocketLike;
    try {
      socket = this.createSocket(this.options.url);
    } catch {
      // No WebSocket here (or a malformed URL): stay on polling, try again later.
      this.scheduleReconnect();
      return;
    }
    this.socket = socket;
    socket.onopen = () => {
      if (this.socket !== socket) return;
      this.setState('open');
      this.send({ action: 'subscribe', ticket_uuid: this.ticket });
      this.pingTimer = setInterval(() => this.ping(), PING_EVERY_MS);
      this.options.onOpen?.();
    };
    socket.onmessage = (message) => {
      if (this.socket !== socket) return;
      // Any frame shows the line is alive, and that the server takes us (reset the backoff only then:
      // a server that accepts and drops at once must not be retried every second).
      clearTimeout(this.pongTimer);
      this.pongTimer = undefined;
      this.attempt = 0;
      const event = parseEvent(message.data);
      if (event) this.options.onEvent(event);
    };
    socket.onclose = () => {
      if (this.socket !== socket) return;
      this.lost();
    };
    // An error is followed by close; close decides.
    socket.onerror = () => undefined;
  }

  private ping(): void {
    this.send({ action: 'ping' });
    if (this.pongTimer === undefined) this.pongTimer = setTimeout(() => this.lost(), PONG_TIMEOUT_MS);
  }

  private lost(): void {
    this.dropSocket();
    if (this.stopped) return;
    this.setState('offline');
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.stopped) return;
    this.setState('offline');
    const delay = reconnectDelayMs(this.attempt, this.options.random);
    this.attempt += 1;
    this.reconnectTimer = setTimeout(() => this.connect(), delay);
  }

  private dropSocket(): void {
    clearInterval(this.pingTimer);
    clearTimeout(this.pongTimer);
    this.pingTimer = undefined;
    this.pongTimer = undefined;
    const socket = this.socket;
    this.socket = null;
    this.lastTyping = null;
    if (!socket) return;
    socket.onopen = socket.onmessage = socket.onclose = socket.onerror = null;
    try {
      socket.close();
    } catch {
      // already closed
    }
  }
}
