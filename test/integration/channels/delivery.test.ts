// Delivery through real sockets: outgoing message items on DynamoDB Local,
// their INSERT records on a fauxqs FIFO queue (group = the contact's
// partition, as the fan-out sets it) with the stack's redrive policy, the
// DeliveryConsumer handler run as Lambda's event source mapping would, and a
// gateway stand-in (an HTTP server on a free port) checking every byte sent.
import { randomUUID } from 'node:crypto';
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChannelRepository } from '#adapters/dynamodb/channel-repository';
import { createTableClient } from '#adapters/dynamodb/table-client';
import { createSecretBox, staticKeyProvider } from '#adapters/secrets/secret-box';
import { sqsMessageVisibility } from '#adapters/sqs/retry-visibility';
import { createExternalSender } from '#channels/external-sender';
import { createTelegramSender } from '#channels/telegram-api';
import { createDelivery, DELIVERY_MAX_ATTEMPTS, RETRIES_EXHAUSTED, type Delivery } from '#use-cases/delivery';
import type { MessageRecord } from '#use-cases/flow-ports';
import { createChannelWorld, insertRecord, putOutgoingMessage, SECRETS_KEY, startStandIn, type ChannelWorld, type StandIn } from './support';

const sqs = new SQSClient({ useQueueUrlAsEndpoint: false });
let world: ChannelWorld;
let createDeliveryHandler: typeof import('../../../functions/handlers/delivery-consumer')['createDeliveryHandler'];

beforeAll(async () => {
  world = await createChannelWorld({ retryBaseSeconds: 1 });
  process.env.TABLE_NAME ??= world.table.tableName;
  ({ createDeliveryHandler } = await import('../../../functions/handlers/delivery-consumer'));
});
afterAll(async () => world.close());

async function createQueues() {
  const suffix = randomUUID().slice(0, 8);
  const dlq = await sqs.send(new CreateQueueCommand({ QueueName: `deliveries-dlq-${suffix}.fifo`, Attributes: { FifoQueue: 'true' } }));
  const dlqArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlq.QueueUrl, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
  const queue = await sqs.send(
    new CreateQueueCommand({
      QueueName: `deliveries-${suffix}.fifo`,
      Attributes: { FifoQueue: 'true', VisibilityTimeout: '30', RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: DELIVERY_MAX_ATTEMPTS }) },
    }),
  );
  const arn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queue.QueueUrl, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
  return { url: queue.QueueUrl!, arn, dlqUrl: dlq.QueueUrl!, dlqArn };
}
type Queues = Awaited<ReturnType<typeof createQueues>>;

// The queue's visibility timeout is long (30 s, as a deployed queue's is several times the function's
// timeout): every retry must come back by its backoff instead. (fauxqs hands out one message per FIFO
// group per receive, so messages held back behind a retry in one batch are covered by
// test/unit/channels/delivery-consumer.test.ts.)

/** Sends records as the fan-out does: group = the item's partition key (the contact), dedup id = eventID (or a given one). */
async function sendRecords(queueUrl: string, records: ReturnType<typeof insertRecord>[], dedup = (record: ReturnType<typeof insertRecord>) => record.eventID) {
  for (let start = 0; start < records.length; start += 10) {
    const entries = records.slice(start, start + 10).map((record, index) => ({
      Id: String(index),
      MessageBody: JSON.stringify(record),
      MessageGroupId: (record.dynamodb.Keys as { pk: { S: string } }).pk.S,
      MessageDeduplicationId: dedup(record),
    }));
    const out = await sqs.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }));
    if (out.Failed?.length) throw new Error(JSON.stringify(out.Failed));
  }
}

