// The agent inbox in a real browser (Debian's Chromium via playwright-core)
// against the local stack started here, seeded with the demo: the issue's
// whole story, an agent who may not manage logins, and both languages. Every
// screen passes axe-core (no serious or critical violation) and is kept as a
// screenshot in .artifacts/screenshots.
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { Browser, Page } from 'playwright-core';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import type { LocalStack } from '../../infra/local/stack';
import { SCREENSHOTS, checkScreen, invitationLink, launchChromium, newPage, startInboxStack } from './support';

let stack: LocalStack;
let browser: Browser;
/** The gateway stand-in of the External API channel: what the channel sends lands here. */
let gateway: Server;
const gatewayRequests: { url: string; body: string }[] = [];

beforeAll(async () => {
  gateway = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      gatewayRequests.push({ url: request.url ?? '', body });
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
  });
  await new Promise<void>((resolve) => gateway.listen(0, '127.0.0.1', resolve));
  [stack, browser] = await Promise.all([startInboxStack(), launchChromium()]);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
  await new Promise((resolve) => gateway?.close(resolve));
});

const gatewayUrl = () => {
  const address = gateway.address();
  return `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/send`;
};

const SURVEY = {
  version: '13',
  flows: [
    {
      uuid: randomUUID(),
      name: 'Satisfaction survey',
      spec_version: '14.4.2',
      language: 'eng',
      type: 'messaging',
      nodes: [{ uuid: randomUUID(), actions: [{ uuid: randomUUID(), type: 'send_msg', text: 'How did we do? Reply with a number from 1 to 5.' }], exits: [{ uuid: randomUUID() }] }],
    },
  ],
};

async function signIn(page: Page, email: string, password: string) {
  await page.goto(stack.appUrl);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await eventually(() => page.getByRole('navigation', { name: 'Main' }).isVisible()).toBe(true);
}

async function signOut(page: Page) {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByRole('button', { name: 'Sign in' }).waitFor();
}

/** Polls until the expectation holds (what the inbox shows follows the API within its 5 s polling). */
const eventually = <T>(read: () => Promise<T> | T) => expect.poll(read, { timeout: 20_000, interval: 250 });

const conversation = (page: Page) => page.getByRole('list', { name: 'Conversation' });

