// HttpChannels over DynamoDB Local: administrators manage channels (secrets
// sealed, never returned), RapidPro's v2 list, and the public routes — EX
// receive in every form, status callbacks, stop, Telegram updates against the
// Bot API stand-in — with every bad request answered 4xx and nothing handed on.
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { channelKeys } from '#adapters/dynamodb/entities/channel';
import { call, type RequestOptions } from '../http/support';
import { createChannelWorld, putOutgoingMessage, SECRETS_KEY, type ChannelWorld } from './support';

let world: ChannelWorld;
let request: (options: Omit<RequestOptions, 'identity'> & { identity?: RequestOptions['identity'] }) => ReturnType<typeof call>;

beforeAll(async () => {
  world = await createChannelWorld();
  process.env.TABLE_NAME ??= world.table.tableName;
  const { createChannelsHandler } = await import('../../../functions/handlers/http-channels');
  const handler = createChannelsHandler(world.channels, { admit: async () => undefined });
  request = (options) => call(handler, { identity: world.identity, ...options });
});
afterAll(async () => world.close());

const exInput = {
  type: 'EX',
  name: 'SMS gateway',
  address: '+12065551212',
  country: 'KE',
  config: { send_url: 'https://gw.example/send', send_authorization: 'Bearer top-secret-1', headers: { 'X-Api-Key': 'top-secret-2' }, content_type: 'json', body: '{"to":{{to}},"text":{{text}}}' },
};

async function createEx(overrides: Record<string, unknown> = {}) {
  const response = await request({ route: 'POST /channels', body: { ...exInput, ...overrides } });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return response.body as { uuid: string; receive_url: string };
}