/** Lambda's event source mapping, in short: receive, invoke, delete what was not reported failed; until the queue stays empty. */
async function drain(queueUrl: string, queueArn: string, delivery: Delivery, { idleReceives = 3, batchSize = 10 } = {}) {
  const handler = createDeliveryHandler(delivery, sqsMessageVisibility(sqs));
  let failuresReported = 0;
  for (let idle = 0; idle < idleReceives; ) {
    const out = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: batchSize, WaitTimeSeconds: 1, MessageSystemAttributeNames: ['MessageGroupId', 'ApproximateReceiveCount'] }),
    );
    const messages = out.Messages ?? [];
    if (messages.length === 0) {
      idle++;
      continue;
    }
    idle = 0;
    const event: SQSEvent = {
      Records: messages.map((message) => ({
        messageId: message.MessageId!,
        receiptHandle: message.ReceiptHandle!,
        body: message.Body!,
        attributes: {
          ApproximateReceiveCount: message.Attributes?.ApproximateReceiveCount ?? '1',
          SentTimestamp: String(Date.now()),
          SenderId: 'fan-out',
          ApproximateFirstReceiveTimestamp: String(Date.now()),
          MessageGroupId: message.Attributes?.MessageGroupId ?? '',
        },
        messageAttributes: {},
        md5OfBody: '',
        eventSource: 'aws:sqs',
        eventSourceARN: queueArn,
        awsRegion: 'us-east-1',
      })),
    };
    const { batchItemFailures } = await handler(event);
    failuresReported += batchItemFailures.length;
    const failed = new Set(batchItemFailures.map((failure) => failure.itemIdentifier));
    const done = messages.filter((message) => !failed.has(message.MessageId!));
    if (done.length)
      await sqs.send(new DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries: done.map((message, index) => ({ Id: String(index), ReceiptHandle: message.ReceiptHandle! })) }));
  }
  return { failuresReported };
}

async function stored(message: { item: Record<string, unknown> }) {
  const out = await world.table.client.send(new GetCommand({ TableName: world.table.tableName, Key: { pk: message.item.pk, sk: message.item.sk }, ConsistentRead: true }));
  return out.Item as MessageRecord & Record<string, unknown>;
}

/** A workspace of its own with an EX channel sending to `gateway`. */
async function exChannel(gateway: StandIn, config: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) {
  const actor = { workspace: randomUUID(), user: randomUUID() };
  const channel = await world.channels.createChannel({
    actor,
    apiBaseUrl: 'https://api.example',
    input: { type: 'EX', name: 'Gateway', address: '+12065551212', config: { send_url: `${gateway.url}/send`, ...config }, ...extra } as never,
  });
  return { workspace: actor.workspace, channel, ref: { uuid: channel.uuid, name: channel.name } };
}

