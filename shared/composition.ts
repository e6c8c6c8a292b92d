// The use cases wired to DynamoDB, created once per Lambda container at module
// scope. Endpoints come only from the SDK's standard AWS_ENDPOINT_URL_* variables.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDynamoDbRepositories } from '#adapters/dynamodb/index';
import { config } from '#config';
import { createUseCases, type UseCases } from '#use-cases/index';

export const documentClient = DynamoDBDocumentClient.from(new DynamoDBClient({}), {
  marshallOptions: { removeUndefinedValues: true },
});

export const useCases: UseCases = createUseCases(createDynamoDbRepositories({ client: documentClient, tableName: config.TABLE_NAME }));
