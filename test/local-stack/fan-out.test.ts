// The table stream's fan-out on the local stack, from the project's own
// templates: pipe → StreamFanOut → SNS FIFO topic (fauxqs) → one filtered SQS
// FIFO queue per consumer. The queue consumers are left out of this stack (the
// templates are copied without their event source mappings), so what the
// fan-out delivered stays on the queues to be looked at. Also the bucket (S3
// on fauxqs behind the CORS front, path-style, presigned PUT from a browser)
// and the channel-secrets key (the local Secrets Manager endpoint).
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DynamoDBClient, PutItemCommand, UpdateItemCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DeleteMessageBatchCommand, ReceiveMessageCommand, SQSClient, type Message } from '@aws-sdk/client-sqs';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { startLocalStack, type LocalStack } from '../../infra/local/stack';

let stack: LocalStack;
let assemblyDir: string;
const local = { region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };
const dynamodb = new DynamoDBClient({});
let sqs: SQSClient;

/** The synthesized assembly without its event source mappings: the consumers do not take the messages away. */
function withoutQueueConsumers(source: string): string {
  const target = mkdtempSync(path.join(os.tmpdir(), 'ticketer-fan-out-'));
  for (const entry of readdirSync(source)) {
    if (entry.startsWith('asset.')) symlinkSync(path.join(source, entry), path.join(target, entry));
    else if (entry === 'manifest.json') writeFileSync(path.join(target, entry), readFileSync(path.join(source, entry)));
    else if (entry.endsWith('.template.json')) {
      const template = JSON.parse(readFileSync(path.join(source, entry), 'utf8')) as { Resources: Record<string, { Type: string }> };
      for (const [id, resource] of Object.entries(template.Resources)) {
        if (resource.Type === 'AWS::Lambda::EventSourceMapping') delete template.Resources[id];
      }
      writeFileSync(path.join(target, entry), JSON.stringify(template));
    }
  }
  return target;
}

beforeAll(async () => {
  assemblyDir = withoutQueueConsumers(inject('cloudAssemblyDir'));
  stack = await startLocalStack({
    cloudAssemblyDir: assemblyDir,
    synth: false,
    seed: false,
    ports: 0,
    dynamodbEndpoint: inject('dynamodbEndpoint'),
    sqsEndpoint: inject('sqsEndpoint'),
  });
  sqs = new SQSClient({ ...local, endpoint: stack.sqsEndpoint, useQueueUrlAsEndpoint: false });
});

afterAll(async () => {
  await stack?.stop();
  rmSync(assemblyDir, { recursive: true, force: true });
});

type Received = { body: any; group: string | undefined; deduplicationId: string | undefined };
/** Everything taken from each queue so far (messages are deleted as they are read, so FIFO groups move on). */
const taken: Record<string, Received[]> = {};

async function takeAll(queue: 'TicketEventsQueue' | 'ClosedTicketsQueue' | 'DeliveriesQueue'): Promise<Received[]> {
  const url = stack.queues[queue]!.url;
  for (;;) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 0, MessageSystemAttributeNames: ['All'] }),
    );
    if (!Messages.length) break;
    (taken[queue] ??= []).push(...Messages.map((message: Message) => ({
      body: JSON.parse(message.Body!),
      group: message.Attributes?.MessageGroupId,
      deduplicationId: message.Attributes?.MessageDeduplicationId,
    })));
    await sqs.send(
      new DeleteMessageBatchCommand({ QueueUrl: url, Entries: Messages.map((message, index) => ({ Id: String(index), ReceiptHandle: message.ReceiptHandle! })) }),
    );
  }
  return taken[queue] ?? [];
}

/** What a queue received about items of one partition. */
const about = (received: Received[], pk: string) => received.filter((message) => message.body.dynamodb.Keys.pk.S === pk);

async function eventually<T>(probe: () => Promise<T>, done: (value: T) => boolean, what: string): Promise<T> {
  for (let attempt = 0; attempt < 150; attempt++) {
    const value = await probe();
    if (done(value)) return value;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`gave up waiting for ${what}`);
}

const s = (value: string): AttributeValue => ({ S: value });
const contactPk = () => `WS#${randomUUID()}#CONTACT#${randomUUID()}`;

async function putMessage(pk: string, direction: 'in' | 'out', text: string): Promise<string> {
  const sk = `MSG#${new Date().toISOString()}#${randomUUID()}`;
  await dynamodb.send(
    new PutItemCommand({ TableName: stack.tableName, Item: { pk: s(pk), sk: s(sk), type: s('msg'), direction: s(direction), status: s(direction === 'out' ? 'queued' : 'handled'), text: s(text) } }),
  );
  return sk;
}

async function setStatus(pk: string, sk: string, status: string) {
  await dynamodb.send(
    new UpdateItemCommand({
      TableName: stack.tableName,
      Key: { pk: s(pk), sk: s(sk) },
      UpdateExpression: 'SET #status = :status',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':status': s(status) },
    }),
  );
}