describe('EX sends, byte for byte', () => {
  let gateway: StandIn;
  beforeAll(async () => {
    gateway = await startStandIn();
  });
  afterAll(async () => gateway.close());

  async function deliverOne(config: Record<string, unknown>, message: Partial<MessageRecord> = {}) {
    const { workspace, channel, ref } = await exChannel(gateway, config);
    const msg = await putOutgoingMessage(world.table, workspace, { channel: ref, text: 'Hi & "bye" <3', quick_replies: ['Yes', 'No way'], ...message });
    const before = gateway.requests.length;
    const result = await world.delivery.deliver({ location: msg, receiveCount: 1 });
    return { result, requests: gateway.requests.slice(before), msg, channel };
  }

  it('POST urlencoded: RapidPro\'s default body, Authorization and extra headers', async () => {
    const { result, requests, msg, channel } = await deliverOne({ send_authorization: 'Token abc', headers: { 'X-Api-Key': 'k1' } });
    expect(result).toEqual({ kind: 'wired', channel: { uuid: channel.uuid, name: 'Gateway' }, externalId: null });
    expect(requests).toHaveLength(1);
    expect(requests[0]!.method).toBe('POST');
    expect(requests[0]!.url).toBe('/send');
    expect(requests[0]!.headers).toMatchObject({ 'content-type': 'application/x-www-form-urlencoded', authorization: 'Token abc', 'x-api-key': 'k1' });
    expect(requests[0]!.body).toBe(
      `id=${msg.uuid}&text=Hi+%26+%22bye%22+%3C3&to=%2B254700000001&to_no_plus=254700000001&from=%2B12065551212&from_no_plus=12065551212&channel=${channel.uuid}`,
    );
    expect(await stored(msg)).toMatchObject({ status: 'wired', attempts: 1, channel: { uuid: channel.uuid, name: 'Gateway' } });
  });

  it('POST json: JSON-escaped values, quick replies as an array', async () => {
    const { requests, msg } = await deliverOne({ content_type: 'json', body: '{"id":{{id}},"to":{{to_no_plus}},"text":{{text}},"qr":{{quick_replies}}}' });
    expect(requests[0]!.headers['content-type']).toBe('application/json');
    expect(requests[0]!.body).toBe(`{"id":"${msg.uuid}","to":"254700000001","text":"Hi \\u0026 \\"bye\\" \\u003c3","qr":["Yes","No way"]}`);
  });

  it('PUT xml: XML-escaped values, quick replies as items', async () => {
    const { requests } = await deliverOne({ method: 'PUT', content_type: 'xml', body: '<msg><to>{{to}}</to><text>{{text}}</text><qr>{{quick_replies}}</qr></msg>' });
    expect(requests[0]!.method).toBe('PUT');
    expect(requests[0]!.headers['content-type']).toBe('text/xml; charset=utf-8');
    expect(requests[0]!.body).toBe('<msg><to>+254700000001</to><text>Hi &amp; &#34;bye&#34; &lt;3</text><qr><item>Yes</item><item>No way</item></qr></msg>');
  });

  it('GET: the values in the send_url query, no body', async () => {
    const { requests } = await deliverOne({ method: 'GET', send_url: `${gateway.url}/send?to={{to}}&text={{text}}&from={{from_no_plus}}{{quick_replies}}` });
    expect(requests[0]!.method).toBe('GET');
    expect(requests[0]!.url).toBe('/send?to=%2B254700000001&text=Hi+%26+%22bye%22+%3C3&from=12065551212&quick_reply=Yes&quick_reply=No+way');
    expect(requests[0]!.body).toBe('');
  });

  it('splits long text at word boundaries into parts sent in order', async () => {
    const text = 'The quick brown fox jumps over the lazy dog and keeps running far away';
    const { requests } = await deliverOne({ max_length: 20, content_type: 'json', body: '{{text}}' }, { text, quick_replies: [] });
    const parts = requests.map((request) => JSON.parse(request.body) as string);
    expect(parts).toEqual(['The quick brown fox', 'jumps over the lazy', 'dog and keeps', 'running far away']);
  });

  it('sends attachment URLs after the text, as courier does', async () => {
    const { requests } = await deliverOne({ content_type: 'json', body: '{{text}}' }, { text: 'See', attachments: ['image/png:https://files.example/a.png'], quick_replies: [] });
    expect(JSON.parse(requests[0]!.body)).toBe('See\nhttps://files.example/a.png');
  });
});

