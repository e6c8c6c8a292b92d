// Fixture queue consumer: records each stream record it gets in the table (through the
// SDK, reaching DynamoDB Local only via AWS_ENDPOINT_URL_DYNAMODB) and reports the
// records of items marked `fail` as batch item failures.
import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';

const client = new DynamoDBClient({});

export const handler = async (event) => {
  const batchItemFailures = [];
  for (const record of event.Records) {
    const streamRecord = JSON.parse(record.body);
    const image = streamRecord.dynamodb.NewImage;
    if (image.fail?.BOOL) {
      batchItemFailures.push({ itemIdentifier: record.messageId });
      continue;
    }
    await client.send(
      new PutItemCommand({
        TableName: process.env.TABLE_NAME,
        Item: {
          pk: { S: `SEEN#${image.pk.S}` },
          sk: { S: 'SEEN' },
          type: { S: 'seen' },
          eventID: { S: streamRecord.eventID },
          group: { S: record.attributes.MessageGroupId ?? '' },
          receiveCount: { S: record.attributes.ApproximateReceiveCount ?? '' },
        },
      }),
    );
  }
  return { batchItemFailures };
};
