// The local stack's emulation of API Gateway, Lambda, the pipes (to a queue
// and to a function) and the SQS event source, checked on a small hand-written cloud assembly
// (fixture-assembly/) so that each behaviour is pinned independently of the
// project's own functions.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it, onTestFinished } from 'vitest';
import { DynamoDBClient, GetItemCommand, PutItemCommand, TransactWriteItemsCommand } from '@aws-sdk/client-dynamodb';
import { InvokeCommand, LambdaClient, ResourceNotFoundException } from '@aws-sdk/client-lambda';
import { GetQueueAttributesCommand, ReceiveMessageCommand, SetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { startLocalStack, type LocalStack } from '../../infra/local/stack';

let stack: LocalStack;
const dynamodb = new DynamoDBClient({});

beforeAll(async () => {
  stack = await startLocalStack({
    cloudAssemblyDir: path.join(import.meta.dirname, 'fixture-assembly'),
    synth: false,
    seed: false,
    ports: 0,
    dynamodbEndpoint: inject('dynamodbEndpoint'),
    sqsEndpoint: inject('sqsEndpoint'),
  });
});

afterAll(async () => {
  await stack?.stop();
});

const get = (route: string, headers: Record<string, string> = {}) => fetch(`${stack.apiUrl}${route}`, { headers });

async function eventually<T>(probe: () => Promise<T | undefined>, what: string): Promise<T> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`gave up waiting for ${what}`);
}

describe('HTTP API', () => {
  it('answers 401 without calling the authorizer when the identity source is missing', async () => {
    const response = await get('/items/1');
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ message: 'Unauthorized' });
  });

  it('answers 401 when the authorizer fails with "Unauthorized" and 403 when it refuses', async () => {
    expect((await get('/items/1', { authorization: 'Token bad' })).status).toBe(401);
    const refused = await get('/items/1', { authorization: 'Token denied' });
    expect(refused.status).toBe(403);
    expect(await refused.json()).toEqual({ message: 'Forbidden' });
  });

  it('passes a payload 2.0 event with the authorizer context and maps the structured result', async () => {
    const response = await fetch(`${stack.apiUrl}/items/a%20b?x=1&x=2&y=3`, {
      headers: { Authorization: 'Token good', 'X-Custom': 'Value', cookie: 'c1=v1; c2=v2' },
    });
    expect(response.status).toBe(201);
    expect(response.headers.get('x-fixture')).toBe('yes');
    expect(response.headers.get('set-cookie')).toBe('a=1, b=2');
    const { event, functionName, env } = (await response.json()) as { event: any; functionName: string; env: any };
    expect(functionName).toBe('Echo');
    expect(event).toMatchObject({
      version: '2.0',
      routeKey: 'GET /items/{item}',
      rawPath: '/items/a%20b',
      rawQueryString: 'x=1&x=2&y=3',
      queryStringParameters: { x: '1,2', y: '3' },
      pathParameters: { item: 'a b' },
      cookies: ['c1=v1', 'c2=v2'],
      isBase64Encoded: false,
      requestContext: {
        http: { method: 'GET', path: '/items/a%20b' },
        routeKey: 'GET /items/{item}',
        stage: '$default',
        authorizer: { lambda: { user: 'fixture-user', sawBody: false } },
      },
    });
    expect(event.headers['x-custom']).toBe('Value');
    expect(event.headers.cookie).toBeUndefined();
    expect(typeof event.requestContext.requestId).toBe('string');
    expect(typeof event.requestContext.timeEpoch).toBe('number');
    // Cross-stack references and intrinsic functions are resolved to the local resources.
    expect(env.TABLE_NAME).toMatch(/^FixtureStateful-Table0A1B2C3D-/);
    expect(env.QUEUE_URL).toContain('FixtureStateful-Events22222222-');
    expect(env.OWN_ARN).toBe('arn:aws:lambda:us-east-1:000000000000:function:AuthorizerFn');
    expect(env.AWS_ENDPOINT_URL_DYNAMODB).toBe(inject('dynamodbEndpoint'));
  });

  it('caches the authorizer result for its TTL, keyed by the identity source', async () => {
    const contexts = [];
    for (let request = 0; request < 2; request++) {
      const response = await fetch(`${stack.apiUrl}/items`, { method: 'POST', headers: { authorization: 'Token good' }, body: '{"a":1}' });
      const { event } = (await response.json()) as { event: any };
      expect(event.body).toBe('{"a":1}');
      contexts.push(event.requestContext.authorizer.lambda.invocations);
    }
    expect(contexts[1]).toBe(contexts[0]);
  });

  it('prefers a literal route over a parameter, serves routes without authorizer, and answers 404 for the rest', async () => {
    const literal = await get('/items/search', { authorization: 'Token good' });
    expect(((await literal.json()) as { event: any }).event.routeKey).toBe('GET /items/search');
    const greedy = await get('/public/a/b/c');
    expect(greedy.status).toBe(201);
    const { event } = (await greedy.json()) as { event: any };
    expect(event.pathParameters).toEqual({ proxy: 'a/b/c' });
    expect(event.requestContext.authorizer).toBeUndefined();
    const unknown = await get('/nowhere', { authorization: 'Token good' });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ message: 'Not Found' });
  });

  it('passes a path parameter that is not valid percent-encoding on as it came (never a 500 of its own), and sets the forwarded headers as API Gateway does', async () => {
    const response = await get('/items/%zz', { authorization: 'Token good', 'x-forwarded-proto': 'https', 'x-forwarded-for': '203.0.113.9' });
    expect(response.status).toBe(201);
    const { event } = (await response.json()) as { event: any };
    expect(event.pathParameters).toEqual({ item: '%zz' });
    expect(event.headers['x-forwarded-proto']).toBe('http');
    expect(event.headers['x-forwarded-for']).toMatch(/^203\.0\.113\.9, /);
    const decoded = (await (await get('/items/a%20b', { authorization: 'Token good' })).json()) as { event: any };
    expect(decoded.event.pathParameters).toEqual({ item: 'a b' });
  });

  it('answers 200 JSON for a plain result and 500 for a failed or timed-out function', async () => {
    const plain = await get('/public/plain');
    expect(plain.status).toBe(200);
    expect(plain.headers.get('content-type')).toBe('application/json');
    expect(await plain.json()).toEqual({ plain: true });
    const failed = await get('/public/throw');
    expect(failed.status).toBe(500);
    expect(await failed.json()).toEqual({ message: 'Internal Server Error' });
    expect((await get('/public/slow')).status).toBe(500);
  });
});