describe('managing channels', () => {
  it('creates an EX channel: 201 with an absolute receive URL, the config without secrets; the stored item holds none in clear', async () => {
    const response = await request({ route: 'POST /channels', body: exInput, stage: 'prod' });
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({
      type: 'EX',
      name: 'SMS gateway',
      address: '+12065551212',
      schemes: ['tel'],
      country: 'KE',
      receive_url: `https://abc123.execute-api.eu-west-1.amazonaws.com/prod/c/ex/${response.body.uuid}/receive`,
      config: { send_url: 'https://gw.example/send', method: 'POST', content_type: 'json', max_length: 160, headers: { 'X-Api-Key': '********' } },
      secret_fields: ['send_authorization', 'headers.X-Api-Key'],
    });
    expect(JSON.stringify(response.body)).not.toContain('top-secret');
    for (const key of [channelKeys.channel(world.workspace, response.body.uuid), channelKeys.pointer(response.body.uuid)]) {
      const stored = await world.table.client.send(new GetCommand({ TableName: world.table.tableName, Key: key }));
      expect(stored.Item).toBeDefined();
      expect(JSON.stringify(stored.Item)).not.toContain('top-secret');
      expect(JSON.stringify(stored.Item)).not.toContain(SECRETS_KEY);
    }
    const got = await request({ route: 'GET /channels/{channel}', params: { channel: response.body.uuid } });
    expect(got.body.secret_fields).toEqual(['send_authorization', 'headers.X-Api-Key']);
  });

  it('answers 400 naming the field, 404 for unknown channels', async () => {
    const noUrl = await request({ route: 'POST /channels', body: { ...exInput, config: { method: 'POST' } } });
    expect(noUrl).toMatchObject({ status: 400, body: { error: { field: 'config.send_url' } } });
    const badUrl = await request({ route: 'POST /channels', body: { ...exInput, config: { send_url: 'ftp://x' } } });
    expect(badUrl).toMatchObject({ status: 400, body: { error: { field: 'config.send_url' } } });
    const badHeader = await request({ route: 'POST /channels', body: { ...exInput, config: { send_url: 'https://x.example', headers: { 'Content-Type': 'x' } } } });
    expect(badHeader).toMatchObject({ status: 400, body: { error: { field: 'config.headers' } } });
    const metadata = await request({ route: 'POST /channels', body: { ...exInput, config: { send_url: 'http://169.254.169.254/latest' } } });
    expect(metadata).toMatchObject({ status: 400, body: { error: { field: 'config.send_url' } } });
    const badType = await request({ route: 'POST /channels', body: { ...exInput, type: 'WA' } });
    expect(badType).toMatchObject({ status: 400, body: { error: { field: 'type' } } });
    expect((await request({ route: 'GET /channels/{channel}', params: { channel: randomUUID() } })).status).toBe(404);
    expect((await request({ route: 'PATCH /channels/{channel}', params: { channel: randomUUID() }, body: { name: 'x' } })).status).toBe(404);
    expect((await request({ route: 'DELETE /channels/{channel}', params: { channel: 'not-a-uuid' } })).status).toBe(404);
  });

  it('changes and deletes a channel; the pointer follows', async () => {
    const { uuid } = await createEx();
    const patched = await request({ route: 'PATCH /channels/{channel}', params: { channel: uuid }, body: { name: 'Renamed', config: { max_length: 320, send_authorization: null } } });
    expect(patched).toMatchObject({ status: 200, body: { name: 'Renamed', config: { max_length: 320, content_type: 'json' }, secret_fields: ['headers.X-Api-Key'] } });
    const pointer = await world.table.client.send(new GetCommand({ TableName: world.table.tableName, Key: channelKeys.pointer(uuid) }));
    expect(pointer.Item).toMatchObject({ name: 'Renamed', workspace: world.workspace });
    expect((await request({ route: 'DELETE /channels/{channel}', params: { channel: uuid } })).status).toBe(204);
    expect((await request({ route: 'GET /channels/{channel}', params: { channel: uuid } })).status).toBe(404);
    const gone = await world.table.client.send(new GetCommand({ TableName: world.table.tableName, Key: channelKeys.pointer(uuid) }));
    expect(gone.Item).toBeUndefined();
    expect((await request({ route: 'GET /c/ex/{channel}/receive', params: { channel: uuid }, query: { from: '+254700000001', text: 'hi' } })).status).toBe(404);
  });

  it('lists channels, and RapidPro\'s v2 shape', async () => {
    const { uuid } = await createEx({ name: 'Listed' });
    const list = await request({ route: 'GET /channels' });
    expect(list.body.results.map((channel: { uuid: string }) => channel.uuid)).toContain(uuid);
    const v2 = await request({ route: 'GET /api/v2/channels.json', query: { uuid } });
    expect(v2.body).toEqual({
      next: null,
      previous: null,
      results: [{ uuid, name: 'Listed', address: '+12065551212', channel_type: 'EX', country: 'KE', device: null, last_seen: null, created_on: expect.any(String) }],
    });
  });

  it('creates a Telegram channel: getMe names it, setWebhook gets the receive URL and a secret token', async () => {
    const before = world.telegram.requests.length;
    const response = await request({ route: 'POST /channels', body: { type: 'TG', name: 'Bot', config: { auth_token: '123456:ABC-def' } } });
    expect(response).toMatchObject({ status: 201, body: { type: 'TG', address: 'helpdesk_bot', schemes: ['telegram'], config: { bot_username: 'helpdesk_bot' }, secret_fields: ['auth_token'] } });
    const calls = world.telegram.requests.slice(before);
    expect(calls.map((call) => call.url)).toEqual(['/bot123456:ABC-def/getMe', '/bot123456:ABC-def/setWebhook']);
    const webhook = JSON.parse(calls[1]!.body) as { url: string; secret_token: string };
    expect(webhook.url).toBe(response.body.receive_url);
    expect(webhook.secret_token).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    expect(JSON.stringify(response.body)).not.toContain('ABC-def');

    const mark = world.telegram.requests.length;
    expect((await request({ route: 'DELETE /channels/{channel}', params: { channel: response.body.uuid } })).status).toBe(204);
    expect(world.telegram.requests.slice(mark).map((call) => call.url)).toEqual(['/bot123456:ABC-def/deleteWebhook']);
  });

  it('refuses a bot token Telegram does not accept (400 on config.auth_token), storing nothing', async () => {
    world.telegram.failWith({ status: 401, body: JSON.stringify({ ok: false, error_code: 401, description: 'Unauthorized' }) });
    const response = await request({ route: 'POST /channels', body: { type: 'TG', name: 'Bad bot', config: { auth_token: '1:bad' } } });
    expect(response).toMatchObject({ status: 400, body: { error: { code: 'invalid_bot_token', field: 'config.auth_token' } } });
    const list = await request({ route: 'GET /channels' });
    expect(list.body.results.map((channel: { name: string }) => channel.name)).not.toContain('Bad bot');
  });
});

