// A fresh table on DynamoDB Local with two workspaces, for one test file.
// TABLE_NAME is set before any handler is first imported, because a
// function's wiring reads the configuration when its module loads.
import { randomUUID } from 'node:crypto';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { tableDefinition } from '#adapters/dynamodb/table';
import type { Identity } from '#http/identity';

export async function createTestWorkspaces() {
  const tableName = `http-${randomUUID()}`;
  await new DynamoDBClient({}).send(new CreateTableCommand(tableDefinition(tableName)));
  process.env.TABLE_NAME = tableName;
  // Every use case over the table, as the functions' wiring builds them (shared/wiring/adapters.ts).
  const { createUseCases } = await import('#use-cases/index');
  const { repositories } = await import('#wiring/adapters');
  const useCases = createUseCases(repositories());

  async function workspace(name: string) {
    const { uuid } = await useCases.createWorkspace({ name });
    const admin = await useCases.addMember({ workspace: uuid, email: `admin@${name}.example`, name: `${name} Admin`, role: 'administrator' });
    const agent = await useCases.addMember({ workspace: uuid, email: `agent@${name}.example`, name: `${name} Agent`, role: 'agent' });
    const adminToken = await useCases.issueApiToken({ workspace: uuid, user: admin.uuid, name: 'tests' });
    return {
      uuid,
      admin,
      agent,
      adminToken: adminToken.token,
      asAdmin: { workspace: uuid, user: admin.uuid, role: 'administrator' } satisfies Identity,
      asAgent: { workspace: uuid, user: agent.uuid, role: 'agent' } satisfies Identity,
    };
  }

  return { tableName, useCases, acme: await workspace('acme'), other: await workspace('other') };
}

export const newContactUuid = () => randomUUID();
