import type { CreateTableCommandInput, GlobalSecondaryIndex } from '@aws-sdk/client-dynamodb';
import { TICKET_INDEXES } from './entities/ticket';
import { INDEX } from './keys';

/** Name of the attribute DynamoDB's TTL deletes expired items by (epoch seconds). */
export const TTL_ATTRIBUTE = 'ttl';

/**
 * Every index of the table: its name, key attributes (all strings) and
 * projection. The CDK stateful stack declares its indexes from this list, so
 * the two cannot drift (test/infra checks them against each other too).
 */
export function tableIndexes() {
  return Object.values(INDEX).map((name) => {
    const { partitionKey, sortKey, projection } = TICKET_INDEXES[name];
    return {
      name,
      partitionKey,
      sortKey,
      projectionType: projection.type,
      nonKeyAttributes: projection.type === 'INCLUDE' ? [...projection.attributes] : undefined,
    };
  });
}

/**
 * The table as the CDK stateful stack declares it (test/infra checks the two
 * agree); tests create their own tables on DynamoDB Local from it.
 */
export function tableDefinition(tableName: string): CreateTableCommandInput {
  const indexes = tableIndexes();
  const keyAttributes = [...new Set(['pk', 'sk', ...indexes.flatMap((index) => [index.partitionKey, index.sortKey])])];
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: keyAttributes.map((name) => ({ AttributeName: name, AttributeType: 'S' as const })),
    KeySchema: [
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: indexes.map(
      (index): GlobalSecondaryIndex => ({
        IndexName: index.name,
        KeySchema: [
          { AttributeName: index.partitionKey, KeyType: 'HASH' },
          { AttributeName: index.sortKey, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: index.projectionType, ...(index.nonKeyAttributes ? { NonKeyAttributes: index.nonKeyAttributes } : {}) },
      }),
    ),
    StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
  };
}
