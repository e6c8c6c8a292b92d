// Agents' replies, RapidPro's POST messages.json, the conversation view and
// attachment uploads, through the HTTP functions as deployed, on DynamoDB
// Local (and fauxqs's S3 for uploads).
import { CreateBucketCommand, GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DomainError } from '#domain/errors';
import type { Identity } from '#http/identity';
import { LOCAL_CREDENTIALS } from '../../../infra/local/emulators';
import { checkPresignedUrl } from '../../support/sigv4';
import { call, type RequestOptions } from '../http/support';
import { CHANNEL, createConversationWorld, inbound, type ConversationWorld } from './world';

const BUCKET = 'ticketer-attachments-replies';
let world: ConversationWorld;
let tickets: Parameters<typeof call>[0];
let flowsHandler: Parameters<typeof call>[0];
let access: Parameters<typeof call>[0];
let asAnn: Identity;
let asBob: Identity;
let asAdmin: Identity;

beforeAll(async () => {
  // Read once, when the functions' wiring first reads the configuration.
  process.env.ATTACHMENTS_BUCKET_NAME = BUCKET;
  process.env.AWS_ENDPOINT_URL_S3 = inject('sqsEndpoint');
  process.env.TICKET_COMMAND_FUNCTION_NAME ??= 'TicketCommand';
  world = await createConversationWorld('replies');
  await new S3Client({}).send(new CreateBucketCommand({ Bucket: BUCKET }));
  tickets = (await import('../../../functions/http-tickets')).handler;
  flowsHandler = (await import('../../../functions/http-flows')).handler;
  access = (await import('../../../functions/handlers/http-access')).createAccessHandler(world.useCases, (await import('#wiring/adapters')).apiAdmission());
  const workspace = world.ws.workspace.uuid;
  asAnn = { workspace, user: world.ws.ann.uuid, role: 'agent' };
  asBob = { workspace, user: world.ws.bob.uuid, role: 'agent' };
  asAdmin = { workspace, user: world.asAdmin.user, role: 'administrator' };
});
afterAll(() => world.table.drop());

const request = (options: RequestOptions) => call(tickets, options);
const reply = (ticket: string, identity: Identity, body: unknown) => request({ route: 'POST /tickets/{ticket}/messages', params: { ticket }, identity, body });

/** A contact that wrote in through the channel, with a ticket opened for it by hand. */
async function ticketOfChannelContact(text = 'I need help') {
  const received = await world.useCases.receiveFromChannel(inbound(world, { workspace: world.ws.workspace.uuid, text }));
  const opened = await world.useCases.openTicket({ actor: world.ws.asFlow, contact: { uuid: received.contact_uuid }, topic: null, assignee: null });
  return { contact: received.contact_uuid, ticket: opened.ticket!.uuid };
}

