// Invitations ("Manage Logins") on DynamoDB Local: invite, duplicates,
// expiry, revoke, wrong secrets, accept (which signs in), and an account
// invited to a second workspace.
import { beforeAll, describe, expect, it } from 'vitest';
import { invitationListSchema, sessionSchema } from '#http/access-schemas';
import { ACCEPT_URL, createAccessWorld, newUuid, PASSWORD, type AccessWorld } from './fixture';

let world: AccessWorld;
let ws: Awaited<ReturnType<AccessWorld['workspace']>>;

beforeAll(async () => {
  world = await createAccessWorld();
  ws = await world.workspace('acme');
});

const asAdmin = () => ws.members.administrator.identity;

async function invite(emails: string[], role = 'agent') {
  return world.request({ route: 'POST /invitations', body: { emails, role }, identity: asAdmin() });
}

function accept(body: Record<string, unknown>) {
  return world.request({ route: 'POST /invitations/accept', body, identity: undefined as never, headers: { authorization: '' } });
}

describe('an invitation', () => {
  it('is mailed with a link carrying a 64-character secret that is stored only as a hash; accepting joins with the role and signs in', async () => {
    const email = `Nia-${newUuid()}@Example.com`;
    const invited = await invite([email], 'agent');
    expect(invited.status, JSON.stringify(invited.body)).toBe(201);
    const [invitation] = invitationListSchema.parse(invited.body).results;
    expect(invitation).toMatchObject({ email: email.toLowerCase(), role: 'agent', invited_by: { uuid: ws.members.administrator.uuid } });
    expect(JSON.stringify(invited.body)).not.toMatch(/[0-9a-f]{64}/);

    const mail = world.outbox.at(-1)!;
    expect(mail.to).toBe(email.toLowerCase());
    expect(mail.subject).toContain('acme');
    const secret = world.secretMailedTo(email.toLowerCase());
    expect(secret).toMatch(/^[0-9a-f]{64}$/);
    expect(mail.text).toContain(`${ACCEPT_URL}?secret=${secret}`);

    const listed = await world.request({ route: 'GET /invitations', identity: asAdmin() });
    expect(listed.body.results.map((entry: { email: string }) => entry.email)).toContain(email.toLowerCase());

    const accepted = await accept({ secret, name: 'Nia', password: PASSWORD });
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(201);
    const session = sessionSchema.parse(accepted.body);
    expect(session).toMatchObject({ role: 'agent', workspace: { uuid: ws.uuid }, user: { email: email.toLowerCase(), name: 'Nia' } });

    // The session works: the authorizer resolves it to the new agent.
    const { authorizerEvent, lambdaContext } = await import('../http/support');
    expect(await world.authorize(authorizerEvent(`Token ${session.token}`), lambdaContext())).toEqual({
      isAuthorized: true,
      context: { workspace: ws.uuid, user: session.user.uuid, role: 'agent' },
    });
    const members = await world.request({ route: 'GET /members', identity: asAdmin() });
    expect(members.body.results).toContainEqual(expect.objectContaining({ uuid: session.user.uuid, role: 'agent', name: 'Nia' }));
    const pending = await world.request({ route: 'GET /invitations', identity: asAdmin() });
    expect(pending.body.results.map((entry: { email: string }) => entry.email)).not.toContain(email.toLowerCase());

    // The same link a second time: used.
    expect(await accept({ secret, name: 'Nia', password: PASSWORD })).toMatchObject({ status: 404, body: { error: { code: 'invitation_not_found' } } });
    // And the agent works tickets under their own name.
    const opened = await world.useCases.openTicket({ actor: ws.asFounder, contact: { uuid: newUuid() }, topic: null, assignee: null });
    const identity = { workspace: ws.uuid, user: session.user.uuid, role: 'agent' as const };
    const taken = await world.request({ route: 'POST /tickets/{ticket}/assign', params: { ticket: opened.ticket!.uuid }, body: { assignee: session.user.uuid }, identity });
    expect(taken.body.events[0].created_by).toMatchObject({ uuid: session.user.uuid, name: 'Nia' });
    const mine = await world.request({ route: 'GET /tickets', query: { folder: 'mine' }, identity });
    expect(mine.body.results.map((ticket: { uuid: string }) => ticket.uuid)).toEqual([opened.ticket!.uuid]);
  });

  it('invites several emails at once, and refuses a member or a pending invitation with a clear error, inviting nobody', async () => {
    const [first, second] = [`one-${newUuid()}@example.com`, `two-${newUuid()}@example.com`];
    const both = await invite([first, second], 'viewer');
    expect(both.status).toBe(201);
    expect(both.body.results).toHaveLength(2);

    const third = `three-${newUuid()}@example.com`;
    const duplicate = await invite([third, first]);
    expect(duplicate).toMatchObject({ status: 409, body: { error: { code: 'invitation_exists', message: `${first} already has a pending invitation.` } } });
    const member = await invite([third, ws.members.editor.email.toUpperCase()]);
    expect(member).toMatchObject({ status: 409, body: { error: { code: 'member_exists', message: `${ws.members.editor.email} is already a member of this workspace.` } } });
    const listed = await world.request({ route: 'GET /invitations', identity: asAdmin() });
    expect(listed.body.results.map((entry: { email: string }) => entry.email)).not.toContain(third);

    expect(await invite(['not-an-email'])).toMatchObject({ status: 400, body: { error: { field: 'emails.0' } } });
    expect(await invite([third], 'owner')).toMatchObject({ status: 400, body: { error: { field: 'role' } } });
    expect(await invite([])).toMatchObject({ status: 400, body: { error: { field: 'emails' } } });
  });

  it('can be revoked: its link stops working', async () => {
    const email = `revoked-${newUuid()}@example.com`;
    const invitation = (await invite([email])).body.results[0];
    const secret = world.secretMailedTo(email);
    const revoked = await world.request({ route: 'DELETE /invitations/{invitation}', params: { invitation: invitation.uuid }, identity: asAdmin() });
    expect(revoked.status).toBe(204);
    expect(await accept({ secret, name: 'Late', password: PASSWORD })).toMatchObject({ status: 404, body: { error: { code: 'invitation_not_found' } } });
    const again = await world.request({ route: 'DELETE /invitations/{invitation}', params: { invitation: invitation.uuid }, identity: asAdmin() });
    expect(again.status).toBe(404);
    // Revoked, the email may be invited again.
    expect((await invite([email])).status).toBe(201);
  });

  it('expires after 30 days, and may then be sent again', async () => {
    const email = `expired-${newUuid()}@example.com`;
    const longAgo = new Date(Date.now() - 31 * 24 * 3600 * 1000);
    await world.useCasesAt(() => longAgo).inviteMembers({ actor: ws.asFounder, emails: [email], role: 'agent' });
    const secret = world.secretMailedTo(email);
    expect(await accept({ secret, name: 'Late', password: PASSWORD })).toMatchObject({ status: 404, body: { error: { code: 'invitation_expired' } } });
    const listed = await world.request({ route: 'GET /invitations', identity: asAdmin() });
    expect(listed.body.results.map((entry: { email: string }) => entry.email)).not.toContain(email);
    expect((await invite([email])).status).toBe(201);
    const fresh = world.secretMailedTo(email);
    expect(fresh).not.toBe(secret);
    expect(await accept({ secret, name: 'Late', password: PASSWORD })).toMatchObject({ status: 404 });
    expect((await accept({ secret: fresh, name: 'Late', password: PASSWORD })).status).toBe(201);
  });

  it('leads to the API\'s own accept route when no accept page is configured', async () => {
    const { createAccessHandler } = await import('../../../functions/http-access');
    const handler = createAccessHandler(world.useCasesWith({ invitationAcceptUrl: undefined }), { admit: async () => undefined });
    const email = `no-page-${newUuid()}@example.com`;
    const { call } = await import('../http/support');
    expect((await call(handler, { route: 'POST /invitations', body: { emails: [email], role: 'agent' }, identity: asAdmin() })).status).toBe(201);
    const secret = world.secretMailedTo(email);
    expect(world.outbox.at(-1)!.text).toContain(`https://abc123.execute-api.eu-west-1.amazonaws.com/invitations/accept?secret=${secret}`);
  });

  it('refuses wrong secrets and weak input without telling anything about other invitations', async () => {
    const email = `careful-${newUuid()}@example.com`;
    await invite([email]);
    const secret = world.secretMailedTo(email);
    const wrong = secret.slice(0, -1) + (secret.endsWith('0') ? '1' : '0');
    for (const candidate of [wrong, secret.slice(0, 63), 'x'.repeat(64), ''])
      expect((await accept({ secret: candidate, name: 'Eve', password: PASSWORD })).status, candidate).toBe(candidate === '' ? 400 : 404);
    expect(await accept({ secret, name: 'Short', password: 'short' })).toMatchObject({ status: 400, body: { error: { field: 'password' } } });
    expect(await accept({ secret, password: PASSWORD })).toMatchObject({ status: 400, body: { error: { field: 'name' } } });
    // Still valid after the failed attempts.
    expect((await accept({ secret, name: 'Careful', password: PASSWORD })).status).toBe(201);
  });

  it('to someone who already has an account (another workspace) asks for that account\'s password, not a new one', async () => {
    const other = await world.workspace(`other-${newUuid().slice(0, 8)}`);
    const agent = ws.members.agent;
    await world.request({ route: 'POST /invitations', body: { emails: [agent.email], role: 'editor' }, identity: other.members.administrator.identity });
    const secret = world.secretMailedTo(agent.email);
    expect(await accept({ secret, name: 'Takeover', password: 'another password entirely' })).toMatchObject({
      status: 401,
      body: { error: { code: 'invalid_credentials' } },
    });
    const joined = await accept({ secret, password: PASSWORD });
    expect(joined.status, JSON.stringify(joined.body)).toBe(201);
    expect(joined.body).toMatchObject({ role: 'editor', workspace: { uuid: other.uuid }, user: { uuid: agent.uuid } });
    // Signing in now needs the workspace named; each one gives its own role.
    const ambiguous = await world.request({ route: 'POST /sign-in', body: { email: agent.email, password: PASSWORD }, identity: undefined as never });
    expect(ambiguous).toMatchObject({ status: 400, body: { error: { code: 'workspace_required', field: 'workspace' } } });
    const inOther = await world.request({ route: 'POST /sign-in', body: { email: agent.email, password: PASSWORD, workspace: other.uuid }, identity: undefined as never });
    expect(inOther.body).toMatchObject({ role: 'editor', workspace: { uuid: other.uuid } });
    const inFirst = await world.request({ route: 'POST /sign-in', body: { email: agent.email, password: PASSWORD, workspace: ws.uuid }, identity: undefined as never });
    expect(inFirst.body).toMatchObject({ role: 'agent', workspace: { uuid: ws.uuid } });
  });
});