describe('gateway answers', () => {
  it('mt_response_check: a 2xx without the text fails the message, with it the message is wired', async () => {
    const gateway = await startStandIn((_request, index) => ({ status: 200, body: index === 0 ? 'ERROR: no credit' : 'OK: queued' }));
    const { workspace, ref } = await exChannel(gateway, { mt_response_check: 'OK' });
    const first = await putOutgoingMessage(world.table, workspace, { channel: ref });
    expect(await world.delivery.deliver({ location: first, receiveCount: 1 })).toEqual({ kind: 'failed', reason: 'response_check_failed' });
    expect(await stored(first)).toMatchObject({ status: 'failed', failed_reason: 'response_check_failed' });
    const second = await putOutgoingMessage(world.table, workspace, { channel: ref });
    expect((await world.delivery.deliver({ location: second, receiveCount: 1 })).kind).toBe('wired');
    await gateway.close();
  });

  it('500, 500, then 200 through the queue: the message reaches the gateway once more each try and is wired once', async () => {
    const gateway = await startStandIn((_request, index) => ({ status: index < 2 ? 500 : 200, body: index < 2 ? 'oops' : 'OK' }));
    const { workspace, ref } = await exChannel(gateway);
    const msg = await putOutgoingMessage(world.table, workspace, { channel: ref });
    const queues = await createQueues();
    await sendRecords(queues.url, [insertRecord(msg.item)]);
    const started = Date.now();
    const { failuresReported } = await drain(queues.url, queues.arn, world.delivery);
    expect(failuresReported).toBe(2);
    expect(gateway.requests.map((request) => new URLSearchParams(request.body).get('id'))).toEqual([msg.uuid, msg.uuid, msg.uuid]);
    expect(await stored(msg)).toMatchObject({ status: 'wired', attempts: 3, failed_reason: null });
    // Backoff: 1 s after the first failure, 2 s after the second.
    expect(Date.now() - started).toBeGreaterThanOrEqual(3000);
    await gateway.close();
  }, 60_000);

  it('a 400 fails the message at once: no retry', async () => {
    const gateway = await startStandIn(() => ({ status: 400, body: 'bad number' }));
    const { workspace, ref } = await exChannel(gateway);
    const msg = await putOutgoingMessage(world.table, workspace, { channel: ref });
    const queues = await createQueues();
    await sendRecords(queues.url, [insertRecord(msg.item)]);
    const { failuresReported } = await drain(queues.url, queues.arn, world.delivery);
    expect(failuresReported).toBe(0);
    expect(gateway.requests).toHaveLength(1);
    expect(await stored(msg)).toMatchObject({ status: 'failed', failed_reason: 'gateway_status_400', attempts: 1 });
    await gateway.close();
  });

  it('duplicate stream records (a pipe redelivery is a new queue message) send once', async () => {
    const gateway = await startStandIn();
    const { workspace, ref } = await exChannel(gateway);
    const msg = await putOutgoingMessage(world.table, workspace, { channel: ref });
    const queues = await createQueues();
    const record = insertRecord(msg.item);
    await sendRecords(queues.url, [record, record, record], () => randomUUID());
    await drain(queues.url, queues.arn, world.delivery);
    expect(gateway.requests).toHaveLength(1);
    expect(await stored(msg)).toMatchObject({ status: 'wired', attempts: 1 });
    await gateway.close();
  });

  it('20 quick messages to one contact arrive in order, each once, even when one of them needs a retry', async () => {
    const gateway = await startStandIn((request) => {
      const text = new URLSearchParams(request.body).get('text');
      const seen = gateway.requests.filter((r) => new URLSearchParams(r.body).get('text') === text).length;
      return text === 'message 7' && seen === 1 ? { status: 503, body: 'busy' } : { status: 200, body: 'OK' };
    });
    const { workspace, ref } = await exChannel(gateway);
    const contact = randomUUID();
    const messages = [];
    for (let i = 1; i <= 20; i++) messages.push(await putOutgoingMessage(world.table, workspace, { channel: ref, contact, text: `message ${i}` }));
    const queues = await createQueues();
    await sendRecords(queues.url, messages.map((message) => insertRecord(message.item)));
    await drain(queues.url, queues.arn, world.delivery);
    const texts = gateway.requests.map((request) => new URLSearchParams(request.body).get('text'));
    const accepted = texts.filter((text, index) => !(text === 'message 7' && texts.indexOf('message 7') === index));
    expect(accepted).toEqual(messages.map((message) => message.text));
    expect(texts.filter((text) => text === 'message 7')).toHaveLength(2);
    for (const message of messages) expect((await stored(message)).status).toBe('wired');
    await gateway.close();
  }, 60_000);

  it('after 5 failed tries the message is failed and parked in the DLQ; a redrive delivers it', async () => {
    let down = true;
    const gateway = await startStandIn(() => (down ? { status: 502, body: 'down' } : { status: 200, body: 'OK' }));
    const { workspace, ref } = await exChannel(gateway);
    const msg = await putOutgoingMessage(world.table, workspace, { channel: ref });
    const queues = await createQueues();
    await sendRecords(queues.url, [insertRecord(msg.item)]);
    // No backoff, so the five tries are quick; the retry base is configuration.
    const fast = createDelivery({
      channels: createChannelRepository(createTableClient({ client: world.table.client, tableName: world.table.tableName })),
      secrets: createSecretBox(staticKeyProvider(SECRETS_KEY)),
      senders: { EX: createExternalSender(2000), TG: createTelegramSender(world.telegram.url, 2000) },
      retryBaseSeconds: 0,
    });
    await drain(queues.url, queues.arn, fast);
    expect(gateway.requests).toHaveLength(DELIVERY_MAX_ATTEMPTS);
    expect(await stored(msg)).toMatchObject({ status: 'failed', failed_reason: 'retries_exhausted', attempts: 5 });
    const parked = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queues.dlqUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
    expect(parked.Messages).toHaveLength(1);

    // The redrive (docs/channels.md): the DLQ's messages back to the queue (StartMessageMoveTask on AWS).
    down = false;
    await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queues.url,
        Entries: parked.Messages!.map((message, index) => ({ Id: String(index), MessageBody: message.Body!, MessageGroupId: msg.item.pk as string, MessageDeduplicationId: randomUUID() })),
      }),
    );
    await sqs.send(new DeleteMessageBatchCommand({ QueueUrl: queues.dlqUrl, Entries: parked.Messages!.map((message, index) => ({ Id: String(index), ReceiptHandle: message.ReceiptHandle! })) }));
    await drain(queues.url, queues.arn, fast);
    expect(gateway.requests).toHaveLength(DELIVERY_MAX_ATTEMPTS + 1);
    expect(await stored(msg)).toMatchObject({ status: 'wired', attempts: 6 });
  }, 90_000);
});