describe('replying to a ticket', () => {
  it('queues the message to the contact\'s URN through its channel; the first reply sets replied_on and assigns the unassigned ticket', async () => {
    const { contact, ticket } = await ticketOfChannelContact();
    const first = await reply(ticket, asAnn, { text: 'Hello, how can I help?', quick_replies: ['Order', 'Refund'] });
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    const urn = (await world.useCases.getContact({ actor: world.ws.asAnn, contact })).urns[0];
    expect(first.body).toMatchObject({
      direction: 'out',
      status: 'queued',
      text: 'Hello, how can I help?',
      quick_replies: ['Order', 'Refund'],
      attachments: [],
      urn,
      channel: CHANNEL,
      user: { uuid: world.ws.ann.uuid, name: 'Ann' },
      flow: null,
      ticket_uuid: ticket,
      failed_reason: null,
    });
    const afterFirst = await world.useCases.getTicket({ actor: world.ws.asAnn, ticket });
    expect(afterFirst.ticket.assignee?.uuid).toBe(world.ws.ann.uuid);
    expect(afterFirst.ticket.replied_on).toBe(first.body.created_on);
    expect(afterFirst.ticket.last_activity_on).toBe(first.body.created_on);
    expect(afterFirst.history.at(-1)).toMatchObject({ type: 'ticket_assignee_changed', created_by: { uuid: world.ws.ann.uuid }, assignee: { uuid: world.ws.ann.uuid }, previous_assignee: null });

    const second = await reply(ticket, asAnn, { text: 'Still there?' });
    expect(second.status).toBe(201);
    const afterSecond = await world.useCases.getTicket({ actor: world.ws.asAnn, ticket });
    expect(afterSecond.ticket.replied_on).toBe(first.body.created_on);
    expect(afterSecond.ticket.last_activity_on).toBe(second.body.created_on);
    expect(afterSecond.history).toHaveLength(afterFirst.history.length);
    // Stored as the contact's messages, for delivery.
    const messages = await world.flows.listMessages({ actor: world.ws.asAnn, contact });
    expect(messages.results.slice(0, 2).map((m) => [m.text, m.origin, m.user_uuid, m.ticket_uuid])).toEqual([
      ['Still there?', 'ticket', world.ws.ann.uuid, ticket],
      ['Hello, how can I help?', 'ticket', world.ws.ann.uuid, ticket],
    ]);
  });

  it('to someone else\'s ticket depends on the member\'s can_reply_non_own (an administrator sets it)', async () => {
    const { ticket } = await ticketOfChannelContact();
    await world.useCases.assignTicket({ actor: world.ws.asAnn, ticket, assignee: world.ws.ann.uuid });
    expect((await reply(ticket, asBob, { text: 'Bob here' })).status).toBe(201);

    const refusedPatch = await call(access, { route: 'PATCH /members/{user}', params: { user: world.ws.bob.uuid }, identity: asAnn, body: { can_reply_non_own: false } });
    expect(refusedPatch.status).toBe(403);
    const patched = await call(access, { route: 'PATCH /members/{user}', params: { user: world.ws.bob.uuid }, identity: asAdmin, body: { can_reply_non_own: false } });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    expect(patched.body).toMatchObject({ uuid: world.ws.bob.uuid, role: 'agent', can_reply_non_own: false });

    const refused = await reply(ticket, asBob, { text: 'Bob again' });
    expect(refused).toMatchObject({ status: 403, body: { error: { code: 'cannot_reply_non_own' } } });
    // An unassigned ticket is nobody else's.
    const other = await ticketOfChannelContact();
    expect((await reply(other.ticket, asBob, { text: 'Mine now' })).status).toBe(201);
    await call(access, { route: 'PATCH /members/{user}', params: { user: world.ws.bob.uuid }, identity: asAdmin, body: { can_reply_non_own: true } });
    expect((await reply(ticket, asBob, { text: 'Allowed again' })).status).toBe(201);
  });

  it('is refused for a closed ticket, a stopped contact, a contact without URN, and bad input, changing nothing', async () => {
    const closed = await ticketOfChannelContact();
    await world.useCases.closeTicket({ actor: world.ws.asAnn, ticket: closed.ticket });
    expect(await reply(closed.ticket, asAnn, { text: 'too late' })).toMatchObject({ status: 409, body: { error: { code: 'ticket_closed' } } });

    const stopped = await ticketOfChannelContact();
    const urn = (await world.useCases.getContact({ actor: world.ws.asAnn, contact: stopped.contact })).urns[0]!;
    await world.useCases.stopChannelContact({ workspace: world.ws.workspace.uuid, urn });
    expect(await reply(stopped.ticket, asAnn, { text: 'hello?' })).toMatchObject({ status: 409, body: { error: { code: 'contact_stopped' } } });

    const bare = await world.useCases.openTicket({ actor: world.ws.asFlow, contact: { uuid: crypto.randomUUID(), name: 'No Urn' }, topic: null, assignee: null });
    expect(await reply(bare.ticket!.uuid, asAnn, { text: 'hello?' })).toMatchObject({ status: 409, body: { error: { code: 'contact_has_no_urn' } } });

    const fine = await ticketOfChannelContact();
    for (const [body, field] of [
      [{ text: '   ' }, 'text'],
      [{ text: 'x'.repeat(4097) }, 'text'],
      [{ text: 'a', attachments: Array(11).fill('https://files.example/a.png') }, 'attachments'],
      [{ text: 'a', quick_replies: ['x'.repeat(65)] }, 'quick_replies.0'],
      [{ text: 'a', quick_replies: Array(11).fill('ok') }, 'quick_replies'],
    ] as const) {
      expect(await reply(fine.ticket, asAnn, body)).toMatchObject({ status: 400, body: { error: { field } } });
    }
    const viewer = await world.useCases.addMember({ workspace: world.ws.workspace.uuid, email: `viewer-${crypto.randomUUID()}@example.com`, name: 'Vera', role: 'viewer' });
    expect((await reply(fine.ticket, { workspace: world.ws.workspace.uuid, user: viewer.uuid, role: 'viewer' }, { text: 'hi' })).status).toBe(403);
    for (const ticket of [closed.ticket, stopped.ticket, bare.ticket!.uuid, fine.ticket]) {
      const detail = await world.useCases.getTicket({ actor: world.ws.asAnn, ticket });
      expect(detail.ticket.replied_on).toBeNull();
    }
  });

  it('loses nothing when replies and commands race on one ticket', async () => {
    const { contact, ticket } = await ticketOfChannelContact();
    const before = (await world.repos.tickets.get(world.ws.workspace.uuid, ticket))!;
    const replies = Array.from({ length: 8 }, (_, index) => reply(ticket, index % 2 ? asAnn : asBob, { text: `reply ${index}` }));
    const notes = Array.from({ length: 6 }, (_, index) => world.useCases.addNote({ actor: world.ws.asAnn, ticket, note: `note ${index}` }));
    const answers = await Promise.all([...replies, ...notes]);
    expect(answers.slice(0, 8).map((answer) => answer && 'status' in answer ? answer.status : 0)).toEqual(Array(8).fill(201));
    const after = (await world.repos.tickets.get(world.ws.workspace.uuid, ticket))!;
    expect(after.version).toBe(before.version + 14);
    const detail = await world.useCases.getTicket({ actor: world.ws.asAnn, ticket });
    expect(detail.history.filter((event) => event.type === 'ticket_note_added').map((event) => event.note).sort()).toEqual(Array.from({ length: 6 }, (_, i) => `note ${i}`));
    // The first reply that landed assigned it, once.
    expect(detail.history.filter((event) => event.type === 'ticket_assignee_changed')).toHaveLength(1);
    const messages = await world.flows.listMessages({ actor: world.ws.asAnn, contact });
    expect(messages.results.filter((m) => m.direction === 'out').map((m) => m.text).sort()).toEqual(Array.from({ length: 8 }, (_, i) => `reply ${i}`));
  });
});

