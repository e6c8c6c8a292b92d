// What the channel tests run on: their own table on DynamoDB Local, the
// channel use cases over it with a fixed secrets key, an in-memory inbox
// standing in for the conversations part, a gateway stand-in and a Telegram
// Bot API stand-in (HTTP servers on free local ports), outgoing message items
// as the conversations part stores them, and their stream records as the
// fan-out delivers them.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { createChannelRepository } from '#adapters/dynamodb/channel-repository';
import { toMessageItem } from '#adapters/dynamodb/entities/message';
import { createRateLimitCounter } from '#adapters/dynamodb/rate-limit-counter';
import { createTableClient } from '#adapters/dynamodb/table-client';
import { createSecretBox, staticKeyProvider } from '#adapters/secrets/secret-box';
import { createExternalSender } from '#channels/external-sender';
import { createTelegramSender, createTelegramSetup } from '#channels/telegram-api';
import { formatTimestamp } from '#domain/time';
import type { Identity } from '#http/identity';
import type { ChannelInbox, ChannelMessageIn } from '#use-cases/channel-ports';
import { createChannelUseCases } from '#use-cases/channels';
import { createDelivery } from '#use-cases/delivery';
import type { MessageRecord } from '#use-cases/flow-ports';
import { createTestTable, type TestTable } from '../storage/support';
import { pipeStreamRecord } from '../../support/stream-record';

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

type Reply = { status: number; body?: string | Buffer; delayMs?: number };

