// Attachments of our private bucket reach the contact's gateway as presigned
// GETs: an object uploaded through POST /attachments' presigned PUT (into
// fauxqs's S3) is fetched back, byte for byte, through the very URL the EX
// gateway stand-in and the Telegram stand-in receive; other URLs pass
// unchanged; no attachment string makes delivery throw.
import { randomBytes, randomUUID } from 'node:crypto';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createS3AttachmentStore } from '#adapters/s3/attachment-store';
import { createExternalSender } from '#channels/external-sender';
import { createTelegramFiles, createTelegramSender } from '#channels/telegram-api';
import { createChannelUseCases } from '#use-cases/channels';
import { createAttachmentLinks, DELIVERY_LINK_SECONDS, splitAttachment } from '#use-cases/attachments';
import { createDelivery, type Delivery } from '#use-cases/delivery';
import { LOCAL_CREDENTIALS } from '../../../infra/local/emulators';
import { checkPresignedUrl } from '../../support/sigv4';
import { createChannelWorld, putOutgoingMessage, startStandIn, type ChannelWorld, type StandIn } from './support';

const BUCKET = 'ticketer-attachments-delivery';
let world: ChannelWorld;
let store: ReturnType<typeof createS3AttachmentStore>;
let delivery: Delivery;
let gateway: StandIn;

beforeAll(async () => {
  // fauxqs serves S3 on its SQS port; the store's client is built as the wiring builds it (shared/wiring/aws-clients.ts).
  process.env.AWS_ENDPOINT_URL_S3 = inject('sqsEndpoint');
  const client = new S3Client({});
  await client.send(new CreateBucketCommand({ Bucket: BUCKET }));
  store = createS3AttachmentStore({ client, bucket: BUCKET });
  world = await createChannelWorld();
  delivery = createDelivery({
    channels: world.channelDeps.channels,
    secrets: world.channelDeps.secrets,
    senders: { EX: createExternalSender(2000), TG: createTelegramSender(world.telegram.url, 2000) },
    attachments: store,
  });
  gateway = await startStandIn();
});
afterAll(async () => {
  await gateway?.close();
  await world?.close();
});

/** A file uploaded as an agent's client does: POST /attachments' presigned PUT, with its signed headers. */
async function upload(workspace: string, bytes: Buffer, contentType = 'image/png') {
  const answer = await store.createUploadUrl({ key: `${workspace}/${randomUUID()}/photo.png`, contentType, size: bytes.length, expiresInSeconds: 900 });
  const put = await fetch(answer.upload_url, { method: 'PUT', headers: answer.headers, body: bytes });
  expect(put.status).toBe(200);
  return answer.url;
}

/** Fetches through a presigned URL, after checking its signature as S3 would (fauxqs's S3 checks none). */
async function fetchBytes(url: string) {
  const check = checkPresignedUrl(url, LOCAL_CREDENTIALS.secretAccessKey);
  expect(check.valid, url).toBe(true);
  expect(Math.abs(check.signedAt.getTime() - Date.now())).toBeLessThan(5 * 60_000);
  const response = await fetch(url);
  return { status: response.status, bytes: Buffer.from(await response.arrayBuffer()) };
}

/** A workspace of its own with an EX channel posting `{{text}}` as JSON to the stand-in (long enough for a signed URL in one part). */
async function exChannel() {
  const actor = { workspace: randomUUID(), user: randomUUID() };
  const channel = await world.channels.createChannel({
    actor,
    apiBaseUrl: 'https://api.example',
    input: { type: 'EX', name: 'Gateway', config: { send_url: `${gateway.url}/send`, content_type: 'json', body: '{{text}}', max_length: 4096 } } as never,
  });
  return { workspace: actor.workspace, ref: { uuid: channel.uuid, name: channel.name } };
}