describe('channel choice', () => {
  it('falls back to the oldest channel serving the URN\'s scheme when the message\'s channel is gone; none: failed no_channel', async () => {
    const first = await startStandIn();
    const second = await startStandIn();
    const { workspace } = await exChannel(first);
    const actor = { workspace, user: randomUUID() };
    await world.channels.createChannel({ actor, apiBaseUrl: 'https://api.example', input: { type: 'EX', name: 'Second', config: { send_url: `${second.url}/send` } } as never });
    const msg = await putOutgoingMessage(world.table, workspace, { channel: { uuid: randomUUID(), name: 'Deleted' } });
    expect(await world.delivery.deliver({ location: msg, receiveCount: 1 })).toMatchObject({ kind: 'wired', channel: { name: 'Gateway' } });
    expect([first.requests.length, second.requests.length]).toEqual([1, 0]);
    // A message whose channel does not serve its URN's scheme (a Telegram bot, a tel: URN) goes by one that does.
    const bot = await world.channels.createChannel({ actor, apiBaseUrl: 'https://api.example', input: { type: 'TG', name: 'Bot', config: { auth_token: '5:fallback' } } });
    const viaBot = await putOutgoingMessage(world.table, workspace, { channel: { uuid: bot.uuid, name: 'Bot' } });
    expect(await world.delivery.deliver({ location: viaBot, receiveCount: 1 })).toMatchObject({ kind: 'wired', channel: { name: 'Gateway' } });
    expect(first.requests.length).toBe(2);

    const orphan = await putOutgoingMessage(world.table, workspace, { urn: 'whatsapp:254700000001' });
    expect(await world.delivery.deliver({ location: orphan, receiveCount: 1 })).toEqual({ kind: 'failed', reason: 'no_channel' });
    expect(await stored(orphan)).toMatchObject({ status: 'failed', failed_reason: 'no_channel' });
    await first.close();
    await second.close();
  });

  it('skips a message whose status already moved (sent, delivered, failed for good)', async () => {
    const gateway = await startStandIn();
    const { workspace, ref } = await exChannel(gateway);
    for (const status of ['wired', 'sent', 'delivered'] as const) {
      const msg = await putOutgoingMessage(world.table, workspace, { channel: ref, status });
      expect(await world.delivery.deliver({ location: msg, receiveCount: 1 })).toEqual({ kind: 'skipped', reason: `status_${status}` });
    }
    const failed = await putOutgoingMessage(world.table, workspace, { channel: ref, status: 'failed', failed_reason: 'gateway_status_400' });
    expect((await world.delivery.deliver({ location: failed, receiveCount: 1 })).kind).toBe('skipped');
    expect(gateway.requests).toHaveLength(0);
    await gateway.close();
  });
});

describe('status changes never go back', () => {
  it('a message its gateway reported failed stays failed when the send answers later; only exhausted retries may be sent again', async () => {
    const gateway = await startStandIn();
    const { workspace, ref } = await exChannel(gateway);
    const repository = createChannelRepository(createTableClient({ client: world.table.client, tableName: world.table.tableName }));
    const sendable = { from: ['queued', 'errored', 'failed'] as MessageRecord['status'][], failedOnlyFor: RETRIES_EXHAUSTED };
    const reported = await putOutgoingMessage(world.table, workspace, { channel: ref, status: 'failed', failed_reason: 'gateway_reported_failure' });
    expect(await repository.updateMessageStatus(reported, { status: 'wired', modified_on: new Date().toISOString(), ...sendable })).toBe(false);
    expect(await stored(reported)).toMatchObject({ status: 'failed', failed_reason: 'gateway_reported_failure' });
    const exhausted = await putOutgoingMessage(world.table, workspace, { channel: ref, status: 'failed', failed_reason: RETRIES_EXHAUSTED });
    expect(await repository.updateMessageStatus(exhausted, { status: 'wired', modified_on: new Date().toISOString(), ...sendable })).toBe(true);
    expect(await stored(exhausted)).toMatchObject({ status: 'wired' });
    await gateway.close();
  });
});

