// The local stack's demo gateway: an External API (EX) gateway stand-in, so
// the demo workspace has a channel and a developer can play its contacts.
// It accepts the sends of courier's External API contract (POST with a JSON —
// or RapidPro's default form-encoded — body carrying `id`, `to`, `text`,
// `channel`), answers 200, appends each message as one JSON line to its
// outbox file, prints one line, and then reports the message delivered
// through the channel's `/c/ex/<channel>/delivered` route, as a real gateway
// does. It is part of the local stack (not of the tests: their gateway is
// test/support/gateway-stand-in.ts, which records and answers what a test
// scripts).
import { appendFileSync, mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import path from 'node:path';
import type { RunningEmulator } from './emulators';
import { closeServer, listen, readBody, sendJson } from './http-server';

/** The path the demo channel's `send_url` points at. */
export const DEMO_GATEWAY_SEND_PATH = '/send';

/**
 * The JSON body template of the demo channel (courier's `{{…}}` variables; with
 * `content_type: json` each is filled as a JSON string literal).
 */
export const DEMO_GATEWAY_BODY = '{"id":{{id}},"to":{{to}},"text":{{text}},"from":{{from}},"channel":{{channel}},"quick_replies":{{quick_replies}}}';

/** One line of the outbox file. */
export interface GatewayOutboxLine {
  time: string;
  to: string;
  text: string;
  id: string;
  channel: string;
}

export interface DemoGateway extends RunningEmulator {
  /** Where a channel sends (its `send_url`). */
  sendUrl: string;
  /** The JSON-lines file every accepted message is appended to. */
  outboxFile: string;
}

export interface DemoGatewayOptions {
  port: number;
  outboxFile: string;
  /** The HTTP API the delivery reports go to (`{apiUrl}/c/ex/<channel>/delivered`). */
  apiUrl: string;
  log: (line: string) => void;
  /** Wait this long after accepting a send before reporting it delivered (default 300 ms), so the status visibly moves. */
  deliveredAfterMs?: number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const REPORT_TRIES = 4;

/** The send's fields, from a JSON object or a form-encoded body; the refusal when it is neither. */
function readSend(contentType: string, body: string): { fields: Record<string, unknown> } | { status: 400 | 415; error: string } {
  const type = contentType.toLowerCase();
  if (type.includes('application/json')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      return { status: 400, error: 'The body is not valid JSON.' };
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return { status: 400, error: 'The JSON body must be an object.' };
    return { fields: parsed as Record<string, unknown> };
  }
  if (type.includes('application/x-www-form-urlencoded')) return { fields: Object.fromEntries(new URLSearchParams(body)) };
  return { status: 415, error: `Send a JSON (or form-encoded) body, not "${contentType || 'no content type'}".` };
}

/** The text on one console line: line breaks shown, long texts cut. */
function oneLine(text: string): string {
  const flat = text.replace(/\r?\n/g, ' ⏎ ');
  return flat.length > 160 ? `${flat.slice(0, 159)}…` : flat;
}

export async function startDemoGateway(options: DemoGatewayOptions): Promise<DemoGateway> {
  mkdirSync(path.dirname(options.outboxFile), { recursive: true });
  const apiUrl = options.apiUrl.replace(/\/+$/, '');
  const deliveredAfterMs = options.deliveredAfterMs ?? 300;
  const stopping = new AbortController();
  const reports = new Set<Promise<void>>();

  /** Reports `id` delivered on `channel`, retrying a few times while the API answers 429/5xx or cannot be reached. */
  async function reportDelivered(channel: string, id: string): Promise<void> {
    const wait = (ms: number) =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, ms);
        stopping.signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
      });
    await wait(deliveredAfterMs);
    let problem = '';
    for (let attempt = 1; attempt <= REPORT_TRIES && !stopping.signal.aborted; attempt++) {
      try {
        const response = await fetch(`${apiUrl}/c/ex/${channel}/delivered`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ id }).toString(),
          signal: stopping.signal,
        });
        const answer = await response.text();
        if (response.ok) return;
        problem = `${response.status} ${answer.slice(0, 200)}`;
        if (response.status !== 429 && response.status < 500) break;
      } catch (error) {
        if (stopping.signal.aborted) return;
        problem = (error as Error).message;
      }
      await wait(500 * attempt);
    }
    if (!stopping.signal.aborted) options.log(`gateway: the delivery report of ${id} was not accepted (${problem})`);
  }

  const server: Server = await listen(
    (request, response) => {
      void (async () => {
        const url = new URL(request.url ?? '/', 'http://localhost');
        if (request.method !== 'POST' || url.pathname !== DEMO_GATEWAY_SEND_PATH)
          return sendJson(response, 404, { error: `${request.method} ${url.pathname}: the demo gateway takes sends at POST ${DEMO_GATEWAY_SEND_PATH}` });
        const read = readSend(request.headers['content-type'] ?? '', (await readBody(request)).toString('utf8'));
        if (!('fields' in read)) return sendJson(response, read.status, { error: read.error });
        const send = read.fields;
        const field = (name: string) => (typeof send[name] === 'string' ? (send[name] as string) : '');
        const [id, to, text, channel] = [field('id'), field('to'), field('text'), field('channel')];
        if (!id || !to || !UUID.test(channel))
          return sendJson(response, 400, { error: 'A send needs id, to and channel (the channel uuid), as the demo channel body template gives them.' });
        const line: GatewayOutboxLine = { time: new Date().toISOString(), to, text, id, channel };
        appendFileSync(options.outboxFile, `${JSON.stringify(line)}\n`);
        options.log(`gateway ▸ to ${to}: ${oneLine(text)}`);
        sendJson(response, 200, { status: 'accepted', id });
        const report = reportDelivered(channel, id).catch((error: Error) => options.log(`gateway: ${error.message}`));
        reports.add(report);
        void report.finally(() => reports.delete(report));
      })().catch((error: Error) => {
        options.log(`gateway: ${error.message}`);
        if (!response.headersSent) sendJson(response, 500, { error: 'Internal error of the demo gateway' });
      });
    },
    options.port,
    'demo gateway',
  );
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the demo gateway is not listening on a TCP port');
  const endpoint = `http://127.0.0.1:${address.port}`;
  return {
    endpoint,
    port: address.port,
    sendUrl: `${endpoint}${DEMO_GATEWAY_SEND_PATH}`,
    outboxFile: options.outboxFile,
    async stop() {
      stopping.abort();
      await Promise.all(reports);
      await closeServer(server);
    },
  };
}
