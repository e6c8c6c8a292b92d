// A map with user-chosen keys is stored whatever its keys are called: the
// table client marshals maps by their own entries (DOCUMENT_CLIENT_OPTIONS),
// so a key named `constructor` or `toString` is data, not a reason to refuse the write.
import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { DOCUMENT_CLIENT_OPTIONS } from '#adapters/dynamodb/table-client';
import { createTestTable } from './support';

describe('maps with keys named like Object.prototype properties', () => {
  it('are written and read back as they were', async () => {
    const table = await createTestTable();
    const client = DynamoDBDocumentClient.from(new DynamoDBClient({}), DOCUMENT_CLIENT_OPTIONS);
    const headers = JSON.parse('{"constructor": "a", "toString": "b", "hasOwnProperty": "c", "X-Api-Key": "d"}');
    const key = { pk: `TEST#${randomUUID()}`, sk: 'MAP' };
    await client.send(new PutCommand({ TableName: table.tableName, Item: { ...key, headers } }));
    const read = await client.send(new GetCommand({ TableName: table.tableName, Key: key }));
    expect(read.Item?.headers).toEqual(headers);
    expect(Object.keys(read.Item!.headers)).toEqual(Object.keys(headers));
  });
});
