// A fresh table on DynamoDB Local per test file, the use cases over it, and a
// workspace with two agents.
import { randomUUID } from 'node:crypto';
import { CreateTableCommand, DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDynamoDbRepositories, type TableOptions } from '#adapters/dynamodb/index';
import { tableDefinition } from '#adapters/dynamodb/table';
import { createUseCases, type UseCases } from '#use-cases/index';

export interface TestTable {
  tableName: string;
  client: DynamoDBDocumentClient;
  drop(): Promise<void>;
}

export async function createTestTable(prefix = 'storage', client: DynamoDBClient = new DynamoDBClient({})): Promise<TestTable> {
  const tableName = `${prefix}-${randomUUID()}`;
  await client.send(new CreateTableCommand(tableDefinition(tableName)));
  return {
    tableName,
    client: DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } }),
    drop: async () => {
      await client.send(new DeleteTableCommand({ TableName: tableName }));
    },
  };
}

export function useCasesOver(table: TestTable, options: Partial<TableOptions> = {}): UseCases {
  return createUseCases(createDynamoDbRepositories({ client: table.client, tableName: table.tableName, ...options }));
}

export async function seedWorkspace(useCases: UseCases, name = 'Helpdesk') {
  const workspace = await useCases.createWorkspace({ name });
  const ann = await useCases.addMember({ workspace: workspace.uuid, email: `ann-${randomUUID()}@example.com`, name: 'Ann', role: 'agent' });
  const bob = await useCases.addMember({ workspace: workspace.uuid, email: `bob-${randomUUID()}@example.com`, name: 'Bob', role: 'agent' });
  return {
    workspace,
    ann,
    bob,
    asAnn: { workspace: workspace.uuid, user: ann.uuid },
    asBob: { workspace: workspace.uuid, user: bob.uuid },
    asFlow: { workspace: workspace.uuid, user: null },
  };
}

export function newContact(name = 'Cathy') {
  return { uuid: randomUUID(), name, urns: ['tel:+250788123123'], language: 'eng', fields: { age: '32' } };
}
