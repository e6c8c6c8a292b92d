import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { INDEX } from './keys';

/** Name of the attribute DynamoDB's TTL deletes expired items by (epoch seconds). */
export const TTL_ATTRIBUTE = 'ttl';

/**
 * The table as the CDK stateful stack declares it (test/infra checks the two
 * agree); tests create their own tables on DynamoDB Local from it.
 */
export function tableDefinition(tableName: string): CreateTableCommandInput {
  const indexNames = Object.values(INDEX);
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [
      { AttributeName: 'pk', AttributeType: 'S' },
      { AttributeName: 'sk', AttributeType: 'S' },
      ...indexNames.flatMap((index) => [
        { AttributeName: `${index}pk`, AttributeType: 'S' as const },
        { AttributeName: `${index}sk`, AttributeType: 'S' as const },
      ]),
    ],
    KeySchema: [
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: indexNames.map((index) => ({
      IndexName: index,
      KeySchema: [
        { AttributeName: `${index}pk`, KeyType: 'HASH' as const },
        { AttributeName: `${index}sk`, KeyType: 'RANGE' as const },
      ],
      Projection: { ProjectionType: 'ALL' as const },
    })),
    StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
  };
}