describe('EX receive, statuses and stop', () => {
  it('accepts a form-encoded message: courier\'s answer, the URN normalized, handed to the inbox once', async () => {
    const { uuid } = await createEx();
    const before = world.inbox.received.length;
    const response = await request({
      route: 'POST /c/ex/{channel}/receive',
      params: { channel: uuid },
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'from=0700000001&text=help+me&date=2026-11-29T07:00:00Z',
    });
    expect(response).toMatchObject({
      status: 200,
      body: { message: 'Message Accepted', data: [{ type: 'msg', channel_uuid: uuid, msg_uuid: expect.any(String), text: 'help me', urn: 'tel:+254700000001', received_on: '2026-11-29T07:00:00.000000Z' }] },
    });
    expect(world.inbox.received.slice(before)).toEqual([
      { workspace: world.workspace, channel: { uuid, name: 'SMS gateway' }, urn: 'tel:+254700000001', text: 'help me', attachments: [], external_id: null, received_on: '2026-11-29T07:00:00.000000Z' },
    ]);
  });

  it('reads a base64-encoded form body (API Gateway encodes non-text bodies)', async () => {
    const { uuid } = await createEx();
    const { createChannelsHandler } = await import('../../../functions/handlers/http-channels');
    const { httpEvent, lambdaContext } = await import('../http/support');
    const event = httpEvent({ route: 'POST /c/ex/{channel}/receive', params: { channel: uuid }, identity: world.identity, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    event.body = Buffer.from('from=%2B254700000005&text=caf%C3%A9').toString('base64');
    event.isBase64Encoded = true;
    const result = (await createChannelsHandler(world.channels, { admit: async () => undefined })(event, lambdaContext())) as { statusCode: number; body: string };
    expect(result.statusCode).toBe(200);
    expect(JSON.parse(result.body).data[0]).toMatchObject({ urn: 'tel:+254700000005', text: 'café' });
  });

  it('accepts JSON bodies and query strings, `sender` for `from`', async () => {
    const { uuid } = await createEx();
    const json = await request({ route: 'POST /c/ex/{channel}/receive', params: { channel: uuid }, body: { sender: '+254700000003', text: 'json' } });
    expect(json.body.data[0]).toMatchObject({ urn: 'tel:+254700000003', text: 'json' });
    const query = await request({ route: 'GET /c/ex/{channel}/receive', params: { channel: uuid }, query: { from: '+254700000004', text: 'query' } });
    expect(query.body.data[0]).toMatchObject({ urn: 'tel:+254700000004', text: 'query' });
  });

  it('answers bad requests 400/404 saying what is wrong, and hands nothing on', async () => {
    const { uuid } = await createEx();
    const before = world.inbox.received.length;
    const cases: [Omit<RequestOptions, 'identity'>, number, string][] = [
      [{ route: 'POST /c/ex/{channel}/receive', params: { channel: uuid }, body: { text: 'no sender' } }, 400, "must have one of 'sender' or 'from' set"],
      [{ route: 'POST /c/ex/{channel}/receive', params: { channel: randomUUID() }, body: { from: '+254700000001', text: 'hi' } }, 404, 'No such channel.'],
      [{ route: 'POST /c/ex/{channel}/receive', params: { channel: 'nope' }, body: { from: '+254700000001', text: 'hi' } }, 404, 'No channel with this id'],
      [{ route: 'POST /c/ex/{channel}/receive', params: { channel: uuid }, body: { from: '+254700000001', text: 'x'.repeat(60_000) } }, 400, 'text is longer than 4096 characters.'],
      [{ route: 'POST /c/ex/{channel}/receive', params: { channel: uuid }, body: { from: '+254700000001', text: 'x'.repeat(1024 * 1024) } }, 400, 'The request body is larger than 64 KB.'],
      [{ route: 'POST /c/ex/{channel}/receive', params: { channel: uuid }, body: '{"from": ' }, 400, 'The body is not valid JSON.'],
      [{ route: 'GET /c/ex/{channel}/receive', params: { channel: uuid }, query: { from: '+254700000001', date: '29/11/2026' } }, 400, 'invalid date format, must be RFC 3339'],
    ];
    for (const [options, status, error] of cases) {
      const response = await request(options);
      expect(response, JSON.stringify(options).slice(0, 200)).toMatchObject({ status, body: { message: 'Error', data: [{ type: 'error', error: expect.stringContaining(error) }] } });
    }
    expect(world.inbox.received.length).toBe(before);
  });

  it('moves a sent message by status callbacks, only forward', async () => {
    const { uuid } = await createEx();
    const message = await putOutgoingMessage(world.table, world.workspace, { status: 'wired' });
    // The delivery consumer writes the location when it hands the message to the gateway; here the repository does.
    const { createChannelRepository } = await import('#adapters/dynamodb/channel-repository');
    const { createTableClient } = await import('#adapters/dynamodb/table-client');
    const repository = createChannelRepository(createTableClient({ client: world.table.client, tableName: world.table.tableName }));
    await repository.putMessageLocation({ workspace: world.workspace, contact: message.contact, created_on: message.created_on, uuid: message.uuid, sent_through: uuid });
    const status = async () => (await world.table.client.send(new GetCommand({ TableName: world.table.tableName, Key: { pk: message.item.pk, sk: message.item.sk } }))).Item?.status;

    // Another channel of the workspace cannot report on a message it did not send.
    const { uuid: otherChannel } = await createEx();
    const foreign = await request({ route: 'POST /c/ex/{channel}/delivered', params: { channel: otherChannel }, body: { id: message.uuid } });
    expect(foreign.body.message).toBe('Ignored');
    expect(await status()).toBe('wired');

    const sent = await request({ route: 'POST /c/ex/{channel}/sent', params: { channel: uuid }, body: { id: message.uuid } });
    expect(sent.body).toEqual({ message: 'Status Update Accepted', data: [{ type: 'status', channel_uuid: uuid, status: 'S', msg_uuid: message.uuid }] });
    expect(await status()).toBe('sent');
    const delivered = await request({ route: 'GET /c/ex/{channel}/delivered', params: { channel: uuid }, query: { uuid: message.uuid } });
    expect(delivered.body.data[0].status).toBe('D');
    expect(await status()).toBe('delivered');
    const late = await request({ route: 'POST /c/ex/{channel}/sent', params: { channel: uuid }, body: { id: message.uuid } });
    expect(late.body.message).toBe('Ignored');
    const failed = await request({ route: 'POST /c/ex/{channel}/failed', params: { channel: uuid }, body: { id: message.uuid } });
    expect(failed.body.message).toBe('Ignored');
    expect(await status()).toBe('delivered');
    const unknown = await request({ route: 'POST /c/ex/{channel}/delivered', params: { channel: uuid }, body: { id: randomUUID() } });
    expect(unknown).toMatchObject({ status: 200, body: { message: 'Ignored' } });
    const noId = await request({ route: 'POST /c/ex/{channel}/delivered', params: { channel: uuid }, body: {} });
    expect(noId).toMatchObject({ status: 400, body: { data: [{ error: 'parameters id or uuid should not be empty' }] } });
  });

  it('stops the contact of /stopped', async () => {
    const { uuid } = await createEx();
    const response = await request({ route: 'POST /c/ex/{channel}/stopped', params: { channel: uuid }, body: { from: '+254700000009' } });
    expect(response.body).toMatchObject({ message: 'Event Accepted', data: [{ type: 'event', channel_uuid: uuid, event_type: 'stop_contact', urn: 'tel:+254700000009' }] });
    expect(world.inbox.stopped.at(-1)).toEqual({ workspace: world.workspace, urn: 'tel:+254700000009' });
  });

  it('rate-limits each channel: 429 with Retry-After beyond the limit, other channels unaffected', async () => {
    const { uuid } = await createEx();
    const other = await createEx();
    const { createChannelsHandler } = await import('../../../functions/handlers/http-channels');
    const { createChannelUseCases } = await import('#use-cases/channels');
    const limited50 = createChannelsHandler(createChannelUseCases({ ...world.channelDeps, receiveRateLimitPerMinute: 50 }), { admit: async () => undefined });
    const request = (options: Omit<RequestOptions, 'identity'>) => call(limited50, { identity: world.identity, ...options });
    const answers = [];
    for (let i = 0; i < 52; i++) answers.push((await request({ route: 'GET /c/ex/{channel}/receive', params: { channel: uuid }, query: { from: '+254700000001', text: `m${i}` } })).status);
    expect(answers.filter((status) => status === 200).length).toBeLessThanOrEqual(50);
    const limited = await request({ route: 'GET /c/ex/{channel}/receive', params: { channel: uuid }, query: { from: '+254700000001', text: 'again' } });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect((await request({ route: 'GET /c/ex/{channel}/receive', params: { channel: other.uuid }, query: { from: '+254700000001', text: 'x' } })).status).toBe(200);
  });
});

describe('arbitrary requests to the public routes', () => {
  it('are answered 200, 400 or 404 — never a 5xx — and only well-formed messages reach the inbox', async () => {
    const { uuid } = await createEx();
    const tgBefore = world.telegram.requests.length;
    const tg = (await request({ route: 'POST /channels', body: { type: 'TG', name: 'Fuzz bot', config: { auth_token: '31:fuzz' } } })).body as { uuid: string };
    const secret = JSON.parse(world.telegram.requests.slice(tgBefore).find((call) => call.url.endsWith('/setWebhook'))!.body).secret_token as string;
    const field = fc.constantFrom('from', 'sender', 'text', 'date', 'id', 'uuid', 'x');
    const body = fc.oneof(
      fc.string(),
      fc.json(),
      fc.dictionary(field, fc.string()),
      fc.dictionary(field, fc.string()).map((values) => new URLSearchParams(values).toString()),
      fc.record({ update_id: fc.integer(), message: fc.anything() }),
    );
    const route = fc.constantFrom('POST /c/ex/{channel}/receive', 'GET /c/ex/{channel}/receive', 'POST /c/ex/{channel}/delivered', 'POST /c/ex/{channel}/stopped', 'POST /c/tg/{channel}/receive');
    const contentType = fc.constantFrom('application/json', 'application/x-www-form-urlencoded', 'text/plain', '');
    await fc.assert(
      fc.asyncProperty(route, body, contentType, fc.dictionary(field, fc.string({ unit: 'binary' })), async (routeKey, payload, type, query) => {
        const isTelegram = routeKey.includes('/tg/');
        const before = world.inbox.received.length;
        const response = await request({
          route: routeKey,
          params: { channel: isTelegram ? tg.uuid : uuid },
          body: routeKey.startsWith('GET') ? undefined : payload,
          query,
          headers: { 'content-type': type, ...(isTelegram ? { 'x-telegram-bot-api-secret-token': secret } : {}) },
        });
        expect([200, 400, 404], JSON.stringify(response.body)).toContain(response.status);
        if (response.status !== 200) expect(response.body).toMatchObject({ message: 'Error', data: [{ type: 'error', error: expect.any(String) }] });
        if (response.status === 200 && response.body.message === 'Message Accepted') expect(world.inbox.received.length).toBe(before + 1);
        else expect(world.inbox.received.length).toBe(before);
      }),
      { numRuns: 150 },
    );
  }, 120_000);
});

describe('Telegram updates', () => {
  let tg: { uuid: string };
  let secret: string;
  beforeAll(async () => {
    const before = world.telegram.requests.length;
    tg = (await request({ route: 'POST /channels', body: { type: 'TG', name: 'Updates bot', config: { auth_token: '777:tok' } } })).body;
    secret = JSON.parse(world.telegram.requests.slice(before).find((call) => call.url.endsWith('/setWebhook'))!.body).secret_token;
  });
  const update = (message: Record<string, unknown>) => ({ update_id: 9, message: { message_id: 55, date: 1_795_000_000, from: { id: 4242, first_name: 'Zawadi' }, chat: { id: 4242 }, ...message } });
  const post = (body: unknown, token: string | null = secret) =>
    request({ route: 'POST /c/tg/{channel}/receive', params: { channel: tg.uuid }, body, headers: token === null ? {} : { 'x-telegram-bot-api-secret-token': token } });

  it('refuses an update without the secret token, or with a wrong one (401), handing nothing on', async () => {
    const before = world.inbox.received.length;
    expect(await post(update({ text: 'hi' }), null)).toMatchObject({ status: 401, body: { message: 'Unauthorized' } });
    expect((await post(update({ text: 'hi' }), 'wrong')).status).toBe(401);
    expect(world.inbox.received.length).toBe(before);
  });

  it('registers the contact on /start, and hands messages of each kind to the inbox', async () => {
    const start = await post(update({ text: '/start' }));
    expect(start.body).toMatchObject({ message: 'Event Accepted', data: [{ event_type: 'new_conversation', urn: 'telegram:4242' }] });
    expect(world.inbox.registered.at(-1)).toMatchObject({ workspace: world.workspace, urn: 'telegram:4242', name: 'Zawadi' });

    const before = world.inbox.received.length;
    const text = await post(update({ text: 'help' }));
    expect(text.body).toMatchObject({ message: 'Message Accepted', data: [{ type: 'msg', text: 'help', urn: 'telegram:4242', external_id: '4242:55' }] });
    await post(update({ photo: [{ file_id: 'p1', file_size: 5 }], caption: 'pic' }));
    await post(update({ document: { file_id: 'd1', mime_type: 'application/pdf' } }));
    await post(update({ voice: { file_id: 'v1', mime_type: 'audio/ogg' } }));
    await post(update({ location: { latitude: 1.5, longitude: 2.25 } }));
    await post(update({ contact: { phone_number: '+254700000001', first_name: 'Bo' } }));
    expect(world.inbox.received.slice(before).map((m) => [m.text, m.attachments, m.contact_name])).toEqual([
      ['help', [], 'Zawadi'],
      ['pic', ['image/jpeg:telegram-file:p1'], 'Zawadi'],
      ['', ['application/pdf:telegram-file:d1'], 'Zawadi'],
      ['', ['audio/ogg:telegram-file:v1'], 'Zawadi'],
      ['', ['geo:1.500000,2.250000'], 'Zawadi'],
      ['Bo (+254700000001)', [], 'Zawadi'],
    ]);
  });

  it('answers malformed updates 400 and ignores updates without a message', async () => {
    const before = world.inbox.received.length;
    expect((await post('{not json')).status).toBe(400);
    expect((await post({ update_id: 'x' })).status).toBe(400);
    expect((await post(update({ text: 'x'.repeat(5000) }))).status).toBe(400);
    expect(await post({ update_id: 10, edited_message: {} })).toMatchObject({ status: 200, body: { message: 'Ignored' } });
    expect(world.inbox.received.length).toBe(before);
  });
});

describe('storage', () => {
  it('keeps a workspace\'s channels in one partition', async () => {
    const out = await world.table.client.send(new QueryCommand({ TableName: world.table.tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': channelKeys.partition(world.workspace) } }));
    expect(out.Items!.length).toBeGreaterThan(3);
    expect(out.Items!.every((item) => item.type === 'channel')).toBe(true);
  });
});