describe('Lambda API', () => {
  const lambda = () =>
    new LambdaClient({ endpoint: stack.lambdaEndpoint, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });

  it('invokes a function by name or ARN with its own environment and a Lambda context', async () => {
    const byName = await lambda().send(new InvokeCommand({ FunctionName: 'Echo', Payload: JSON.stringify({ hello: 1 }) }));
    const result = JSON.parse(Buffer.from(byName.Payload!).toString()) as any;
    expect(byName.FunctionError).toBeUndefined();
    expect(result.event).toEqual({ hello: 1 });
    expect(result.env.SECRET).toBe('echo-only');
    expect(result.env.AWS_LAMBDA_FUNCTION_NAME).toBe('Echo');
    expect(result.remainingMs).toBeGreaterThan(0);
    expect(result.remainingMs).toBeLessThanOrEqual(2_000);
    const byArn = await lambda().send(
      new InvokeCommand({ FunctionName: 'arn:aws:lambda:us-east-1:000000000000:function:Echo', Payload: '{}' }),
    );
    expect(byArn.StatusCode).toBe(200);
  });

  it('keeps each function environment to itself', async () => {
    const fromConsumer = await lambda().send(new InvokeCommand({ FunctionName: stack.functions.Consumer!, Payload: '{"Records":[]}' }));
    expect(JSON.parse(Buffer.from(fromConsumer.Payload!).toString())).toEqual({ batchItemFailures: [] });
    const echo = JSON.parse(Buffer.from((await lambda().send(new InvokeCommand({ FunctionName: 'Echo' }))).Payload!).toString()) as any;
    expect(echo.env.SECRET).toBe('echo-only');
    expect(stack.functions).toEqual({ Echo: 'Echo', AuthorizerFn: 'AuthorizerFn', Consumer: 'Consumer', Worker: 'Worker' });
  });

  it('reports a function error like Lambda and refuses unknown functions', async () => {
    const failed = await lambda().send(new InvokeCommand({ FunctionName: 'Echo', Payload: '{"fail":true}' }));
    expect(failed.FunctionError).toBe('Unhandled');
    expect(JSON.parse(Buffer.from(failed.Payload!).toString())).toMatchObject({ errorType: 'TypeError', errorMessage: 'fixture failure' });
    await expect(lambda().send(new InvokeCommand({ FunctionName: 'Missing' }))).rejects.toBeInstanceOf(ResourceNotFoundException);
    const accepted = await lambda().send(new InvokeCommand({ FunctionName: 'Echo', InvocationType: 'Event', Payload: '{}' }));
    expect(accepted.StatusCode).toBe(202);
  });
});