describe('a ticket\'s contact writing while agents work it', () => {
  it('loses nothing: every message joins, every reply and note lands, and the ticket counts each change once', async () => {
    const { contact, ticket } = await ticketOfChannelContact();
    const urn = (await world.useCases.getContact({ actor: world.ws.asAnn, contact })).urns[0]!;
    const before = (await world.repos.tickets.get(world.ws.workspace.uuid, ticket))!;
    const work = [
      ...Array.from({ length: 5 }, (_, i) => world.useCases.receiveFromChannel(inbound(world, { workspace: world.ws.workspace.uuid, urn, text: `contact ${i}` }))),
      ...Array.from({ length: 5 }, (_, i) => reply(ticket, asAnn, { text: `agent ${i}` })),
      ...Array.from({ length: 3 }, (_, i) => world.useCases.addNote({ actor: world.ws.asBob, ticket, note: `note ${i}` })),
    ];
    await Promise.all(work);
    const after = (await world.repos.tickets.get(world.ws.workspace.uuid, ticket))!;
    expect(after.version).toBe(before.version + 13);
    const conversation = await world.useCases.getConversation({ actor: world.ws.asAnn, ticket });
    const texts = conversation.results.filter((item) => item.kind === 'msg').map((item) => (item as { text: string }).text);
    for (let i = 0; i < 5; i++) expect(texts).toContain(`contact ${i}`);
    for (let i = 0; i < 5; i++) expect(texts).toContain(`agent ${i}`);
    const joined = conversation.results.filter((item) => item.kind === 'msg' && item.direction === 'in' && item.text.startsWith('contact '));
    expect(joined.every((item) => item.kind === 'msg' && item.ticket_uuid === ticket)).toBe(true);
    const newest = conversation.results.filter((item) => item.kind === 'msg').map((item) => item.created_on).sort().at(-1)!;
    expect(after.last_activity_on >= newest).toBe(true);
  });
});