/** An HTTP server on a free port that records every request and answers from a script (default 200 `OK`). */
export async function startStandIn(answer: (request: RecordedRequest, index: number) => Reply | Promise<Reply> = () => ({ status: 200, body: 'OK' })) {
  const requests: RecordedRequest[] = [];
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', async () => {
      const recorded = { method: req.method!, url: req.url!, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      const index = requests.push(recorded) - 1;
      const reply = await answer(recorded, index);
      if (reply.delayMs) await new Promise((resolve) => setTimeout(resolve, reply.delayMs));
      res.writeHead(reply.status, { 'content-type': 'text/plain' });
      res.end(reply.body ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
export type StandIn = Awaited<ReturnType<typeof startStandIn>>;

/**
 * The Bot API, as far as Ticketer calls it: getMe, setWebhook, sendMessage/sendPhoto/sendDocument
 * (scripted failures by `failWith`), and getFile with the file download for the files put in `files`.
 */
export async function startTelegramStandIn(options: { username?: string; validToken?: string } = {}) {
  let messageId = 100;
  const failures: Reply[] = [];
  /** file_id → the file's path and bytes; downloads need the token they were asked with. */
  const files = new Map<string, { path: string; bytes: Buffer }>();
  const standIn = await startStandIn((request) => {
    const download = /^\/file\/bot([^/]+)\/(.+)$/.exec(request.url);
    if (download) {
      const file = [...files.values()].find((candidate) => candidate.path === decodeURIComponent(download[2]!));
      if (!file || (options.validToken && download[1] !== options.validToken)) return { status: 404, body: 'Not Found' };
      return { status: 200, body: file.bytes };
    }
    const match = /^\/bot([^/]+)\/(\w+)$/.exec(request.url);
    if (!match || (options.validToken && match[1] !== options.validToken))
      return { status: 401, body: JSON.stringify({ ok: false, error_code: 401, description: 'Unauthorized' }) };
    const failure = failures.shift();
    if (failure) return failure;
    switch (match[2]) {
      case 'getMe':
        return { status: 200, body: JSON.stringify({ ok: true, result: { id: 42, is_bot: true, username: options.username ?? 'helpdesk_bot' } }) };
      case 'setWebhook':
        return { status: 200, body: JSON.stringify({ ok: true, result: true }) };
      case 'getFile': {
        const file = files.get(String(JSON.parse(request.body).file_id));
        if (!file) return { status: 400, body: JSON.stringify({ ok: false, error_code: 400, description: 'Bad Request: invalid file_id' }) };
        return { status: 200, body: JSON.stringify({ ok: true, result: { file_id: 'x', file_size: file.bytes.length, file_path: file.path } }) };
      }
      default:
        return { status: 200, body: JSON.stringify({ ok: true, result: { message_id: ++messageId } }) };
    }
  });
  return { ...standIn, files, failWith: (...replies: Reply[]) => failures.push(...replies) };
}

/** The conversations part's inbox, in memory: records what it was handed and answers as the contract says. */
export function fakeInbox() {
  const received: ChannelMessageIn[] = [];
  const registered: { workspace: string; urn: string; name?: string | null }[] = [];
  const stopped: { workspace: string; urn: string }[] = [];
  const inbox: ChannelInbox = {
    async receiveFromChannel(input) {
      received.push(input);
      return { msg_uuid: randomUUID(), contact_uuid: randomUUID(), ticket_uuid: null, received_on: input.received_on, duplicate: false };
    },
    async registerChannelContact(input) {
      registered.push(input);
      return { contact_uuid: randomUUID(), created: true };
    },
    async stopChannelContact(input) {
      stopped.push(input);
      return { contact_uuid: randomUUID() };
    },
  };
  return { inbox, received, registered, stopped };
}

export const SECRETS_KEY = 'test channel secrets key';

export interface ChannelWorld {
  table: TestTable;
  telegram: Awaited<ReturnType<typeof startTelegramStandIn>>;
  inbox: ReturnType<typeof fakeInbox>;
  channels: ReturnType<typeof createChannelUseCases>;
  /** What `channels` is made of (to make use cases with other settings over the same table). */
  channelDeps: Parameters<typeof createChannelUseCases>[0];
  delivery: ReturnType<typeof createDelivery>;
  workspace: string;
  actor: { workspace: string; user: string };
  identity: Identity;
  close(): Promise<void>;
}

export async function createChannelWorld(options: { rateLimitPerMinute?: number; retryBaseSeconds?: number } = {}): Promise<ChannelWorld> {
  const table = await createTestTable('channels');
  const telegram = await startTelegramStandIn();
  const inbox = fakeInbox();
  const tableClient = createTableClient({ client: table.client, tableName: table.tableName });
  const repository = createChannelRepository(tableClient);
  const secrets = createSecretBox(staticKeyProvider(SECRETS_KEY));
  const channelDeps = {
    channels: repository,
    secrets,
    telegram: createTelegramSetup(telegram.url, 2000),
    rateLimits: createRateLimitCounter(tableClient),
    inbox: inbox.inbox,
    receiveRateLimitPerMinute: options.rateLimitPerMinute ?? 10_000,
  };
  const channels = createChannelUseCases(channelDeps);
  const delivery = createDelivery({
    channels: repository,
    secrets,
    senders: { EX: createExternalSender(2000), TG: createTelegramSender(telegram.url, 2000) },
    retryBaseSeconds: options.retryBaseSeconds ?? 1,
  });
  const workspace = randomUUID();
  const user = randomUUID();
  return {
    table,
    telegram,
    inbox,
    channels,
    channelDeps,
    delivery,
    workspace,
    actor: { workspace, user },
    identity: { workspace, user, role: 'administrator' } as Identity,
    close: async () => {
      await telegram.close();
      await table.drop();
    },
  };
}

/** An outgoing message as the conversations part stores it (status queued), written to the table. */
export async function putOutgoingMessage(
  table: TestTable,
  workspace: string,
  overrides: Partial<MessageRecord> = {},
): Promise<MessageRecord & { workspace: string; item: Record<string, unknown> }> {
  const created_on = formatTimestamp(new Date());
  const message: MessageRecord = {
    uuid: randomUUID(),
    contact: randomUUID(),
    direction: 'out',
    type: 'text',
    status: 'queued',
    text: 'Hello',
    attachments: [],
    urn: 'tel:+254700000001',
    flow: null,
    created_on,
    modified_on: created_on,
    origin: 'ticket',
    channel: null,
    quick_replies: [],
    ...overrides,
  };
  const item = toMessageItem(workspace, message);
  await table.client.send(new PutCommand({ TableName: table.tableName, Item: item }));
  return { ...message, workspace, item };
}

/** The stream record of a message's INSERT, shaped as the pipe (and the fan-out) deliver it. */
export function insertRecord(item: Record<string, unknown>, eventID = randomUUID()) {
  return pipeStreamRecord({
    eventID,
    eventName: 'INSERT',
    Keys: marshall({ pk: item.pk, sk: item.sk }),
    NewImage: marshall(item, { removeUndefinedValues: true, convertClassInstanceToMap: true }),
  });
}
