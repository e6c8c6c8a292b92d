// The project's own CDK app, synthesized and run by the local stack: the
// authorizer guards the HTTP API, the seeded token works, the ticket command
// function answers Lambda Invoke through the SDK, and a ticket write travels
// stream → pipe → fan-out function → SNS FIFO topic → FIFO queue → consumer
// (the folder counts it maintains).
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { DescribeTableCommand, DynamoDBClient, UpdateTableCommand } from '@aws-sdk/client-dynamodb';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { tableDefinition } from '#adapters/dynamodb/table';
import { LOCAL_CREDENTIALS, LOCAL_REGION, startDynamoDbLocal } from '../../infra/local/emulators';
import { waitForIndex } from '../../infra/local/resources';
import { startLocalStack, type LocalStack } from '../../infra/local/stack';
import { startTestStack } from '../e2e/support';

let stack: LocalStack;

beforeAll(async () => {
  // The cloud assembly is synthesized once per run by the global setup (test/setup/cloud-assembly.ts).
  stack = await startTestStack();
});

afterAll(async () => {
  await stack?.stop();
});

const folders = (authorization?: string) =>
  fetch(`${stack.apiUrl}/folders`, { headers: authorization ? { authorization } : {} });

const lambda = () =>
  new LambdaClient({ endpoint: stack.lambdaEndpoint, region: stack.region, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });

async function openTicket(topicName?: string) {
  const response = await lambda().send(
    new InvokeCommand({
      FunctionName: stack.functions.TicketCommand!,
      Payload: JSON.stringify({
        command: 'open_ticket',
        workspace: stack.workspace!.uuid,
        idempotency_key: randomUUID(),
        contact: { uuid: randomUUID(), name: 'Ann' },
        topic: topicName ? { name: topicName } : null,
        assignee: null,
        note: 'needs a human',
      }),
    }),
  );
  return { functionError: response.FunctionError, body: JSON.parse(Buffer.from(response.Payload!).toString()) as any };
}

describe('the project on the local stack', () => {
  it('guards the HTTP API with the authorizer and lets the seeded token in', async () => {
    expect((await folders()).status).toBe(401);
    expect((await folders('Token not-a-real-token')).status).toBe(401);
    const allowed = await folders(`Token ${stack.token}`);
    expect(allowed.status).toBe(200);
  });

  it('names every function of the app and the seeded workspace', () => {
    expect(Object.keys(stack.functions)).toEqual(
      expect.arrayContaining(['HttpAuthorizer', 'HttpTickets', 'TicketCommand', 'TicketEventsConsumer']),
    );
    expect(stack.workspace?.uuid).toMatch(/^[0-9a-f-]{36}$/);
    expect(stack.token).toBeTruthy();
  });

  it('answers Lambda Invoke of the ticket command function through the SDK', async () => {
    const { functionError, body } = await openTicket();
    expect(functionError).toBeUndefined();
    expect(body.ticket).toMatchObject({ status: 'open', contact: { name: 'Ann' } });
  });

  it('carries a ticket write through stream, pipe, fan-out and queue to the counting consumer', async () => {
    const topicName = `Topic ${randomUUID().slice(0, 8)}`;
    const { body } = await openTicket(topicName);
    const topicCount = async () => {
      const counts = (await (await folders(`Token ${stack.token}`)).json()) as { topics: { uuid: string; open: number }[] };
      return counts.topics.find((topic) => topic.uuid === body.ticket.topic.uuid)?.open ?? 0;
    };
    let open = await topicCount();
    for (let attempt = 0; attempt < 100 && open === 0; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      open = await topicCount();
    }
    expect(open).toBe(1);
  });
});