describe('RapidPro\'s POST /api/v2/messages.json', () => {
  const send = (identity: Identity, body: unknown) => call(flowsHandler, { route: 'POST /api/v2/messages.json', identity, body });

  it('replies on the contact\'s open ticket, and sends a plain message to a contact without one', async () => {
    const { contact, ticket } = await ticketOfChannelContact();
    const onTicket = await send(asAnn, { contact, text: 'From the API' });
    expect(onTicket.status, JSON.stringify(onTicket.body)).toBe(201);
    expect(onTicket.body).toMatchObject({ contact: { uuid: contact }, direction: 'out', type: 'text', status: 'queued', text: 'From the API', attachments: [], flow: null });
    expect(onTicket.body).not.toHaveProperty('urn');
    expect((await world.useCases.getTicket({ actor: world.ws.asAnn, ticket })).ticket).toMatchObject({ replied_on: onTicket.body.created_on, assignee: { uuid: world.ws.ann.uuid } });

    await world.useCases.closeTicket({ actor: world.ws.asAnn, ticket });
    const plain = await send(asAnn, { contact, text: 'After the ticket', attachments: ['image/png:https://files.example/a.png'] });
    expect(plain.status).toBe(201);
    const stored = (await world.flows.listMessages({ actor: world.ws.asAnn, contact })).results[0]!;
    expect(stored).toMatchObject({ uuid: plain.body.uuid, origin: 'api', ticket_uuid: null, channel: CHANNEL, attachments: ['image/png:https://files.example/a.png'] });

    expect(await send(asAnn, { contact: crypto.randomUUID(), text: 'nobody' })).toMatchObject({ status: 400, body: { contact: [expect.any(String)] } });
    expect(await send(asAnn, { contact, text: '' })).toMatchObject({ status: 400, body: { text: [expect.any(String)] } });
  });
});

describe('the conversation view', () => {
  it('merges the contact\'s messages with the ticket\'s history, newest first, 50 a page, and leaves out the previous ticket\'s', async () => {
    const earlier = await ticketOfChannelContact('first problem');
    await reply(earlier.ticket, asAnn, { text: 'answer to the first problem' });
    await world.useCases.closeTicket({ actor: world.ws.asAnn, ticket: earlier.ticket });
    const urn = (await world.useCases.getContact({ actor: world.ws.asAnn, contact: earlier.contact })).urns[0]!;
    const receive = (text: string) => world.useCases.receiveFromChannel(inbound(world, { workspace: world.ws.workspace.uuid, urn, text }));
    await receive('between tickets');
    const opened = await world.useCases.openTicket({ actor: world.ws.asFlow, contact: { uuid: earlier.contact }, topic: null, assignee: null, note: 'opened by hand' });
    const ticket = opened.ticket!.uuid;
    for (let index = 0; index < 30; index++) {
      await receive(`message ${index}`);
      if (index % 2 === 0) await reply(ticket, asAnn, { text: `reply ${index}` });
      if (index % 5 === 0) await world.useCases.addNote({ actor: world.ws.asAnn, ticket, note: `note ${index}` });
    }

    const pages = [];
    let cursor: string | undefined;
    do {
      const page = await request({ route: 'GET /tickets/{ticket}/conversation', params: { ticket }, identity: asAnn, ...(cursor ? { query: { cursor } } : {}) });
      expect(page.status, JSON.stringify(page.body)).toBe(200);
      pages.push(page.body.results);
      cursor = page.body.next_cursor ?? undefined;
    } while (cursor);
    const items = pages.flat();
    // 1 between + 30 in + 15 replies; events: opened, the note given at opening, 6 notes, the first reply's assignment.
    expect(pages.map((page) => page.length)).toEqual([50, 5]);
    expect(items.filter((item) => item.kind === 'msg')).toHaveLength(1 + 30 + 15);
    expect(items.filter((item) => item.kind === 'event').map((item) => item.type).sort()).toEqual(['ticket_assignee_changed', ...Array(7).fill('ticket_note_added'), 'ticket_opened']);
    expect(new Set(items.map((item) => item.uuid)).size).toBe(items.length);
    const times = items.map((item) => item.created_on);
    expect(times).toEqual([...times].sort().reverse());
    const texts = items.filter((item) => item.kind === 'msg').map((item) => item.text);
    expect(texts).toContain('between tickets');
    expect(texts).not.toContain('first problem');
    expect(texts).not.toContain('answer to the first problem');
    expect(items[0]).toMatchObject({ kind: 'msg', direction: 'in', text: 'message 29', ticket_uuid: ticket, user: null, channel: CHANNEL });
    expect(items.find((item) => item.text === 'reply 28')).toMatchObject({ kind: 'msg', direction: 'out', user: { uuid: world.ws.ann.uuid, name: 'Ann' } });
    expect(items.at(-1)).toMatchObject({ kind: 'msg', text: 'between tickets' });

    // The closed earlier ticket shows its own conversation only.
    const earlierView = await world.useCases.getConversation({ actor: world.ws.asAnn, ticket: earlier.ticket });
    expect(earlierView.results.filter((item) => item.kind === 'msg').map((item) => (item as { text: string }).text)).toEqual(['answer to the first problem', 'first problem']);

    const badCursor = await request({ route: 'GET /tickets/{ticket}/conversation', params: { ticket }, identity: asAnn, query: { cursor: 'eyJtIjoiTVNHIzEifQ' } });
    expect(badCursor).toMatchObject({ status: 400, body: { error: { field: 'cursor' } } });
    const viewer = await world.useCases.addMember({ workspace: world.ws.workspace.uuid, email: `viewer-${crypto.randomUUID()}@example.com`, name: 'Vic', role: 'viewer' });
    expect((await request({ route: 'GET /tickets/{ticket}/conversation', params: { ticket }, identity: { workspace: world.ws.workspace.uuid, user: viewer.uuid, role: 'viewer' } })).status).toBe(200);
  });
});

