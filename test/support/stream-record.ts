// A table stream record as the pipes deliver it (and the fan-out publishes it
// to the consumers' queues): a DynamoDB stream record with every field a real
// one carries, so that the consumers' Parser schema (Powertools'
// DynamoDBStreamRecord) reads it as it reads a real one. Keys and images in
// DynamoDB JSON (marshall()).
import { randomUUID } from 'node:crypto';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';

type DynamoDbJson = Record<string, AttributeValue>;

let sequence = 0;

export function pipeStreamRecord(change: {
  eventName: 'INSERT' | 'MODIFY' | 'REMOVE';
  Keys: DynamoDbJson;
  NewImage?: DynamoDbJson | undefined;
  OldImage?: DynamoDbJson | undefined;
  eventID?: string;
  /** Increasing by default; a decimal string of up to 40 digits on AWS. */
  SequenceNumber?: string;
}) {
  const { eventName, Keys, NewImage, OldImage, eventID = randomUUID(), SequenceNumber = String(++sequence).padStart(21, '0') } = change;
  return {
    eventID,
    eventName,
    eventVersion: '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: 'us-east-1',
    dynamodb: {
      ApproximateCreationDateTime: Math.floor(Date.now() / 1000),
      Keys,
      ...(NewImage ? { NewImage } : {}),
      ...(OldImage ? { OldImage } : {}),
      SequenceNumber,
      SizeBytes: JSON.stringify({ Keys, NewImage, OldImage }).length,
      StreamViewType: 'NEW_AND_OLD_IMAGES',
    },
    eventSourceARN: 'arn:aws:dynamodb:us-east-1:000000000000:table/ticketer/stream/2026-11-29T00:00:00.000',
  };
}
