// Live updates in two browsers (issue 10): an administrator and an agent have
// the inbox open on the local stack, whose inbox server passes `/live` to the
// WebSocket API. While their sockets are open the inbox does not poll, so
// everything below arrives as events: a ticket opened through the API joins
// both Unassigned lists and counts, the administrator takes it and it leaves
// the agent's Unassigned, the contact's message appears in the open
// conversation, and the agent writing a note shows "typing…" to the other.
// Then the agent's socket drops and cannot come back for a while: the inbox
// says live updates are off, polls, and returns to live once it reconnects.
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { Browser, Page, WebSocketRoute } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import type { LocalStack } from '../../infra/local/stack';
import { SCREENSHOTS, checkScreen, invitationLink, launchChromium, newPage, startInboxStack } from './support';

let stack: LocalStack;
let browser: Browser;

beforeAll(async () => {
  [stack, browser] = await Promise.all([startInboxStack(), launchChromium()]);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

async function api(method: string, route: string, body?: unknown): Promise<{ status: number; body: any }> {
  const response = await fetch(`${stack.apiUrl}${route}`, {
    method,
    headers: { authorization: `Token ${stack.token}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}

/** An agent of the demo workspace who signs in with a password: invited, and the invitation accepted. */
async function newAgent(name: string): Promise<{ email: string; password: string }> {
  const email = `${name.split(' ')[0]!.toLowerCase()}.${randomUUID().slice(0, 8)}@example.com`;
  expect((await api('POST', '/invitations', { emails: [email], role: 'agent' })).status).toBe(201);
  const secret = new URL(invitationLink(stack, email)).searchParams.get('secret');
  const accepted = await fetch(`${stack.apiUrl}/invitations/accept`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ secret, name, password: 'a long password' }),
  });
  expect(accepted.status).toBe(201);
  return { email, password: 'a long password' };
}

async function signIn(page: Page, email: string, password: string) {
  await page.goto(`${stack.appUrl}/inbox/unassigned`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('link', { name: /^Unassigned/ }).waitFor();
}

const eventually = <T>(read: () => Promise<T> | T, timeout = 10_000) => expect.poll(read, { timeout, interval: 100 });
/** The connection's state, as the inbox's status line carries it. */
const liveState = (page: Page) => page.locator('[data-live]').getAttribute('data-live');
const unassignedCount = async (page: Page) => Number((await page.getByRole('link', { name: /^Unassigned/ }).locator('[aria-hidden="true"]').textContent()) ?? NaN);
const row = (page: Page, name: string) => page.getByRole('listitem', { name: new RegExp(name) });
const conversation = (page: Page) => page.getByRole('list', { name: 'Conversation' });

describe('live updates in the inbox', () => {
  it('two agents see a new ticket, its assignment, the contact’s message and a colleague typing, without polling or reloading', async () => {
    const agent = await newAgent('Bruno Agent');
    const admin = await newPage(browser);
    const other = await newPage(browser);
    const [a, b] = [admin.page, other.page];
    onTestFailed(async () => {
      await a.screenshot({ path: path.join(SCREENSHOTS, 'failed-live-a.png') });
      await b.screenshot({ path: path.join(SCREENSHOTS, 'failed-live-b.png') });
    });
    // The agent's socket passes through Playwright (to the real server), so the test can cut it below.
    let refuseLive = false;
    const agentSockets: WebSocketRoute[] = [];
    await other.context.routeWebSocket(/\/live$/, (socket) => {
      if (refuseLive) return socket.close();
      socket.connectToServer();
      agentSockets.push(socket);
    });
    await signIn(a, stack.email!, stack.password!);
    await signIn(b, agent.email, agent.password);
    // Both sockets open: from here on the inbox does not poll.
    await eventually(() => liveState(a)).toBe('open');
    await eventually(() => liveState(b)).toBe('open');
    const requestsOf = (page: Page) => {
      const paths: string[] = [];
      page.on('request', (request) => paths.push(new URL(request.url()).pathname));
      return paths;
    };
    const [countA, countB] = [await unassignedCount(a), await unassignedCount(b)];

    // A ticket opened through the API joins both Unassigned lists and counts.
    const phone = `+55119${Math.floor(10_000_000 + Math.random() * 89_999_999)}`;
    const requestsB = requestsOf(b);
    const started = Date.now();
    const opened = await api('POST', '/tickets', { contact: { uuid: randomUUID(), name: 'Lia Live', urns: [`tel:${phone}`] }, topic: null });
    expect(opened.status).toBe(201);
    await Promise.all([row(a, 'Lia Live').waitFor(), row(b, 'Lia Live').waitFor()]);
    const appearedMs = Date.now() - started;
    await eventually(() => unassignedCount(a)).toBe(countA + 1);
    await eventually(() => unassignedCount(b)).toBe(countB + 1);
    // Pushed, not fetched: the agent's inbox asked the API nothing meanwhile.
    expect(requestsB.filter((route) => route === '/tickets' || route === '/folders')).toEqual([]);

    // The administrator takes it: it leaves the agent's Unassigned at once.
    await row(a, 'Lia Live').getByRole('link').click();
    await a.getByRole('button', { name: 'Assign' }).click();
    const dialog = a.getByRole('dialog');
    await eventually(() => dialog.getByLabel('Agent').inputValue()).not.toBe('');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await eventually(() => row(b, 'Lia Live').count()).toBe(0);
    await eventually(() => unassignedCount(b)).toBe(countB);
    await checkScreen(b, 'live-01-agent-unassigned-after-take');

    // The agent opens the same ticket (All); the contact writes: the message appears in the administrator's conversation.
    await b.getByRole('link', { name: /^All/ }).click();
    await row(b, 'Lia Live').getByRole('link').click();
    await conversation(b).waitFor();
    const received = await fetch(stack.demoChannel!.receive_url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ from: phone, text: 'Is anyone there?' }).toString(),
    });
    expect(received.status).toBe(200);
    await eventually(() => conversation(a).textContent()).toContain('Is anyone there?');

    // The agent writes a note: the administrator sees "Bruno Agent is typing…".
    await b.getByRole('textbox', { name: 'Note', exact: true }).pressSequentially('Checking the order', { delay: 40 });
    await eventually(() => a.getByText('Bruno Agent is typing…').count()).toBe(1);
    await checkScreen(a, 'live-02-admin-sees-typing');

    // The agent's connection drops and the server stays out of reach: a quiet line says so, and the inbox polls.
    refuseLive = true;
    await Promise.all(agentSockets.map((socket) => socket.close()));
    await eventually(() => liveState(b)).toBe('offline');
    expect(await b.locator('[data-live]').textContent()).toBe('Live updates are off: refreshing every 5 s.');
    await checkScreen(b, 'live-03-agent-offline');
    const polled = requestsOf(b);
    await eventually(() => polled.filter((route) => route === '/folders').length, 12_000).toBeGreaterThan(0);
    // Reachable again: the next attempt (backoff) reconnects, the line goes, and the lists are read once.
    refuseLive = false;
    await eventually(() => liveState(b), 20_000).toBe('open');
    expect(await b.locator('[data-live]').textContent()).toBe('');
    console.log(`live updates: a new ticket appeared in both inboxes ${appearedMs} ms after the API answered`);
    await admin.context.close();
    await other.context.close();
  }, 180_000);
});
