// Members and roles on DynamoDB Local: role changes take effect, removal ends
// a member's tokens, and a workspace always keeps an administrator — also when
// two administrators demote each other at the same moment.
import { beforeAll, describe, expect, it } from 'vitest';
import { authorizerEvent, lambdaContext } from '../http/support';
import { createAccessWorld, newUuid, PASSWORD, type AccessWorld } from './fixture';

let world: AccessWorld;

beforeAll(async () => {
  world = await createAccessWorld();
});

const authorize = (token: string) => world.authorize(authorizerEvent(`Token ${token}`), lambdaContext());

describe('members', () => {
  it('change role: the new role applies to the member\'s next request', async () => {
    const ws = await world.workspace(`roles-${newUuid().slice(0, 8)}`);
    const { agent, administrator } = ws.members;
    const changed = await world.request({ route: 'PATCH /members/{user}', params: { user: agent.uuid }, body: { role: 'viewer' }, identity: administrator.identity });
    expect(changed).toMatchObject({ status: 200, body: { uuid: agent.uuid, role: 'viewer' } });
    expect(await authorize(agent.token)).toMatchObject({ context: { role: 'viewer' } });
    const users = await world.request({ route: 'GET /api/v2/users.json', query: { role: 'viewer' }, identity: administrator.identity });
    expect(users.body.results.map((user: { email: string }) => user.email).sort()).toEqual([agent.email, ws.members.viewer.email].sort());
    expect(users.body).toMatchObject({ next: null, previous: null });
    expect(users.body.results[0]).toEqual({
      uuid: expect.any(String),
      email: expect.any(String),
      name: expect.any(String),
      first_name: expect.any(String),
      last_name: expect.any(String),
      role: 'viewer',
      created_on: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/),
    });
    expect(await world.request({ route: 'PATCH /members/{user}', params: { user: newUuid() }, body: { role: 'agent' }, identity: administrator.identity })).toMatchObject({
      status: 404,
      body: { error: { code: 'member_not_found' } },
    });
    expect(await world.request({ route: 'PATCH /members/{user}', params: { user: agent.uuid }, body: { role: 'owner' }, identity: administrator.identity })).toMatchObject({
      status: 400,
      body: { error: { field: 'role' } },
    });
  });

  it('removed: their sessions and API tokens stop working, also after being invited back', async () => {
    const ws = await world.workspace(`removal-${newUuid().slice(0, 8)}`);
    const { editor, administrator } = ws.members;
    const apiToken = await world.useCases.issueApiToken({ workspace: ws.uuid, user: editor.uuid, name: 'script' });
    expect(await authorize(apiToken.token)).toMatchObject({ isAuthorized: true });
    const removed = await world.request({ route: 'DELETE /members/{user}', params: { user: editor.uuid }, identity: administrator.identity });
    expect(removed.status).toBe(204);
    await expect(authorize(editor.token)).rejects.toThrow('Unauthorized');
    await expect(authorize(apiToken.token)).rejects.toThrow('Unauthorized');
    const members = await world.request({ route: 'GET /members', identity: administrator.identity });
    expect(members.body.results.map((member: { uuid: string }) => member.uuid)).not.toContain(editor.uuid);

    await world.request({ route: 'POST /invitations', body: { emails: [editor.email], role: 'agent' }, identity: administrator.identity });
    const back = await world.request({ route: 'POST /invitations/accept', body: { secret: world.secretMailedTo(editor.email), password: PASSWORD }, identity: undefined as never });
    expect(back.body).toMatchObject({ role: 'agent', user: { uuid: editor.uuid } });
    await expect(authorize(apiToken.token)).rejects.toThrow('Unauthorized');
    await expect(authorize(editor.token)).rejects.toThrow('Unauthorized');
    expect(await authorize(back.body.token)).toMatchObject({ context: { role: 'agent' } });
    const tokens = await world.request({ route: 'GET /tokens', identity: { workspace: ws.uuid, user: editor.uuid, role: 'agent' } });
    expect(tokens.body.results).toEqual([]);
  });
});

describe('the last administrator', () => {
  it('can be neither demoted nor removed', async () => {
    const { uuid } = await world.useCases.createWorkspace({ name: 'solo' });
    const only = await world.useCases.addMember({ workspace: uuid, email: `solo-${newUuid()}@example.com`, name: 'Solo', role: 'administrator' });
    const identity = { workspace: uuid, user: only.uuid, role: 'administrator' as const };
    const demote = await world.request({ route: 'PATCH /members/{user}', params: { user: only.uuid }, body: { role: 'editor' }, identity });
    expect(demote).toMatchObject({ status: 409, body: { error: { code: 'last_administrator' } } });
    const remove = await world.request({ route: 'DELETE /members/{user}', params: { user: only.uuid }, identity });
    expect(remove).toMatchObject({ status: 409, body: { error: { code: 'last_administrator' } } });
    const members = await world.useCases.listMembers({ actor: identity });
    expect(members).toEqual([expect.objectContaining({ uuid: only.uuid, role: 'administrator' })]);

    // With a second administrator, the first may step down; then the second is the last.
    const second = await world.useCases.addMember({ workspace: uuid, email: `second-${newUuid()}@example.com`, name: 'Second', role: 'administrator' });
    expect((await world.request({ route: 'PATCH /members/{user}', params: { user: only.uuid }, body: { role: 'agent' }, identity })).status).toBe(200);
    const asSecond = { workspace: uuid, user: second.uuid, role: 'administrator' as const };
    expect((await world.request({ route: 'DELETE /members/{user}', params: { user: second.uuid }, identity: asSecond })).status).toBe(409);
  });

  it('survives two administrators demoting each other at the same moment: exactly one demotion wins', async () => {
    const { uuid } = await world.useCases.createWorkspace({ name: 'duel' });
    const ann = await world.useCases.addMember({ workspace: uuid, email: `ann-${newUuid()}@example.com`, name: 'Ann', role: 'administrator' });
    const bob = await world.useCases.addMember({ workspace: uuid, email: `bob-${newUuid()}@example.com`, name: 'Bob', role: 'administrator' });
    const results = await Promise.all([
      world.request({ route: 'PATCH /members/{user}', params: { user: bob.uuid }, body: { role: 'agent' }, identity: { workspace: uuid, user: ann.uuid, role: 'administrator' } }),
      world.request({ route: 'DELETE /members/{user}', params: { user: ann.uuid }, identity: { workspace: uuid, user: bob.uuid, role: 'administrator' } }),
    ]);
    const statuses = results.map((result) => result.status);
    expect(statuses.filter((status) => status === 409)).toHaveLength(1);
    expect(statuses.filter((status) => status === 200 || status === 204)).toHaveLength(1);
    const administrators = (await world.useCases.listMembers({ actor: { workspace: uuid, user: null } })).filter((member) => member.role === 'administrator');
    expect(administrators).toHaveLength(1);
  });
});