describe('the agent inbox', () => {
  it('carries the tutorial’s story: invite, trigger, take, read, note, reassign, close with the checkmark, find under Closed, reopen', async () => {
    const { context, page } = await newPage(browser);
    onTestFailed(() => page.screenshot({ path: path.join(SCREENSHOTS, 'failed-story.png') }).then(() => undefined));
    const agentEmail = `rita.${randomUUID().slice(0, 8)}@example.com`;

    // The administrator signs in and finds the demo tickets.
    await page.goto(stack.appUrl);
    await checkScreen(page, '01-sign-in');
    await signIn(page, stack.email!, stack.password!);
    await eventually(() => page.getByRole('link', { name: /^Unassigned/ }).textContent()).toMatch(/2/);
    await page.getByRole('link', { name: /^Billing/ }).click();
    // The list item shows the last message under the contact's name: the answer the flow opened the ticket on.
    await eventually(() => page.getByRole('listitem', { name: /Ana Souza/ }).locator('.row-message').textContent()).toBe('INV-2041');
    await page.getByRole('listitem', { name: /Ana Souza/ }).getByRole('link').click();
    await eventually(() => conversation(page).textContent()).toContain('INV-2041');
    await checkScreen(page, '02-tickets');

    // Manage Logins: invite an agent.
    await page.getByRole('link', { name: 'Manage Logins' }).click();
    await page.getByLabel('Email addresses').fill(agentEmail);
    await page.getByLabel('Role', { exact: true }).selectOption('agent');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await eventually(() => page.getByRole('status').textContent()).toContain(agentEmail);
    await eventually(() => page.getByRole('region', { name: 'Pending invitations' }).textContent()).toContain(agentEmail);
    await checkScreen(page, '07-manage-logins');

    // Flows: import the survey; Triggers: start it after a ticket is closed.
    await page.getByRole('link', { name: 'Flows' }).click();
    await page.getByLabel('Export file (.json)').setInputFiles({ name: 'survey.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(SURVEY)) });
    await page.getByRole('button', { name: 'Import' }).click();
    await eventually(() => page.getByRole('status').textContent()).toContain('Satisfaction survey');
    await checkScreen(page, '09-flows');
    await page.getByRole('link', { name: 'Triggers' }).click();
    await page.getByLabel('Flow', { exact: true }).selectOption({ label: 'Satisfaction survey' });
    await eventually(() => page.getByLabel('Groups', { exact: true }).textContent()).toContain('Support requests');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await eventually(() => page.getByRole('status').textContent()).toContain('Satisfaction survey');
    await page.getByLabel('Keywords').fill('feedback');
    await page.getByLabel('Flow to start').selectOption({ label: 'Satisfaction survey' });
    await page.getByRole('button', { name: 'Add keyword trigger' }).click();
    await eventually(() => page.getByRole('region', { name: 'Keyword triggers' }).textContent()).toContain('keywords feedback');
    await checkScreen(page, '08-triggers');
    await page.getByRole('link', { name: 'Topics' }).click();
    await page.getByLabel('Topic name').fill('Refunds');
    await page.getByRole('button', { name: 'Create' }).click();
    await page.getByLabel('Rename Refunds').waitFor();
    await eventually(() => page.getByRole('navigation', { name: 'Main' }).count()).toBe(1);
    await checkScreen(page, '10-topics');

    // Channels: the demo's channel (sending to the local stack's demo gateway) is listed; an External API
    // channel whose gateway is the stand-in is added (its receive URL is shown), and the demo's is deleted,
    // so that the replies below go out through the stand-in.
    await page.getByRole('link', { name: 'Channels' }).click();
    await eventually(() => page.getByRole('region', { name: 'Channels' }).textContent()).toContain('Demo gateway');
    await page.getByLabel('Type').selectOption('EX');
    await page.getByLabel('Channel name').fill('SMS gateway');
    await page.getByLabel('Send URL').fill(gatewayUrl());
    await page.getByLabel('Address (phone number or id)').fill('+5511900000000');
    await page.getByRole('button', { name: 'Add channel' }).click();
    await eventually(() => page.getByRole('status').textContent()).toMatch(/\/c\/ex\/[0-9a-f-]{36}\/receive/);
    await eventually(() => page.getByRole('region', { name: 'Channels' }).textContent()).toContain('SMS gateway');
    await page.getByRole('button', { name: 'Delete the channel Demo gateway' }).click();
    await eventually(() => page.getByRole('region', { name: 'Channels' }).textContent()).not.toContain('Demo gateway');
    await checkScreen(page, '11-channels');
    await signOut(page);

    // The agent accepts the invitation from the mail: the link leads to the inbox's accept page.
    const link = invitationLink(stack, agentEmail);
    expect(link.startsWith(`${stack.appUrl}/accept?secret=`)).toBe(true);
    await page.goto(link);
    await page.getByLabel('Name').fill('Rita Agent');
    await page.getByLabel('Password').fill('a long password');
    await checkScreen(page, '00-accept-invitation');
    await page.getByRole('button', { name: 'Join' }).click();
    await page.getByRole('navigation', { name: 'Main' }).waitFor();
    await signOut(page);
    await signIn(page, agentEmail, 'a long password');

    // An agent does not see Manage Logins, nor reaches it by its address.
    const nav = page.getByRole('navigation', { name: 'Main' });
    expect(await nav.textContent()).toContain('Tickets');
    expect(await nav.getByRole('link', { name: 'Manage Logins' }).count()).toBe(0);
    await page.goto(`${stack.appUrl}/manage/logins`);
    await page.getByRole('link', { name: /^Unassigned/ }).waitFor();
    expect(await page.getByRole('heading', { name: 'Manage Logins' }).count()).toBe(0);

    // Unassigned → take the ticket → it moves to Mine.
    await page.getByRole('link', { name: /^Unassigned/ }).click();
    await page.getByRole('listitem', { name: /Ana Souza/ }).getByRole('link').click();
    await page.getByRole('button', { name: 'Assign' }).click();
    const dialog = page.getByRole('dialog');
    await eventually(() => dialog.getByLabel('Agent').inputValue()).not.toBe('');
    await checkScreen(page, '04-assign');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await eventually(() => conversation(page).textContent()).toContain('Assigned to Rita Agent by Rita Agent');
    await page.getByRole('link', { name: /^Mine/ }).click();
    await page.getByRole('listitem', { name: /Ana Souza/ }).waitFor();
    await page.getByRole('link', { name: /^Unassigned/ }).click();
    await eventually(() => page.getByRole('listitem', { name: /Ana Souza/ }).count()).toBe(0);
    await page.getByRole('link', { name: /^Mine/ }).click();
    await page.getByRole('listitem', { name: /Ana Souza/ }).getByRole('link').click();

    // The conversation (bot and contact) and the contact's fields.
    await eventually(() => conversation(page).textContent()).toContain('What is the number of the invoice');
    expect(await conversation(page).textContent()).toContain('INV-2041');
    const details = page.getByRole('complementary', { name: 'Contact details' });
    await eventually(() => details.textContent()).toContain('São Paulo');
    expect(await details.textContent()).toContain('tel:+5511987650001');
    expect(await details.textContent()).toContain('Support requests');
    await page.getByRole('button', { name: 'Contact details' }).click();
    expect(await details.count()).toBe(0);
    await page.getByRole('button', { name: 'Contact details' }).click();

    // Change the topic: the ticket moves to Refunds, the history says so.
    await page.getByLabel('Topic', { exact: true }).selectOption({ label: 'Refunds' });
    await eventually(() => conversation(page).textContent()).toContain('Topic changed to Refunds by Rita Agent');

    // A reply (Enter sends): it joins the conversation with the agent's name and reaches the channel's gateway.
    await page.getByRole('textbox', { name: 'Reply' }).fill('Hi Ana, I see the double charge.');
    await page.getByRole('textbox', { name: 'Reply' }).press('Shift+Enter');
    await page.getByRole('textbox', { name: 'Reply' }).pressSequentially('We will refund it today.');
    await page.getByRole('textbox', { name: 'Reply' }).press('Enter');
    await eventually(() => conversation(page).textContent()).toContain('We will refund it today.');
    // (With live updates the reply can show before the box empties: the event may beat the POST's own refetch.)
    await eventually(() => page.getByRole('textbox', { name: 'Reply' }).inputValue()).toBe('');
    await eventually(() => gatewayRequests.map((request) => decodeURIComponent(request.body.replace(/\+/g, ' '))).join('\n')).toContain(
      'Hi Ana, I see the double charge.\nWe will refund it today.',
    );
    expect(gatewayRequests.at(-1)!.body).toContain('to=%2B5511987650001');
    await eventually(() => page.getByRole('listitem', { name: /Ana Souza/ }).locator('.row-message').textContent()).toBe('Reply: Hi Ana, I see the double charge. We will refund it today.');
    await eventually(() => conversation(page).textContent()).toMatch(/Rita Agent[\s\S]*We will refund it today/);

    // An attachment: uploaded to the presigned URL the API hands out (the local S3), then sent with the reply.
    await page.getByLabel('Attach a file').setInputFiles({ name: 'refund-receipt.txt', mimeType: 'text/plain', buffer: Buffer.from('Refund R-1 of 49.90') });
    await page.getByRole('button', { name: 'Send' }).click();
    const attachment = conversation(page).locator('a.attachment').last();
    await attachment.waitFor();
    const stored = await fetch((await attachment.getAttribute('href'))!);
    expect(stored.status).toBe(200);
    expect(await stored.text()).toBe('Refund R-1 of 49.90');

    // A note, then reassign to a colleague with a note.
    await page.getByRole('textbox', { name: 'Note', exact: true }).fill('Called Ana: the invoice was charged twice.');
    await page.getByRole('button', { name: 'Add note' }).click();
    await eventually(() => conversation(page).textContent()).toContain('Called Ana: the invoice was charged twice.');
    await page.getByRole('button', { name: 'Assign' }).click();
    await dialog.getByLabel('Agent').selectOption({ label: 'Demo Agent (agent@example.com)' });
    await dialog.getByLabel('Note').fill('Please refund the second charge.');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await eventually(() => conversation(page).textContent()).toContain('Assigned to Demo Agent by Rita Agent');
    expect(await conversation(page).textContent()).toContain('Please refund the second charge.');
    await checkScreen(page, '03-ticket');

    // Close with the checkmark: the closed-ticket trigger's survey reaches the contact through the channel.
    await page.getByRole('button', { name: 'Close ticket' }).click();
    await page.getByRole('button', { name: 'Reopen' }).waitFor();
    await eventually(() => conversation(page).textContent()).toContain('Closed by Rita Agent');
    await eventually(() => gatewayRequests.map((request) => decodeURIComponent(request.body.replace(/\+/g, ' '))).join('\n')).toContain('How did we do?');
    await checkScreen(page, '05-closed');

    // Find it under Closed, reopen it with the button under the conversation.
    await page.getByRole('link', { name: /^All/ }).click();
    await page.getByLabel('Status').selectOption('closed');
    await page.getByRole('listitem', { name: /Ana Souza/ }).getByRole('link').click();
    await page.getByRole('button', { name: 'Reopen' }).click();
    await page.getByRole('button', { name: 'Close ticket' }).waitFor();
    await eventually(() => conversation(page).textContent()).toContain('Reopened by Rita Agent');
    await checkScreen(page, '06-reopened');

    // New tickets show up without a reload (live updates; polling while the socket is down).
    await page.getByLabel('Status').selectOption('open');
    const before = await page.getByRole('listitem').filter({ hasText: 'Eva Nova' }).count();
    expect(before).toBe(0);
    const opened = await fetch(`${stack.apiUrl}/tickets`, {
      method: 'POST',
      headers: { authorization: `Token ${stack.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ contact: { uuid: randomUUID(), name: 'Eva Nova' }, topic: null }),
    });
    expect(opened.status).toBe(201);
    await page.getByRole('listitem', { name: /Eva Nova/ }).waitFor({ timeout: 10_000 });

    // The ? key lists the shortcuts; j moves to the next ticket.
    await page.keyboard.press('?');
    await page.getByRole('dialog', { name: 'Keyboard shortcuts' }).waitFor();
    await checkScreen(page, '12-shortcuts');
    await page.keyboard.press('Escape');
    const url = page.url();
    await page.keyboard.press('j');
    await eventually(() => page.url()).not.toBe(url);
    await context.close();
  }, 240_000);

  it('follows the browser’s language (Brazilian Portuguese) and switches to English', async () => {
    const { context, page } = await newPage(browser, 'pt-BR');
    onTestFailed(() => page.screenshot({ path: path.join(SCREENSHOTS, 'failed-languages.png') }).then(() => undefined));
    await page.goto(stack.appUrl);
    await page.getByRole('button', { name: 'Entrar' }).waitFor();
    expect(await page.evaluate('document.documentElement.lang')).toBe('pt-BR');
    await page.getByLabel('E-mail').fill(stack.email!);
    await page.getByLabel('Senha').fill(stack.password!);
    await page.getByRole('button', { name: 'Entrar' }).click();
    await page.getByRole('link', { name: /^Não atribuídos/ }).waitFor();
    await page.getByRole('link', { name: /^Todos/ }).click();
    await page.getByRole('listitem', { name: /Bruno Lima/ }).getByRole('link').click();
    await page.getByRole('button', { name: 'Fechar ticket' }).waitFor();
    expect(await page.getByLabel('Situação').textContent()).toContain('Fechados');
    await checkScreen(page, '13-pt-BR-tickets');
    await page.getByLabel('Idioma').first().selectOption('en');
    await page.getByRole('link', { name: /^Unassigned/ }).waitFor();
    await page.getByRole('button', { name: 'Close ticket' }).waitFor();
    await context.close();
  }, 120_000);
});

describe('the inbox origin (the distribution as the local stack serves it from the template)', () => {
  it('answers deep links with the app, API paths with the API (its 404s stay JSON), and missing files with 403', async () => {
    const deepLink = await fetch(`${stack.appUrl}/inbox/mine/0190a000-0000-7000-8000-000000000001?status=closed`);
    expect(deepLink.status).toBe(200);
    expect(deepLink.headers.get('content-type')).toContain('text/html');
    expect(deepLink.headers.get('cache-control')).toBe('no-cache');
    expect(await deepLink.text()).toContain('<div id="root">');
    const apiMiss = await fetch(`${stack.appUrl}/tickets/0190a000-0000-7000-8000-000000000001`, { headers: { authorization: `Token ${stack.token}` } });
    expect(apiMiss.status).toBe(404);
    expect(await apiMiss.json()).toMatchObject({ error: { code: 'ticket_not_found' } });
    expect((await fetch(`${stack.appUrl}/folders`)).status).toBe(401);
    expect((await fetch(`${stack.appUrl}/assets/missing.js`)).status).toBe(403);
  });

  it('signs a browser in with an HttpOnly SameSite=Strict cookie (not Secure on localhost) and refuses a change without the CSRF token', async () => {
    const signIn = await fetch(`${stack.appUrl}/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-ticketer-session': 'cookie' },
      body: JSON.stringify({ email: stack.email, password: stack.password }),
    });
    expect(signIn.status).toBe(200);
    expect(await signIn.json()).not.toHaveProperty('token');
    const cookies = signIn.headers.getSetCookie();
    const session = cookies.find((cookie) => cookie.startsWith('ticketer_session='))!;
    const csrf = cookies.find((cookie) => cookie.startsWith('ticketer_csrf='))!;
    expect(session).toMatch(/HttpOnly/);
    expect(session).toMatch(/SameSite=Strict/);
    expect(session).not.toMatch(/Secure/);
    expect(csrf).not.toMatch(/HttpOnly/);
    const cookie = [session, csrf].map((value) => value.split(';')[0]).join('; ');
    const csrfToken = csrf.split(';')[0]!.split('=')[1]!;
    expect((await fetch(`${stack.appUrl}/me`, { headers: { cookie } })).status).toBe(200);
    const change = (headers: Record<string, string>) =>
      fetch(`${stack.appUrl}/topics`, { method: 'POST', headers: { cookie, 'content-type': 'application/json', ...headers }, body: JSON.stringify({ name: `T ${randomUUID().slice(0, 6)}` }) });
    expect((await change({})).status).toBe(403);
    expect((await change({ 'x-csrf-token': 'forged' })).status).toBe(403);
    expect((await change({ 'x-csrf-token': csrfToken })).status).toBe(201);
  });
});
