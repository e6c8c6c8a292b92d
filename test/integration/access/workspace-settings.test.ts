// Workspace settings on DynamoDB Local: each PATCH /workspace writes only the
// settings it names, so two people changing different settings at the same
// time both keep their change.
import { beforeAll, describe, expect, it } from 'vitest';
import { createDynamoDbRepositories } from '#adapters/dynamodb/index';
import type { WorkspaceRepository } from '#use-cases/ports';
import { call } from '../http/support';
import { createAccessWorld, type AccessWorld } from './fixture';

let world: AccessWorld;
let ws: Awaited<ReturnType<AccessWorld['workspace']>>;

beforeAll(async () => {
  world = await createAccessWorld();
  ws = await world.workspace('settings');
});

/**
 * The table's workspace repository, holding each settings write until `parties`
 * writes have arrived: whatever the use case read before writing, every
 * request has read it before any of them writes — the worst interleaving.
 */
function writesHeldTogether(parties: number): WorkspaceRepository {
  const workspaces = createDynamoDbRepositories({ client: world.client, tableName: world.tableName }).workspaces;
  let arrived = 0;
  let releaseAll!: () => void;
  const allArrived = new Promise<void>((resolve) => (releaseAll = resolve));
  return {
    ...workspaces,
    async updateSettings(...args) {
      if (++arrived === parties) releaseAll();
      await allArrived;
      return workspaces.updateSettings(...args);
    },
  };
}

describe('PATCH /workspace', () => {
  it('keeps both of two concurrent changes of different settings', async () => {
    const { createAccessHandler } = await import('../../../functions/handlers/http-access');
    const handler = createAccessHandler(world.useCasesWith({ workspaces: writesHeldTogether(2) }), { admit: async () => undefined });
    const [renamed, limited] = await Promise.all([
      call(handler, { route: 'PATCH /workspace', body: { name: 'Renamed' }, identity: ws.members.administrator.identity }),
      call(handler, { route: 'PATCH /workspace', body: { api_rate_limit: 120 }, identity: ws.members.editor.identity }),
    ]);
    expect(renamed.status, JSON.stringify(renamed.body)).toBe(200);
    expect(limited.status, JSON.stringify(limited.body)).toBe(200);
    // Each answer shows its own change; the stored workspace has both.
    expect(renamed.body.name).toBe('Renamed');
    expect(limited.body.api_rate_limit).toBe(120);
    const stored = await world.request({ route: 'GET /workspace', identity: ws.members.viewer.identity });
    expect(stored.body).toMatchObject({ uuid: ws.uuid, name: 'Renamed', api_rate_limit: 120 });
  });

  it('resets the limit with null and leaves the name alone; an empty change answers the workspace as it is', async () => {
    await world.request({ route: 'PATCH /workspace', body: { name: 'Kept name', api_rate_limit: 50 }, identity: ws.members.administrator.identity });
    const reset = await world.request({ route: 'PATCH /workspace', body: { api_rate_limit: null }, identity: ws.members.administrator.identity });
    expect(reset).toMatchObject({ status: 200, body: { name: 'Kept name', api_rate_limit: null } });
    const unchanged = await world.request({ route: 'PATCH /workspace', body: {}, identity: ws.members.editor.identity });
    expect(unchanged).toMatchObject({ status: 200, body: { uuid: ws.uuid, name: 'Kept name', api_rate_limit: null } });
  });
});
