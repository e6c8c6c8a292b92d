// A live-updates client for the end-to-end tests and the bench (bench/live-update-latency.ts): a real
// WebSocket to the local stack's WebSocket API that records every frame.
import { WebSocket } from 'ws';

export interface LiveClient {
  socket: WebSocket;
  /** Every frame received, parsed, in order. */
  frames: any[];
  send(frame: unknown): void;
  sendRaw(text: string): void;
  /** The first frame (from `from` on) that `match` accepts; rejects after `timeoutMs`. */
  next(match: (frame: any) => boolean, timeoutMs?: number, from?: number): Promise<any>;
  close(): Promise<void>;
}

/** Opens a connection with `?token=` (or none); resolves once open, rejects with the handshake's HTTP status when refused. */
export function connectLive(url: string, token: string | null, options: { headers?: Record<string, string> } = {}): Promise<LiveClient> {
  const target = token === null ? url : `${url}?token=${encodeURIComponent(token)}`;
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(target, { headers: options.headers ?? {} });
    const frames: any[] = [];
    const waiters = new Set<() => void>();
    socket.on('message', (data) => {
      frames.push(JSON.parse(data.toString()));
      for (const wake of waiters) wake();
    });
    socket.once('unexpected-response', (_request, response) => reject(Object.assign(new Error(`handshake refused: ${response.statusCode}`), { status: response.statusCode })));
    socket.once('error', reject);
    socket.once('open', () =>
      resolve({
        socket,
        frames,
        send: (frame) => socket.send(JSON.stringify(frame)),
        sendRaw: (text) => socket.send(text),
        next(match, timeoutMs = 15_000, from = 0) {
          return new Promise((found, fail) => {
            const look = () => {
              const frame = frames.slice(from).find(match);
              if (frame === undefined) return false;
              waiters.delete(wake);
              clearTimeout(timer);
              found(frame);
              return true;
            };
            const wake = () => void look();
            const timer = setTimeout(() => {
              waiters.delete(wake);
              fail(new Error(`no matching frame within ${timeoutMs} ms; got ${JSON.stringify(frames.slice(from)).slice(0, 2000)}`));
            }, timeoutMs);
            waiters.add(wake);
            look();
          });
        },
        close: () =>
          new Promise<void>((done) => {
            if (socket.readyState === WebSocket.CLOSED) return done();
            socket.once('close', () => done());
            socket.close();
          }),
      }),
    );
  });
}