describe('EX: attachments of our bucket go out as presigned GETs', () => {
  it('the gateway fetches the uploaded bytes through the URL it received; a foreign URL and a non-URL pass unchanged; the message keeps the object URL', async () => {
    const { workspace, ref } = await exChannel();
    const bytes = randomBytes(3000);
    const url = await upload(workspace, bytes);
    // The object is private: its plain URL is not a way in (so the gateway needs the signed one).
    const attachments = [`image/png:${url}`, 'image/jpeg:https://files.example/a.jpg', 'geo:-1.283333,36.816667'];
    const msg = await putOutgoingMessage(world.table, workspace, { channel: ref, text: 'Here it is', attachments, quick_replies: [] });
    const before = gateway.requests.length;
    expect(await delivery.deliver({ location: msg, receiveCount: 1 })).toMatchObject({ kind: 'wired' });

    const sent = gateway.requests.slice(before);
    expect(sent).toHaveLength(1);
    const lines = (JSON.parse(sent[0]!.body) as string).split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[0]).toBe('Here it is');
    const signed = new URL(lines[1]!);
    expect(`${signed.origin}${signed.pathname}`).toBe(url);
    expect(signed.searchParams.get('X-Amz-Algorithm')).toBe('AWS4-HMAC-SHA256');
    expect(signed.searchParams.get('X-Amz-Expires')).toBe(String(DELIVERY_LINK_SECONDS));
    expect(signed.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
    // The check is a real one: the same signature on another key, or another secret, is refused.
    expect(checkPresignedUrl(lines[1]!.replace('/photo.png?', '/photo.pnh?'), LOCAL_CREDENTIALS.secretAccessKey).valid).toBe(false);
    expect(checkPresignedUrl(lines[1]!, 'another secret').valid).toBe(false);
    const fetched = await fetchBytes(lines[1]!);
    expect(fetched.status).toBe(200);
    expect(fetched.bytes.equals(bytes)).toBe(true);
    expect(lines[2]).toBe('https://files.example/a.jpg');
    expect(lines[3]).toBe('geo:-1.283333,36.816667');

    // Stored as written: the canonical object URL, never a link that expires.
    const stored = await world.channelDeps.channels.getMessage(msg);
    expect(stored).toMatchObject({ status: 'wired', attachments });
  });

  it('with the default max_length (160) the link, longer than a part, arrives whole in a part of its own', async () => {
    const actor = { workspace: randomUUID(), user: randomUUID() };
    const channel = await world.channels.createChannel({
      actor,
      apiBaseUrl: 'https://api.example',
      input: { type: 'EX', name: 'SMS', config: { send_url: `${gateway.url}/send`, content_type: 'json', body: '{{text}}' } } as never,
    });
    const bytes = randomBytes(256);
    const url = await upload(actor.workspace, bytes);
    const msg = await putOutgoingMessage(world.table, actor.workspace, { channel: { uuid: channel.uuid, name: 'SMS' }, text: 'Your photo', attachments: [`image/png:${url}`], quick_replies: [] });
    const before = gateway.requests.length;
    expect(await delivery.deliver({ location: msg, receiveCount: 1 })).toMatchObject({ kind: 'wired' });
    const parts = gateway.requests.slice(before).map((request) => JSON.parse(request.body) as string);
    expect(parts).toHaveLength(2);
    expect(parts[0]).toBe('Your photo');
    expect(parts[1]!.length).toBeGreaterThan(160);
    expect((await fetchBytes(parts[1]!)).bytes.equals(bytes)).toBe(true);
  });

  it('an object of another workspace is not signed: the URL goes out as written', async () => {
    const { workspace, ref } = await exChannel();
    const othersUrl = await upload(randomUUID(), randomBytes(64));
    const msg = await putOutgoingMessage(world.table, workspace, { channel: ref, text: 'Not yours', attachments: [othersUrl], quick_replies: [] });
    const before = gateway.requests.length;
    expect(await delivery.deliver({ location: msg, receiveCount: 1 })).toMatchObject({ kind: 'wired' });
    expect(JSON.parse(gateway.requests[before]!.body)).toBe(`Not yours\n${othersUrl}`);
  });

  it('every try signs anew: a retried message hands the gateway a fresh, fetchable link', async () => {
    const flaky = await startStandIn((_request, index) => (index === 0 ? { status: 503 } : { status: 200, body: 'OK' }));
    try {
      const actor = { workspace: randomUUID(), user: randomUUID() };
      const channel = await world.channels.createChannel({
        actor,
        apiBaseUrl: 'https://api.example',
        input: { type: 'EX', name: 'Flaky', config: { send_url: `${flaky.url}/send`, content_type: 'json', body: '{{text}}', max_length: 4096 } } as never,
      });
      const bytes = randomBytes(100);
      const url = await upload(actor.workspace, bytes);
      const msg = await putOutgoingMessage(world.table, actor.workspace, { channel: { uuid: channel.uuid, name: 'Flaky' }, text: 'Again', attachments: [url], quick_replies: [] });
      expect(await delivery.deliver({ location: msg, receiveCount: 1 })).toMatchObject({ kind: 'retry' });
      expect(await delivery.deliver({ location: msg, receiveCount: 2 })).toMatchObject({ kind: 'wired' });
      const links = flaky.requests.map((request) => (JSON.parse(request.body) as string).split('\n')[1]!);
      expect(links).toHaveLength(2);
      for (const link of links) {
        expect(link.startsWith(`${url}?`)).toBe(true);
        expect((await fetchBytes(link)).bytes.equals(bytes)).toBe(true);
      }
    } finally {
      await flaky.close();
    }
  });
});

