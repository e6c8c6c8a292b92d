// Fixture pipe target (a pipe with a Lambda target passes its batch as a JSON array of stream
// records): counts each invocation per record and records what it handled in the table; a record
// of an item marked `fail` makes the invocation throw, so the pipe retries the batch.
import { DynamoDBClient, PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';

const client = new DynamoDBClient({});

export const handler = async (records) => {
  if (!Array.isArray(records)) throw new TypeError('a pipe passes an array of records');
  for (const record of records) {
    await client.send(
      new UpdateItemCommand({
        TableName: process.env.TABLE_NAME,
        Key: { pk: { S: `ATTEMPTS#${record.dynamodb.Keys.pk.S}` }, sk: { S: 'ATTEMPTS' } },
        UpdateExpression: 'ADD attempts :one SET #type = :type',
        ExpressionAttributeNames: { '#type': 'type' },
        ExpressionAttributeValues: { ':one': { N: '1' }, ':type': { S: 'seen' } },
      }),
    );
  }
  if (records.some((record) => record.dynamodb.NewImage.fail?.BOOL)) throw new Error('fixture worker failure');
  for (const record of records) {
    await client.send(
      new PutItemCommand({
        TableName: process.env.TABLE_NAME,
        Item: {
          pk: { S: `WORKED#${record.dynamodb.Keys.pk.S}` },
          sk: { S: 'WORKED' },
          type: { S: 'seen' },
          eventID: { S: record.eventID },
          eventSourceARN: { S: record.eventSourceARN ?? '' },
        },
      }),
    );
  }
  return { handled: records.length };
};