describe('attachment uploads', () => {
  it('answer a presigned PUT that stores the file under the workspace, with the URL to send', async () => {
    const s3 = new S3Client({ forcePathStyle: true });
    const answer = await request({ route: 'POST /attachments', identity: asAnn, body: { content_type: 'image/png', filename: '../../My Screen shot (1).png' } });
    expect(answer.status, JSON.stringify(answer.body)).toBe(201);
    const { upload_url, url, headers } = answer.body as { upload_url: string; url: string; headers: Record<string, string> };
    expect(headers).toEqual({ 'content-type': 'image/png' });
    expect(url).toMatch(new RegExp(`/${BUCKET}/${world.ws.workspace.uuid}/[0-9a-f-]{36}/My_Screen_shot_1_.png$`));
    expect(upload_url.startsWith(url)).toBe(true);
    expect(upload_url).toContain('X-Amz-Signature=');
    const put = await fetch(upload_url, { method: 'PUT', headers, body: 'PNG bytes' });
    expect(put.status).toBe(200);
    const key = decodeURIComponent(new URL(url).pathname.split(`/${BUCKET}/`)[1]!);
    const stored = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
    expect(await stored.Body!.transformToString()).toBe('PNG bytes');
    expect(stored.ContentType).toBe('image/png');

    // The URL goes into a reply: stored as is, answered as a link the client can read.
    const { contact, ticket } = await ticketOfChannelContact();
    const sent = await reply(ticket, asAnn, { text: '', attachments: [`image/png:${url}`] });
    expect(sent.status).toBe(201);
    expect(sent.body.attachments).toEqual([expect.stringMatching(new RegExp(`^image/png:${escape(url)}\\?.*X-Amz-Signature=`))]);
    expect((await world.flows.listMessages({ actor: world.ws.asAnn, contact })).results[0]!.attachments).toEqual([`image/png:${url}`]);

    expect(await request({ route: 'POST /attachments', identity: asAnn, body: { content_type: 'application/x-msdownload', filename: 'run.exe' } })).toMatchObject({
      status: 400,
      body: { error: { code: 'content_type_not_allowed', field: 'content_type' } },
    });
    expect(await request({ route: 'POST /attachments', identity: asAnn, body: { content_type: 'video/mp4', filename: 'a.mp4', size: 26 * 1024 * 1024 } })).toMatchObject({ status: 400, body: { error: { field: 'size' } } });
  });
});

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A file uploaded as the inbox does it: POST /attachments, then the presigned PUT. */
async function upload(bytes: Buffer, contentType = 'image/png', filename = 'photo.png') {
  const answer = await request({ route: 'POST /attachments', identity: asAnn, body: { content_type: contentType, filename, size: bytes.length } });
  expect(answer.status, JSON.stringify(answer.body)).toBe(201);
  const put = await fetch(answer.body.upload_url, { method: 'PUT', headers: answer.body.headers, body: bytes });
  expect(put.status).toBe(200);
  return answer.body.url as string;
}

/** The bytes behind a link: the inbox showing the image. */
async function fetchBytes(link: string) {
  // fauxqs's S3 serves unsigned requests too: the signature is checked as S3 would.
  expect(checkPresignedUrl(link, LOCAL_CREDENTIALS.secretAccessKey).valid, link).toBe(true);
  const response = await fetch(link);
  expect(response.status).toBe(200);
  return Buffer.from(await response.arrayBuffer());
}

