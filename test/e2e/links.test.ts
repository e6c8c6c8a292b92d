// Absolute links the API hands out work where they are served: on the local
// stack (plain HTTP on 127.0.0.1) RapidPro's `next` pages on, the invitation
// mail's link opens, and a channel's receive URL takes a message — each
// followed exactly as given, never rebuilt by the test.
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../infra/local/stack';
import { apiClient, startTestStack, ticketCommand } from './support';

let stack: LocalStack;
let api: ReturnType<typeof apiClient>;

beforeAll(async () => {
  stack = await startTestStack();
  api = apiClient(stack);
});

afterAll(async () => {
  await stack?.stop();
});

const auth = () => ({ authorization: `Token ${stack.token}` });

describe('links on the local stack', () => {
  it('follows RapidPro\'s next link through every page of tickets', async () => {
    const invoke = ticketCommand(stack);
    const workspace = stack.workspace!.uuid;
    // One page is 250 tickets: 260 open ones need a second page.
    for (let start = 0; start < 260; start += 20) {
      await Promise.all(
        Array.from({ length: 20 }, () =>
          invoke({ command: 'open_ticket', workspace, idempotency_key: randomUUID(), contact: { uuid: randomUUID(), name: 'Page Turner 📄' } }).then(({ body }) => {
            expect(body.ticket).toBeTruthy();
          }),
        ),
      );
    }
    const seen = new Set<string>();
    let next: string | null = `${stack.apiUrl}/api/v2/tickets.json`;
    let pages = 0;
    while (next) {
      expect(next.startsWith(`${stack.apiUrl}/`), next).toBe(true);
      const response = await fetch(next, { headers: auth() });
      expect(response.status).toBe(200);
      const page = (await response.json()) as { next: string | null; results: { uuid: string }[] };
      for (const ticket of page.results) seen.add(ticket.uuid);
      next = page.next;
      pages++;
    }
    expect(pages).toBeGreaterThanOrEqual(2);
    expect(seen.size).toBeGreaterThanOrEqual(260);
  }, 120_000);

  it('mails an invitation link that opens', async () => {
    const email = `link-${randomUUID().slice(0, 8)}@example.com`;
    expect((await api('POST', '/invitations', { emails: [email], role: 'agent' })).status).toBe(201);
    const message = readdirSync(stack.outboxDir)
      .map((file) => readFileSync(path.join(stack.outboxDir, file), 'utf8'))
      .find((text) => text.includes(email));
    const link = message?.match(/https?:\/\/\S+secret=[A-Za-z0-9_-]+/)?.[0];
    expect(link, 'a link in the mail').toBeDefined();
    expect(link!.startsWith(`${stack.apiUrl}/`), link).toBe(true);
    const opened = await fetch(link!, { headers: { accept: 'application/json' } });
    expect(opened.status).toBe(200);
    expect(await opened.json()).toMatchObject({ email });
  });

  it('mails a link into the inbox when the invitation was made through it, and that link opens the inbox\'s accept page', async () => {
    expect(stack.appUrl, 'the templates have the inbox distribution').toBeTruthy();
    const email = `inbox-link-${randomUUID().slice(0, 8)}@example.com`;
    const invited = await fetch(`${stack.appUrl}/invitations`, {
      method: 'POST',
      headers: { ...auth(), 'content-type': 'application/json' },
      body: JSON.stringify({ emails: [email], role: 'agent' }),
    });
    expect(invited.status).toBe(201);
    const message = readdirSync(stack.outboxDir)
      .map((file) => readFileSync(path.join(stack.outboxDir, file), 'utf8'))
      .find((text) => text.includes(email));
    const link = message?.match(/https?:\/\/\S+secret=[A-Za-z0-9_-]+/)?.[0];
    expect(link?.startsWith(`${stack.appUrl}/accept?`), link).toBe(true);
    const opened = await fetch(link!);
    expect(opened.status).toBe(200);
    expect(opened.headers.get('content-type')).toContain('text/html');
  });

  it('answers a channel receive URL that takes a message', async () => {
    const created = await api('POST', '/channels', { type: 'EX', name: `Links ${randomUUID().slice(0, 6)}`, config: { send_url: 'https://gateway.example/send' } });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const receiveUrl: string = created.body.receive_url;
    expect(receiveUrl.startsWith(`${stack.apiUrl}/`), receiveUrl).toBe(true);
    const received = await fetch(receiveUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ from: '+254700000009', text: 'hello from a link 👋' }).toString(),
    });
    expect(received.status).toBe(200);
  });

  it('answers a path that is not valid percent-encoding as the cloud does, on every origin: 404 from the API, 403 from the inbox\'s files', async () => {
    const viaApi = await fetch(`${stack.apiUrl}/tickets/%zz`, { headers: auth() });
    expect(viaApi.status).toBe(404);
    const viaInbox = await fetch(`${stack.appUrl}/tickets/%zz`, { headers: auth() });
    expect(viaInbox.status).toBe(404);
    const file = await fetch(`${stack.appUrl}/assets/%zz.js`);
    expect(file.status).toBe(403);
  });
});
