// A chat gateway on a free local port, standing in for the third-party
// service a channel sends through (an External API gateway, Telegram's Bot
// API): it records every request byte for byte and answers what the test
// scripts, so tests check what really went over the socket.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  /** Path and query as sent. */
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
  receivedAt: number;
}

export interface ScriptedAnswer {
  status: number;
  body?: string;
  contentType?: string;
}

export interface GatewayStandIn {
  url: string;
  requests: RecordedRequest[];
  /** Answers the next requests with these, in order; afterwards `fallback` (200 `{"ok":true}` by default). */
  script(...answers: ScriptedAnswer[]): void;
  /** Chooses the answer per request (e.g. a Telegram stand-in answering by method); overrides the script. */
  answerWith(answer: (request: RecordedRequest) => ScriptedAnswer): void;
  /** Waits until `count` requests matching `filter` have arrived. */
  waitFor(count: number, filter?: (request: RecordedRequest) => boolean, timeoutMs?: number): Promise<RecordedRequest[]>;
  stop(): Promise<void>;
}

export async function startGatewayStandIn(): Promise<GatewayStandIn> {
  const requests: RecordedRequest[] = [];
  const scripted: ScriptedAnswer[] = [];
  let chooser: ((request: RecordedRequest) => ScriptedAnswer) | undefined;
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const recorded: RecordedRequest = {
        method: request.method ?? '',
        url: request.url ?? '',
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        receivedAt: Date.now(),
      };
      requests.push(recorded);
      const answer = chooser?.(recorded) ?? scripted.shift() ?? { status: 200, body: '{"ok":true}' };
      response.writeHead(answer.status, { 'content-type': answer.contentType ?? 'application/json' });
      response.end(answer.body ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    script: (...answers) => void scripted.push(...answers),
    answerWith: (answer) => void (chooser = answer),
    async waitFor(count, filter = () => true, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const matching = requests.filter(filter);
        if (matching.length >= count) return matching;
        if (Date.now() > deadline) {
          throw new Error(`gateway stand-in: ${matching.length} of ${count} expected requests after ${timeoutMs} ms; got ${JSON.stringify(requests.map((r) => `${r.method} ${r.url} ${r.body.slice(0, 120)}`))}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