/** Waits until the deliveries queue has the message with this text: the fan-out has handled everything written before it. */
const deliveredText = (pk: string, text: string) =>
  eventually(
    async () => about(await takeAll('DeliveriesQueue'), pk),
    (received) => received.some((message) => message.body.dynamodb.NewImage.text.S === text),
    `"${text}" in the deliveries queue`,
  );

describe('the fan-out of the table stream', () => {
  it('runs one pipe into the StreamFanOut function and one FIFO topic', () => {
    expect(stack.functions.StreamFanOut).toBe('StreamFanOut');
    expect(stack.topics.FanOutTopic?.arn).toMatch(/^arn:aws:sns:us-east-1:000000000000:.*\.fifo$/);
    expect(stack.snsEndpoint).toBe(stack.sqsEndpoint);
  });

  it('puts a new outgoing message on the deliveries queue as its raw stream record, grouped by contact, deduplicated by eventID; not an incoming one, not a status change', async () => {
    const pk = contactPk();
    const out = await putMessage(pk, 'out', 'hello');
    await putMessage(pk, 'in', 'hi there');
    await setStatus(pk, out, 'wired');
    await putMessage(pk, 'out', 'sentinel');
    const delivered = await deliveredText(pk, 'sentinel');
    expect(delivered.map((message) => message.body.dynamodb.NewImage.text.S)).toEqual(['hello', 'sentinel']);
    const [first] = delivered;
    expect(first!.group).toBe(pk);
    expect(first!.deduplicationId).toBe(first!.body.eventID);
    expect(first!.body).toMatchObject({
      eventName: 'INSERT',
      eventSource: 'aws:dynamodb',
      eventSourceARN: expect.stringContaining(':dynamodb:'),
      dynamodb: { Keys: { pk: { S: pk }, sk: { S: out } }, NewImage: { type: { S: 'msg' }, direction: { S: 'out' }, status: { S: 'queued' } } },
    });
    expect(about(await takeAll('TicketEventsQueue'), pk)).toEqual([]);
    expect(about(await takeAll('ClosedTicketsQueue'), pk)).toEqual([]);
  });

  it('puts every ticket record on the ticket events queue and only its close on the closed-tickets queue; no ticket record on the deliveries queue', async () => {
    const workspace = randomUUID();
    const ticketPk = `WS#${workspace}#TICKET#${randomUUID()}`;
    const key = { pk: s(ticketPk), sk: s('TICKET') };
    await dynamodb.send(new PutItemCommand({ TableName: stack.tableName, Item: { ...key, type: s('ticket'), status: s('open'), version: { N: '1' } } }));
    await dynamodb.send(new UpdateItemCommand({ TableName: stack.tableName, Key: key, UpdateExpression: 'SET version = :v', ExpressionAttributeValues: { ':v': { N: '2' } } }));
    await setStatus(ticketPk, 'TICKET', 'closed');
    await setStatus(ticketPk, 'TICKET', 'open'); // a reopen
    const pk = `WS#${workspace}#CONTACT#${randomUUID()}`;
    await putMessage(pk, 'out', 'sentinel');
    await deliveredText(pk, 'sentinel');
    const ticketEvents = about(await takeAll('TicketEventsQueue'), ticketPk);
    expect(ticketEvents.map((message) => [message.body.eventName, message.body.dynamodb.NewImage.status.S])).toEqual([
      ['INSERT', 'open'],
      ['MODIFY', 'open'],
      ['MODIFY', 'closed'],
      ['MODIFY', 'open'],
    ]);
    expect(new Set(ticketEvents.map((message) => message.group))).toEqual(new Set([ticketPk]));
    const closes = about(await takeAll('ClosedTicketsQueue'), ticketPk);
    expect(closes).toHaveLength(1);
    expect(closes[0]!.body.dynamodb).toMatchObject({ OldImage: { status: { S: 'open' } }, NewImage: { status: { S: 'closed' } } });
    expect(about(await takeAll('DeliveriesQueue'), ticketPk)).toEqual([]);
  });

  it('keeps a contact’s outgoing messages in the order they were written', async () => {
    const pk = contactPk();
    const texts = Array.from({ length: 20 }, (_, index) => `reply ${index + 1}`);
    for (const text of texts) await putMessage(pk, 'out', text);
    await deliveredText(pk, 'reply 20');
    expect(about(await takeAll('DeliveriesQueue'), pk).map((message) => message.body.dynamodb.NewImage.text.S)).toEqual(texts);
  });

  it('publishes a record handed over twice (a pipe retry) once to each queue, and fails an invocation with a malformed record', async () => {
    const lambda = new LambdaClient({ ...local, endpoint: stack.lambdaEndpoint });
    const invoke = async (records: unknown[]) => {
      const response = await lambda.send(new InvokeCommand({ FunctionName: stack.functions.StreamFanOut!, Payload: JSON.stringify(records) }));
      return { functionError: response.FunctionError, body: JSON.parse(Buffer.from(response.Payload!).toString()) };
    };
    const ticketPk = `WS#${randomUUID()}#TICKET#${randomUUID()}`;
    const contact = contactPk();
    const close = {
      eventID: randomUUID(),
      eventName: 'MODIFY',
      dynamodb: { Keys: { pk: s(ticketPk), sk: s('TICKET') }, OldImage: { type: s('ticket'), status: s('open') }, NewImage: { type: s('ticket'), status: s('closed') } },
    };
    const reply = {
      eventID: randomUUID(),
      eventName: 'INSERT',
      dynamodb: { Keys: { pk: s(contact), sk: s('MSG#1') }, NewImage: { type: s('msg'), direction: s('out'), text: s('once') } },
    };
    expect(await invoke([close, reply])).toEqual({ functionError: undefined, body: { published: 2 } });
    expect(await invoke([close, reply])).toEqual({ functionError: undefined, body: { published: 2 } });
    const malformed = await invoke([{ eventID: randomUUID(), dynamodb: {} }]);
    expect(malformed.functionError).toBe('Unhandled');
    expect(malformed.body.errorType).toBe('MalformedStreamRecordError');
    await deliveredText(contact, 'once');
    expect(about(await takeAll('DeliveriesQueue'), contact)).toHaveLength(1);
    expect(about(await takeAll('TicketEventsQueue'), ticketPk)).toHaveLength(1);
    expect(about(await takeAll('ClosedTicketsQueue'), ticketPk).map((message) => message.body)).toEqual([close]);
  });
});