describe('Telegram: sendPhoto and sendDocument get a URL Telegram can download', () => {
  it('the photo and the document are fetchable through the URLs in the Bot API calls', async () => {
    const actor = { workspace: randomUUID(), user: randomUUID() };
    const channel = await world.channels.createChannel({ actor, apiBaseUrl: 'https://api.example', input: { type: 'TG', name: 'Bot', config: { auth_token: '777:files' } } });
    const photo = randomBytes(2048);
    const pdf = randomBytes(512);
    const photoUrl = await upload(actor.workspace, photo);
    const pdfUrl = await upload(actor.workspace, pdf, 'application/pdf');
    const msg = await putOutgoingMessage(world.table, actor.workspace, {
      channel: { uuid: channel.uuid, name: 'Bot' },
      urn: 'telegram:4242',
      text: 'Your invoice',
      attachments: [`image/png:${photoUrl}`, `application/pdf:${pdfUrl}`],
      quick_replies: [],
    });
    const before = world.telegram.requests.length;
    expect(await delivery.deliver({ location: msg, receiveCount: 1 })).toMatchObject({ kind: 'wired' });
    const calls = world.telegram.requests.slice(before).map((request) => ({ method: request.url.split('/').pop(), body: JSON.parse(request.body) }));
    expect(calls.map((call) => call.method)).toEqual(['sendMessage', 'sendPhoto', 'sendDocument']);
    expect(calls[1]!.body.photo.startsWith(`${photoUrl}?`)).toBe(true);
    expect(calls[2]!.body.document.startsWith(`${pdfUrl}?`)).toBe(true);
    expect((await fetchBytes(calls[1]!.body.photo)).bytes.equals(photo)).toBe(true);
    expect((await fetchBytes(calls[2]!.body.document)).bytes.equals(pdf)).toBe(true);
  });
});