const urlOf = (attachment: string) => attachment.replace(/^[a-z]+\/[^:/]+:/i, '');

describe('reading attachments', () => {
  it('the conversation and both message lists answer the workspace\'s uploads as 1-hour presigned GETs of the same bytes; other URLs as stored', async () => {
    const bytes = randomBytes(4096);
    const url = await upload(bytes);
    const { contact, ticket } = await ticketOfChannelContact();
    const foreign = 'image/jpeg:https://files.example/cat.jpg';
    // Another workspace's object in our bucket: not signed for this one.
    const others = url.replace(world.ws.workspace.uuid, crypto.randomUUID());
    expect((await reply(ticket, asAnn, { text: 'Your receipt', attachments: [`image/png:${url}`, foreign, others] })).status).toBe(201);
    // A contact's message carrying an object of ours (as stored Telegram files are) reads the same way.
    const urn = (await world.useCases.getContact({ actor: world.ws.asAnn, contact })).urns[0]!;
    await world.useCases.receiveFromChannel(inbound(world, { workspace: world.ws.workspace.uuid, urn, text: 'thanks', attachments: [url] }));

    const conversation = await request({ route: 'GET /tickets/{ticket}/conversation', params: { ticket }, identity: asAnn });
    expect(conversation.status).toBe(200);
    const [incoming, outgoing] = conversation.body.results.filter((item: { kind: string }) => item.kind === 'msg');
    expect(incoming.text).toBe('thanks');
    expect(outgoing.text).toBe('Your receipt');
    expect(outgoing.attachments.slice(1)).toEqual([foreign, others]);
    const typed = outgoing.attachments[0] as string;
    expect(typed.startsWith(`image/png:${url}?`)).toBe(true);
    const link = new URL(urlOf(typed));
    expect(link.searchParams.get('X-Amz-Expires')).toBe('3600');
    expect(link.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
    expect((await fetchBytes(link.href)).equals(bytes)).toBe(true);
    expect(incoming.attachments).toEqual([expect.stringMatching(new RegExp(`^${escape(url)}\\?`))]);
    expect((await fetchBytes(incoming.attachments[0])).equals(bytes)).toBe(true);

    // GET /contacts/{contact}/messages and RapidPro's GET /api/v2/messages.json (HttpFlows).
    const listed = await call(flowsHandler, { route: 'GET /contacts/{contact}/messages', params: { contact }, identity: asAnn });
    expect(listed.status, JSON.stringify(listed.body)).toBe(200);
    const v2 = await call(flowsHandler, { route: 'GET /api/v2/messages.json', query: { contact }, identity: asAnn });
    expect(v2.status, JSON.stringify(v2.body)).toBe(200);
    for (const results of [listed.body.results, v2.body.results]) {
      const receipt = results.find((message: { text: string }) => message.text === 'Your receipt');
      expect(receipt.attachments.slice(1)).toEqual([foreign, others]);
      expect(receipt.attachments[0].startsWith(`image/png:${url}?`)).toBe(true);
      expect((await fetchBytes(urlOf(receipt.attachments[0]))).equals(bytes)).toBe(true);
    }

    // Stored: the canonical object URLs, never an expiring link.
    const stored = await world.flows.listMessages({ actor: world.ws.asAnn, contact });
    expect(stored.results.find((message) => message.text === 'Your receipt')!.attachments).toEqual([`image/png:${url}`, foreign, others]);
    expect(stored.results.find((message) => message.text === 'thanks')!.attachments).toEqual([url]);
  });

  it('no attachment string makes a reply, the conversation or the lists fail: each is answered as stored or as a signed link to the same object', async () => {
    const url = await upload(randomBytes(16));
    const base = url.slice(0, url.indexOf(world.ws.workspace.uuid));
    const rest = fc.string({ maxLength: 30, unit: 'grapheme' });
    const attachment = fc.oneof(
      fc.string({ minLength: 1, maxLength: 60, unit: 'grapheme' }),
      fc.webUrl({ withQueryParameters: true, withFragments: true }),
      rest.map((tail) => `${base}${tail}`),
      rest.map((tail) => `${base}${world.ws.workspace.uuid}/${tail}`),
      fc.tuple(fc.constantFrom('image/png:', 'a/b:', ':', 'x/y/z:'), rest).map(([type, tail]) => `${type}${base}${world.ws.workspace.uuid}/${encodeURIComponent(tail)}`),
    );
    /** An object URL of the workspace in our bucket (a URL whose path, percent-decoded, is under the workspace's prefix). */
    const ours = (written: string) => {
      try {
        const parsed = new URL(urlOf(written));
        decodeURIComponent(parsed.pathname);
        return `${parsed.origin}${parsed.pathname}`.startsWith(`${base}${world.ws.workspace.uuid}/`);
      } catch {
        return false;
      }
    };
    const { contact, ticket } = await ticketOfChannelContact();
    await fc.assert(
      fc.asyncProperty(fc.array(attachment, { minLength: 1, maxLength: 3 }), async (attachments) => {
        const sent = await reply(ticket, asAnn, { text: 'p', attachments });
        expect(sent.status, JSON.stringify(sent.body)).toBe(201);
        const view = await request({ route: 'GET /tickets/{ticket}/conversation', params: { ticket }, identity: asAnn });
        expect(view.status, JSON.stringify(view.body)).toBe(200);
        const listed = await call(flowsHandler, { route: 'GET /contacts/{contact}/messages', params: { contact }, identity: asAnn, query: { limit: '1' } });
        expect(listed.status, JSON.stringify(listed.body)).toBe(200);
        for (const answered of [sent.body.attachments, view.body.results.find((item: { uuid: string }) => item.uuid === sent.body.uuid).attachments, listed.body.results[0].attachments] as string[][]) {
          expect(answered).toHaveLength(attachments.length);
          answered.forEach((out, index) => {
            const written = attachments[index]!;
            if (!ours(written)) {
              expect(out).toBe(written);
              return;
            }
            // An object of the workspace: a signed GET, the content type kept in front.
            const prefix = written.slice(0, written.length - urlOf(written).length);
            expect(out.startsWith(prefix)).toBe(true);
            const link = new URL(out.slice(prefix.length));
            expect(`${link.origin}${link.pathname}`.startsWith(`${base}${world.ws.workspace.uuid}/`)).toBe(true);
            expect(checkPresignedUrl(link.href, LOCAL_CREDENTIALS.secretAccessKey).valid, link.href).toBe(true);
          });
        }
      }),
      { numRuns: 25 },
    );
  });
});

describe('settings and triggers over HTTP', () => {
  it('GET|PATCH /workspace expose pause_bot_during_tickets (default on), which only administrators change', async () => {
    const read = await call(access, { route: 'GET /workspace', identity: asAnn });
    expect(read.body).toMatchObject({ pause_bot_during_tickets: true });
    const editor = await world.useCases.addMember({ workspace: world.ws.workspace.uuid, email: `editor-${crypto.randomUUID()}@example.com`, name: 'Ed', role: 'editor' });
    const asEditor: Identity = { workspace: world.ws.workspace.uuid, user: editor.uuid, role: 'editor' };
    expect(await call(access, { route: 'PATCH /workspace', identity: asEditor, body: { pause_bot_during_tickets: false } })).toMatchObject({ status: 403, body: { error: { code: 'permission_denied' } } });
    expect(await call(access, { route: 'PATCH /workspace', identity: asEditor, body: { name: 'Renamed by the editor' } })).toMatchObject({ status: 200, body: { pause_bot_during_tickets: true } });
    expect(await call(access, { route: 'PATCH /workspace', identity: asAdmin, body: { pause_bot_during_tickets: 'no' } })).toMatchObject({ status: 400, body: { error: { field: 'pause_bot_during_tickets' } } });
    expect(await call(access, { route: 'PATCH /workspace', identity: asAdmin, body: { pause_bot_during_tickets: false } })).toMatchObject({ status: 200, body: { pause_bot_during_tickets: false, name: 'Renamed by the editor' } });
    expect((await call(access, { route: 'GET /workspace', identity: asAnn })).body.pause_bot_during_tickets).toBe(false);
    await call(access, { route: 'PATCH /workspace', identity: asAdmin, body: { pause_bot_during_tickets: true } });
    const members = await call(access, { route: 'GET /members', identity: asAnn });
    expect(members.body.results.every((member: { can_reply_non_own: unknown }) => typeof member.can_reply_non_own === 'boolean')).toBe(true);
  });

  it('/triggers takes keyword and catch-all triggers beside closed-ticket ones', async () => {
    const triggersHandler = (await import('../../../functions/http-triggers')).handler;
    const { sayFlow } = await import('./world');
    const flow = sayFlow('Hello', 'Hello there', { wait: false });
    await world.flows.importFlows({ actor: world.asAdmin, definitions: flow });
    const create = (body: unknown) => call(triggersHandler, { route: 'POST /triggers', identity: asAdmin, body });
    const keyword = await create({ type: 'keyword', keywords: ['Hello'], match_type: 'O', flow: { uuid: flow.uuid } });
    expect(keyword).toMatchObject({ status: 201, body: { type: 'keyword', keywords: ['hello'], match_type: 'O', flow: { uuid: flow.uuid, name: 'Hello' } } });
    expect(await create({ type: 'keyword', keywords: ['hello'], flow: { uuid: flow.uuid } })).toMatchObject({ status: 409, body: { error: { code: 'trigger_exists' } } });
    expect(await create({ type: 'keyword', keywords: ['two words'], flow: { uuid: flow.uuid } })).toMatchObject({ status: 400, body: { error: { field: 'keywords.0' } } });
    expect(await create({ type: 'schedule', flow: { uuid: flow.uuid } })).toMatchObject({ status: 400, body: { error: { field: 'type' } } });
    expect(await create({ type: 'catch_all', flow: { uuid: flow.uuid } })).toMatchObject({ status: 201, body: { type: 'catch_all' } });
    expect(await create({ flow: { uuid: flow.uuid } })).toMatchObject({ status: 201, body: { type: 'closed_ticket' } });
    const listed = await call(triggersHandler, { route: 'GET /triggers', identity: asAdmin });
    expect(listed.body.results.map((t: { type: string }) => t.type)).toEqual(['keyword', 'catch_all', 'closed_ticket']);
    // A contact writing the keyword gets the flow.
    const received = await world.useCases.receiveFromChannel(inbound(world, { workspace: world.ws.workspace.uuid, text: 'hello' }));
    expect((await world.flows.listMessages({ actor: world.ws.asAnn, contact: received.contact_uuid })).results[0]).toMatchObject({ direction: 'out', text: 'Hello there', channel: CHANNEL });
    for (const trigger of listed.body.results) await call(triggersHandler, { route: 'DELETE /triggers/{trigger}', params: { trigger: trigger.uuid }, identity: asAdmin });
  });
});

describe('input boundaries (property-based)', () => {
  it('any JSON body of a reply or a v2 message is answered without a 5xx', async () => {
    const { contact, ticket } = await ticketOfChannelContact();
    const bodies = fc.oneof(
      fc.jsonValue(),
      fc.record({ text: fc.oneof(fc.string({ maxLength: 5000 }), fc.jsonValue()), attachments: fc.oneof(fc.array(fc.string(), { maxLength: 12 }), fc.jsonValue()), quick_replies: fc.oneof(fc.array(fc.string({ maxLength: 80 }), { maxLength: 12 }), fc.jsonValue()) }, { requiredKeys: [] }),
    );
    await fc.assert(
      fc.asyncProperty(bodies, async (body) => {
        const answer = await reply(ticket, asAnn, body);
        expect(answer.status, JSON.stringify(answer.body)).toBeLessThan(500);
        expect([201, 400]).toContain(answer.status);
        const v2 = await call(flowsHandler, { route: 'POST /api/v2/messages.json', identity: asAnn, body: body && typeof body === 'object' && !Array.isArray(body) ? { ...body, contact } : body });
        expect(v2.status, JSON.stringify(v2.body)).toBeLessThan(500);
      }),
      { numRuns: 60 },
    );
  });

  it('any channel message is stored or refused with a named error, never a crash', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          urn: fc.oneof(fc.string({ maxLength: 300 }), fc.stringMatching(/^(tel|telegram|ext):[0-9a-z+]{1,20}$/)),
          text: fc.string({ maxLength: 4200 }),
          attachments: fc.array(fc.string({ maxLength: 50 }), { maxLength: 12 }),
          external_id: fc.option(fc.string({ maxLength: 300 })),
          received_on: fc.oneof(fc.date({ noInvalidDate: true, min: new Date('2000-01-01'), max: new Date('2100-01-01') }).map((date) => date.toISOString()), fc.string()),
        }),
        async (input) => {
          try {
            const answer = await world.useCases.receiveFromChannel({ workspace: world.ws.workspace.uuid, channel: CHANNEL, contact_name: null, ...input });
            expect(answer.msg_uuid).toMatch(/^[0-9a-f-]{36}$/);
          } catch (error) {
            expect(error, String(error)).toBeInstanceOf(DomainError);
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});