describe('stream → pipe → FIFO queue → consumer', () => {
  it('delivers the records the filter selects, grouped and deduplicated as the pipe declares', async () => {
    await dynamodb.send(new PutItemCommand({ TableName: stack.tableName, Item: { pk: { S: 'other-1' }, sk: { S: 'X' }, type: { S: 'other' } } }));
    await dynamodb.send(new PutItemCommand({ TableName: stack.tableName, Item: { pk: { S: 'ticket-1' }, sk: { S: 'X' }, type: { S: 'ticket' } } }));
    const seen = await eventually(async () => {
      const { Item } = await dynamodb.send(new GetItemCommand({ TableName: stack.tableName, Key: { pk: { S: 'SEEN#ticket-1' }, sk: { S: 'SEEN' } } }));
      return Item;
    }, 'the consumer to see ticket-1');
    expect(seen.group?.S).toBe('ticket-1');
    expect(seen.eventID?.S).toMatch(/.+/);
    // Records of one shard are handed on in order: the filtered-out item came first and was not delivered.
    const { Item: other } = await dynamodb.send(
      new GetItemCommand({ TableName: stack.tableName, Key: { pk: { S: 'SEEN#other-1' }, sk: { S: 'SEEN' } } }),
    );
    expect(other).toBeUndefined();
  });

  it('hands on a record with emoji (SQS takes every code point up to U+10FFFF; fauxqs is patched to agree)', async () => {
    await dynamodb.send(
      new PutItemCommand({ TableName: stack.tableName, Item: { pk: { S: 'ticket-emoji' }, sk: { S: 'X' }, type: { S: 'ticket' }, name: { S: 'Support 💬 👩‍👩‍👧' } } }),
    );
    await eventually(async () => {
      const { Item } = await dynamodb.send(new GetItemCommand({ TableName: stack.tableName, Key: { pk: { S: 'SEEN#ticket-emoji' }, sk: { S: 'SEEN' } } }));
      return Item;
    }, 'the consumer to see the record with emoji');
  });

  it('leaves reported batch item failures on the queue until the redrive policy moves them to the DLQ', async () => {
    await dynamodb.send(
      new PutItemCommand({ TableName: stack.tableName, Item: { pk: { S: 'ticket-poison' }, sk: { S: 'X' }, type: { S: 'ticket' }, fail: { BOOL: true } } }),
    );
    const sqs = new SQSClient({ endpoint: inject('sqsEndpoint') });
    const deadLetter = await eventually(async () => {
      const { Messages } = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: stack.queues.EventsDlq!.url, WaitTimeSeconds: 1, MessageSystemAttributeNames: ['All'] }),
      );
      return Messages?.[0];
    }, 'the poison record in the dead-letter queue');
    expect(JSON.parse(deadLetter.Body!).dynamodb.Keys.pk.S).toBe('ticket-poison');
    expect(deadLetter.Attributes?.MessageGroupId).toBe('ticket-poison');
  });
});

