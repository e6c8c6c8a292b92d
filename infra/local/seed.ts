// Seeds the demo workspace of the local stack through the project's own use
// cases (not hand-written items), and remembers its token: the table only
// keeps the token's hash, so the secret lives in .local/seed.json for the next
// start. If the remembered token no longer resolves (the data was wiped), a
// new workspace is seeded.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createDynamoDbRepositories } from '#adapters/dynamodb/index';
import { createUseCases } from '#use-cases/index';

export interface DemoWorkspace {
  workspace: { uuid: string; name: string };
  administrator: { uuid: string; email: string; name: string };
  token: string;
}

export const DEMO_WORKSPACE_NAME = 'Demo workspace';
export const DEMO_ADMINISTRATOR = { email: 'admin@example.com', name: 'Demo Administrator' } as const;

export async function seedDemoWorkspace(options: {
  client: DynamoDBClient;
  tableName: string;
  /** Where the seeded token is remembered between runs; undefined = in memory only. */
  seedFile: string | undefined;
  log: (line: string) => void;
}): Promise<DemoWorkspace> {
  const useCases = createUseCases(createDynamoDbRepositories({ client: options.client, tableName: options.tableName }));
  if (options.seedFile && existsSync(options.seedFile)) {
    const remembered = JSON.parse(readFileSync(options.seedFile, 'utf8')) as DemoWorkspace;
    const identity = await useCases.resolveApiToken(remembered.token);
    if (identity?.workspace === remembered.workspace.uuid) return remembered;
    options.log('the remembered demo token no longer works (data was reset): seeding again…');
  }
  options.log('seeding the demo workspace…');
  const workspace = await useCases.createWorkspace({ name: DEMO_WORKSPACE_NAME });
  const administrator = await useCases.addMember({ workspace: workspace.uuid, ...DEMO_ADMINISTRATOR, role: 'administrator' });
  const { token } = await useCases.issueApiToken({ workspace: workspace.uuid, user: administrator.uuid, name: 'local stack demo token' });
  const seeded: DemoWorkspace = {
    workspace: { uuid: workspace.uuid, name: workspace.name },
    administrator: { uuid: administrator.uuid, email: administrator.email, name: administrator.name },
    token,
  };
  if (options.seedFile) writeFileSync(options.seedFile, `${JSON.stringify(seeded, null, 2)}\n`);
  return seeded;
}