describe('Telegram sends', () => {
  it('sendMessage with a one-time keyboard for quick replies, 4096-character parts, photos by sendPhoto; the message id kept', async () => {
    const actor = { workspace: randomUUID(), user: randomUUID() };
    const channel = await world.channels.createChannel({ actor, apiBaseUrl: 'https://api.example', input: { type: 'TG', name: 'Bot', config: { auth_token: '999:send' } } });
    const before = world.telegram.requests.length;
    const long = await putOutgoingMessage(world.table, actor.workspace, { channel: { uuid: channel.uuid, name: 'Bot' }, urn: 'telegram:4242', text: 'a'.repeat(4100), quick_replies: ['Yes', 'No'] });
    const result = await world.delivery.deliver({ location: long, receiveCount: 1 });
    expect(result).toMatchObject({ kind: 'wired', externalId: expect.stringMatching(/^\d+$/) });
    const calls = world.telegram.requests.slice(before).map((request) => ({ url: request.url, body: JSON.parse(request.body) }));
    expect(calls.map((call) => [call.url, call.body.chat_id, call.body.text.length])).toEqual([
      ['/bot999:send/sendMessage', '4242', 4096],
      ['/bot999:send/sendMessage', '4242', 4],
    ]);
    expect(calls[1]!.body.reply_markup).toEqual({ keyboard: [[{ text: 'Yes' }], [{ text: 'No' }]], resize_keyboard: true, one_time_keyboard: true });
    expect(await stored(long)).toMatchObject({ status: 'wired', external_id: result.kind === 'wired' ? result.externalId : '' });

    const photo = await putOutgoingMessage(world.table, actor.workspace, { channel: { uuid: channel.uuid, name: 'Bot' }, urn: 'telegram:4242', text: 'look', attachments: ['image/jpeg:https://files.example/p.jpg'] });
    const mark = world.telegram.requests.length;
    await world.delivery.deliver({ location: photo, receiveCount: 1 });
    const [call] = world.telegram.requests.slice(mark);
    expect(call!.url).toBe('/bot999:send/sendPhoto');
    expect(JSON.parse(call!.body)).toEqual({ chat_id: '4242', photo: 'https://files.example/p.jpg', caption: 'look', reply_markup: { remove_keyboard: true } });
  });

  it('a 429 from the Bot API is retried, a 400 fails', async () => {
    const actor = { workspace: randomUUID(), user: randomUUID() };
    const channel = await world.channels.createChannel({ actor, apiBaseUrl: 'https://api.example', input: { type: 'TG', name: 'Bot', config: { auth_token: '999:limits' } } });
    const ref = { uuid: channel.uuid, name: 'Bot' };
    world.telegram.failWith({ status: 429, body: JSON.stringify({ ok: false, error_code: 429, description: 'Too Many Requests: retry after 1' }) });
    const throttled = await putOutgoingMessage(world.table, actor.workspace, { channel: ref, urn: 'telegram:1' });
    expect(await world.delivery.deliver({ location: throttled, receiveCount: 1 })).toMatchObject({ kind: 'retry', final: false, delaySeconds: 1 });
    expect(await stored(throttled)).toMatchObject({ status: 'errored', failed_reason: 'gateway_status_429' });
    world.telegram.failWith({ status: 400, body: JSON.stringify({ ok: false, error_code: 400, description: 'Bad Request: chat not found' }) });
    const refused = await putOutgoingMessage(world.table, actor.workspace, { channel: ref, urn: 'telegram:2' });
    expect(await world.delivery.deliver({ location: refused, receiveCount: 1 })).toEqual({ kind: 'failed', reason: 'gateway_status_400' });
  });
});