describe('the attachments bucket on fauxqs’s S3', () => {
  const origin = 'http://127.0.0.1:5173';

  it('takes a presigned PUT from a browser on another origin (CORS by the bucket’s rules) and serves the object back, path-style', async () => {
    const bucket = stack.buckets.AttachmentsBucket!;
    expect(bucket).toMatch(/^ticketerstateful-attachmentsbucket/);
    // No forcePathStyle: the SDK picks path-style by itself for an IP-address endpoint, as the functions' clients do.
    const s3 = new S3Client({ ...local, endpoint: stack.s3Endpoint });
    const key = `attachments/${randomUUID()}/photo.jpg`;
    const url = await getSignedUrl(s3, new PutObjectCommand({ Bucket: bucket, Key: key, ContentType: 'image/jpeg' }), { expiresIn: 300 });
    expect(url.startsWith(`${stack.s3Endpoint}/${bucket}/${key}?`)).toBe(true);
    // What a browser sends first for a cross-origin PUT with a content type.
    const preflight = await fetch(url, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'PUT', 'access-control-request-headers': 'content-type' },
    });
    expect(preflight.status).toBe(200);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
    expect(preflight.headers.get('access-control-allow-methods')).toContain('PUT');
    expect(preflight.headers.get('access-control-allow-headers')).toBe('content-type');
    const uploaded = await fetch(url, { method: 'PUT', headers: { origin, 'content-type': 'image/jpeg' }, body: 'jpeg bytes' });
    expect(uploaded.status).toBe(200);
    expect(uploaded.headers.get('access-control-allow-origin')).toBe('*');
    expect(uploaded.headers.get('access-control-expose-headers')).toBe('ETag');
    const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    expect(object.ContentType).toBe('image/jpeg');
    expect(await object.Body!.transformToString()).toBe('jpeg bytes');
    // The objects live in fauxqs (on the SQS port); the front only adds CORS.
    const direct = new S3Client({ ...local, endpoint: stack.sqsEndpoint });
    expect(await (await direct.send(new GetObjectCommand({ Bucket: bucket, Key: key }))).Body!.transformToString()).toBe('jpeg bytes');
  });

  it('refuses a preflight for a method the bucket’s CORS rules do not allow', async () => {
    const response = await fetch(`${stack.s3Endpoint}/${stack.buckets.AttachmentsBucket}/x`, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'DELETE' },
    });
    expect(response.status).toBe(403);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('the channel-secrets key on the local Secrets Manager endpoint', () => {
  it('answers GetSecretValue by ARN and by name with one generated value of the template’s shape', async () => {
    const secret = stack.secrets.ChannelSecretsKey!;
    const client = new SecretsManagerClient({ ...local, endpoint: stack.secretsEndpoint });
    const byArn = await client.send(new GetSecretValueCommand({ SecretId: secret.arn }));
    const byName = await client.send(new GetSecretValueCommand({ SecretId: secret.name }));
    expect(byArn.SecretString).toMatch(/^[A-Za-z0-9]{64}$/);
    expect(byName.SecretString).toBe(byArn.SecretString);
    expect(byArn).toMatchObject({ ARN: secret.arn, Name: secret.name, VersionStages: ['AWSCURRENT'] });
    await expect(client.send(new GetSecretValueCommand({ SecretId: 'unknown' }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });
});