describe('Telegram: files a contact sends are copied into our bucket', () => {
  it('getFile, the download, a put under the workspace; the message carries the object URL (no token), readable through a presigned GET', async () => {
    const channels = createChannelUseCases({ ...world.channelDeps, telegramFiles: createTelegramFiles(world.telegram.url, 2000), attachmentSink: store });
    const actor = { workspace: randomUUID(), user: randomUUID() };
    const token = '555:receive';
    const before = world.telegram.requests.length;
    const channel = await channels.createChannel({ actor, apiBaseUrl: 'https://api.example', input: { type: 'TG', name: 'Inbox bot', config: { auth_token: token } } });
    const secret = JSON.parse(world.telegram.requests.slice(before).find((call) => call.url.endsWith('/setWebhook'))!.body).secret_token as string;
    const photo = randomBytes(5000);
    world.telegram.files.set('photo-big', { path: 'photos/file_7.jpg', bytes: photo });
    const update = (message: Record<string, unknown>, id = 70) =>
      JSON.stringify({ update_id: id, message: { message_id: id, date: 1_795_000_000, from: { id: 777, first_name: 'Amani' }, chat: { id: 777 }, ...message } });
    const receive = (body: string) => channels.receiveTelegram({ channel: channel.uuid, secretToken: secret, body });

    const mark = world.inbox.received.length;
    const answer = await receive(update({ photo: [{ file_id: 'photo-small', file_size: 10 }, { file_id: 'photo-big', file_size: 5000 }], caption: 'my receipt' }));
    const received = world.inbox.received.slice(mark);
    expect(received).toHaveLength(1);
    const [attachment] = received[0]!.attachments;
    expect(attachment).toMatch(/^image\/jpeg:http/);
    expect(attachment).not.toContain(token);
    expect(answer).toMatchObject({ kind: 'message', attachments: [attachment] });
    const { url } = splitAttachment(attachment!);
    const key = await store.objectKey(url);
    expect(key).toMatch(new RegExp(`^${actor.workspace}/tg-[0-9a-f]{32}/file_7.jpg$`));
    // What the inbox and delivery hand out for it: the same bytes.
    const [readable] = await createAttachmentLinks(store).readableAll(actor.workspace, [attachment!], 3600);
    expect(readable).not.toBe(attachment);
    expect((await fetchBytes(splitAttachment(readable!).url)).bytes.equals(photo)).toBe(true);

    // Telegram re-sending the update writes the same object (the key is the file's digest).
    await receive(update({ photo: [{ file_id: 'photo-big', file_size: 5000 }], caption: 'my receipt' }));
    expect(world.inbox.received.at(-1)!.attachments).toEqual([attachment]);

    // A file Telegram does not hand out: the message still arrives, with the file's reference.
    await receive(update({ document: { file_id: 'gone', mime_type: 'application/pdf' } }, 71));
    expect(world.inbox.received.at(-1)!.attachments).toEqual(['application/pdf:telegram-file:gone']);
    // The calls made: getFile, then the download with the token in its path only.
    const calls = world.telegram.requests.slice(before).map((call) => call.url);
    expect(calls.filter((path) => path === `/bot${token}/getFile`)).toHaveLength(3);
    expect(calls.filter((path) => path === `/file/bot${token}/photos/file_7.jpg`)).toHaveLength(2);
  });
});

describe('any attachment string', () => {
  it('never makes delivery throw; only object URLs of the workspace are replaced, by signed GETs of the same object', async () => {
    const { workspace, ref } = await exChannel();
    const links = createAttachmentLinks(store);
    const base = (await upload(workspace, randomBytes(8))).replace(/[^/]+\/[^/]+\/[^/]+$/, '');
    const text = fc.string({ maxLength: 40, unit: 'grapheme' });
    const attachment = fc.oneof(
      fc.string({ minLength: 1, maxLength: 60, unit: 'grapheme' }),
      fc.webUrl({ withQueryParameters: true, withFragments: true }),
      text.map((rest) => `${base}${rest}`),
      text.map((rest) => `${base}${workspace}/${rest}`),
      fc.tuple(fc.constantFrom('image/png:', 'video/mp4:', 'a/b:', 'image/png:%', ''), text).map(([type, rest]) => `${type}${base}${workspace}/${encodeURIComponent(rest)}`),
      fc.tuple(fc.constantFrom('image/png:', 'a/b:', ':', 'image/:'), fc.webUrl()).map(([type, url]) => `${type}${url}`),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(attachment, { minLength: 1, maxLength: 4 }), async (attachments) => {
        const msg = await putOutgoingMessage(world.table, workspace, { channel: ref, text: 'x', attachments, quick_replies: [] });
        expect(await delivery.deliver({ location: msg, receiveCount: 1 })).toMatchObject({ kind: 'wired' });

        const readable = await links.readableAll(workspace, attachments, 60);
        expect(readable).toHaveLength(attachments.length);
        for (const [index, out] of readable.entries()) {
          const written = attachments[index]!;
          const { type, url } = splitAttachment(written);
          const key = await store.objectKey(url);
          if (key === null || !key.startsWith(`${workspace}/`)) {
            expect(out).toBe(written);
            continue;
          }
          // The same object (its key), the same content type, signed.
          const signed = splitAttachment(out);
          expect(signed.type).toBe(type);
          expect(await store.objectKey(signed.url)).toBe(key);
          expect(checkPresignedUrl(signed.url, LOCAL_CREDENTIALS.secretAccessKey).valid, signed.url).toBe(true);
        }
      }),
      { numRuns: 40 },
    );
  });
});