describe('stream → pipe → Lambda function', () => {
  const item = async (key: string) =>
    (await dynamodb.send(new GetItemCommand({ TableName: stack.tableName, Key: { pk: { S: key }, sk: { S: key.split('#')[0]! } }, ConsistentRead: true }))).Item;
  const put = (pk: string, extra: Record<string, { BOOL: boolean }> = {}) =>
    dynamodb.send(new PutItemCommand({ TableName: stack.tableName, Item: { pk: { S: pk }, sk: { S: 'X' }, type: { S: 'job' }, ...extra } }));

  it('invokes the function synchronously with the batch: an array of the records its filter selects', async () => {
    await put('job-1');
    const worked = await eventually(() => item('WORKED#job-1'), 'the worker to handle job-1');
    expect(worked.eventID?.S).toMatch(/.+/);
    expect(worked.eventSourceARN?.S).toContain(':dynamodb:');
    expect((await item('ATTEMPTS#job-1'))?.attempts?.N).toBe('1');
  });

  it('retries a failing batch MaximumRetryAttempts times, then parks the record in the pipe DLQ, and the records after it flow on', async () => {
    await put('job-poison', { fail: { BOOL: true } });
    const sqs = new SQSClient({ endpoint: inject('sqsEndpoint') });
    const parked = await eventually(async () => {
      const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: stack.queues.PipeDlq!.url, WaitTimeSeconds: 1 }));
      return Messages?.map((message) => JSON.parse(message.Body!)).find((body) => body.record.dynamodb.Keys.pk.S === 'job-poison');
    }, 'the poison record in the pipe DLQ');
    expect(parked).toMatchObject({ pipe: expect.stringContaining('WorkerPipe'), reason: 'MaximumRetryAttemptsExceeded' });
    // The first attempt and MaximumRetryAttempts (1) retries.
    expect((await item('ATTEMPTS#job-poison'))?.attempts?.N).toBe('2');
    expect(await item('WORKED#job-poison')).toBeUndefined();
    await put('job-after');
    await eventually(() => item('WORKED#job-after'), 'the record after the poison one');
  });

  it('parks a failing record the DLQ refuses by its stream position, and the records after it flow on', async () => {
    const sqs = new SQSClient({ endpoint: inject('sqsEndpoint') });
    // A queue that takes 1 KB messages (SQS's smallest MaximumMessageSize) refuses the record itself, as one with content SQS does not take would be.
    const dlqUrl = stack.queues.PipeDlq!.url;
    const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlqUrl, AttributeNames: ['MaximumMessageSize'] }));
    await sqs.send(new SetQueueAttributesCommand({ QueueUrl: dlqUrl, Attributes: { MaximumMessageSize: '1024' } }));
    onTestFinished(() => sqs.send(new SetQueueAttributesCommand({ QueueUrl: dlqUrl, Attributes: { MaximumMessageSize: Attributes!.MaximumMessageSize! } })).then(() => undefined));
    await dynamodb.send(
      new PutItemCommand({
        TableName: stack.tableName,
        Item: { pk: { S: 'job-huge' }, sk: { S: 'X' }, type: { S: 'job' }, fail: { BOOL: true }, blob: { S: 'x'.repeat(4_000) } },
      }),
    );
    const parked = await eventually(async () => {
      const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: stack.queues.PipeDlq!.url, WaitTimeSeconds: 1, VisibilityTimeout: 0, MaxNumberOfMessages: 10 }));
      return Messages?.map((message) => JSON.parse(message.Body!)).find((body) => body.recordRefused && !body.record);
    }, 'the huge record parked by position');
    expect(parked).toMatchObject({
      reason: 'MaximumRetryAttemptsExceeded',
      eventID: expect.any(String),
      batchInfo: { shardId: expect.any(String), startSequenceNumber: expect.any(String), streamArn: expect.stringContaining(':dynamodb:') },
    });
    await put('job-after-huge');
    await eventually(() => item('WORKED#job-after-huge'), 'the record after the huge one');
  });

  it('halves a failing batch (AUTOMATIC_BISECT), so a good record written with a bad one is not parked with it', async () => {
    // One transaction: both records reach the stream together, so the pipe reads them in one batch.
    const job = (pk: string, fail: boolean) => ({ Put: { TableName: stack.tableName, Item: { pk: { S: pk }, sk: { S: 'X' }, type: { S: 'job' }, fail: { BOOL: fail } } } });
    await dynamodb.send(new TransactWriteItemsCommand({ TransactItems: [job('job-bad-twin', true), job('job-good-twin', false)] }));
    await eventually(() => item('WORKED#job-good-twin'), 'the good record of the failing batch');
    const sqs = new SQSClient({ endpoint: inject('sqsEndpoint') });
    const parked = await eventually(async () => {
      const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: stack.queues.PipeDlq!.url, WaitTimeSeconds: 1, VisibilityTimeout: 0 }));
      const keys = (Messages ?? []).map((message) => JSON.parse(message.Body!).record.dynamodb.Keys.pk.S as string);
      return keys.includes('job-bad-twin') ? keys : undefined;
    }, 'the bad record in the pipe DLQ');
    expect(parked).not.toContain('job-good-twin');
  });
});
