import { describe, expect, it } from 'vitest';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { SQSClient, ListQueuesCommand } from '@aws-sdk/client-sqs';

describe('test emulators', () => {
  it('are reachable through the standard endpoint variables', async () => {
    expect(process.env.AWS_ENDPOINT_URL_DYNAMODB).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const tables = await new DynamoDBClient({}).send(new ListTablesCommand({}));
    expect(Array.isArray(tables.TableNames)).toBe(true);
    const queues = await new SQSClient({}).send(new ListQueuesCommand({}));
    expect(queues.$metadata.httpStatusCode).toBe(200);
  });
});