describe('the local stack with a data folder', () => {
  it('keeps the demo workspace, its token and the generated secrets across a restart and writes stack.json', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'ticketer-local-'));
    const secretValue = async (stack: LocalStack) => {
      const client = new SecretsManagerClient({ endpoint: stack.secretsEndpoint, region: stack.region, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
      const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: stack.secrets.ChannelSecretsKey!.arn }));
      client.destroy();
      return SecretString;
    };
    try {
      const options = { dataDir, cloudAssemblyDir: inject('cloudAssemblyDir'), synth: false, ports: 0 as const };
      const first = await startLocalStack(options);
      const firstSecret = await secretValue(first);
      await first.stop();
      // The second start finds the topic, its subscriptions and the bucket in fauxqs's data and keeps them.
      const second = await startLocalStack(options);
      try {
        expect(second.token).toBe(first.token);
        expect(second.workspace).toEqual(first.workspace);
        expect(await secretValue(second)).toBe(firstSecret);
        expect(second.topics).toEqual(first.topics);
        const response = await fetch(`${second.apiUrl}/folders`, { headers: { authorization: `Token ${second.token}` } });
        expect(response.status).toBe(200);
        const written = JSON.parse(readFileSync(path.join(dataDir, 'stack.json'), 'utf8')) as Record<string, unknown>;
        expect(written).toMatchObject({
          apiUrl: second.apiUrl,
          token: second.token,
          tableName: second.tableName,
          s3Endpoint: second.s3Endpoint,
          secretsEndpoint: second.secretsEndpoint,
          topics: second.topics,
          buckets: second.buckets,
          secrets: second.secrets,
        });
        expect(JSON.stringify(written)).not.toContain(firstSecret);
      } finally {
        await second.stop();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 120_000);

  it('gives a table made before the indexes changed the template’s indexes back, filled from its items', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'ticketer-local-'));
    try {
      const options = { dataDir, cloudAssemblyDir: inject('cloudAssemblyDir'), synth: false, ports: 0 as const };
      const first = await startLocalStack(options);
      const opened = await fetch(`${first.apiUrl}/tickets`, {
        method: 'POST',
        headers: { authorization: `Token ${first.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ contact: { uuid: randomUUID(), name: 'Kept', urns: ['tel:+250788000111'] } }),
      });
      expect(opened.status).toBe(201);
      const { tableName } = first;
      await first.stop();
      // The data folder's table as an earlier version left it: gsi1 keyed by gsi1pk/gsi1sk, projecting every attribute.
      const dynamodb = await startDynamoDbLocal({ dataDir: path.join(dataDir, 'dynamodb') });
      const client = new DynamoDBClient({ endpoint: dynamodb.endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
      try {
        await client.send(new UpdateTableCommand({ TableName: tableName, GlobalSecondaryIndexUpdates: [{ Delete: { IndexName: 'gsi1' } }] }));
        await waitForIndex(client, tableName, 'gsi1', 'gone');
        await client.send(
          new UpdateTableCommand({
            TableName: tableName,
            AttributeDefinitions: [{ AttributeName: 'gsi1pk', AttributeType: 'S' }, { AttributeName: 'gsi1sk', AttributeType: 'S' }],
            GlobalSecondaryIndexUpdates: [
              { Create: { IndexName: 'gsi1', KeySchema: [{ AttributeName: 'gsi1pk', KeyType: 'HASH' }, { AttributeName: 'gsi1sk', KeyType: 'RANGE' }], Projection: { ProjectionType: 'ALL' } } },
            ],
          }),
        );
        await waitForIndex(client, tableName, 'gsi1', 'ACTIVE');
      } finally {
        client.destroy();
        await dynamodb.stop();
      }
      const second = await startLocalStack(options);
      try {
        const check = new DynamoDBClient({ endpoint: second.dynamodbEndpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
        const { Table } = await check.send(new DescribeTableCommand({ TableName: tableName }));
        check.destroy();
        const gsi1 = Table?.GlobalSecondaryIndexes?.find((index) => index.IndexName === 'gsi1');
        const wanted = tableDefinition(tableName).GlobalSecondaryIndexes!.find((index) => index.IndexName === 'gsi1')!;
        expect(gsi1?.KeySchema).toEqual(wanted.KeySchema);
        expect(gsi1?.Projection).toEqual(wanted.Projection);
        const folder = await fetch(`${second.apiUrl}/tickets?folder=all&status=open`, { headers: { authorization: `Token ${second.token}` } });
        expect(((await folder.json()) as { results: { contact: { name: string } }[] }).results.map((row) => row.contact.name)).toContain('Kept');
      } finally {
        await second.stop();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 180_000);
});
