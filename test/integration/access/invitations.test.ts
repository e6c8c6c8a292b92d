// Invitations ("Manage Logins") on DynamoDB Local: invite, duplicates,
// expiry, revoke, wrong secrets, accept (which signs in), and an account
// invited to a second workspace.
import { beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { invitationDescriptionSchema, invitationListSchema, sessionSchema } from '#http/access-schemas';
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

/** The link as a program follows it (JSON). */
function describeInvitation(secret: string | undefined) {
  return world.request({ route: 'GET /invitations/accept', ...(secret === undefined ? {} : { query: { secret } }), identity: undefined as never, headers: { authorization: '' } });
}

/** The link as a browser follows it: the raw Lambda answer (an HTML page). */
async function openInBrowser(secret: string) {
  const { httpEvent, lambdaContext } = await import('../http/support');
  const event = httpEvent({
    route: 'GET /invitations/accept',
    query: { secret },
    identity: undefined as never,
    headers: { authorization: '', accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' },
  });
  return (await world.handlers.HttpAccess(event, lambdaContext())) as { statusCode: number; headers: Record<string, string>; body: string };
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
    const { createAccessHandler } = await import('../../../functions/handlers/http-access');
    const handler = createAccessHandler(world.useCasesWith({ invitationAcceptUrl: undefined }), { admit: async () => undefined });
    const email = `no-page-${newUuid()}@example.com`;
    const { call } = await import('../http/support');
    expect((await call(handler, { route: 'POST /invitations', body: { emails: [email], role: 'agent' }, identity: asAdmin() })).status).toBe(201);
    const secret = world.secretMailedTo(email);
    expect(world.outbox.at(-1)!.text).toContain(`https://abc123.execute-api.eu-west-1.amazonaws.com/invitations/accept?secret=${secret}`);
    // Clicking it is a GET of that address: a route of this function, which describes the invitation.
    const link = new URL(/https?:\/\/\S+/.exec(world.outbox.at(-1)!.text)![0]);
    const followed = await call(handler, {
      route: `GET ${link.pathname}`,
      query: Object.fromEntries(link.searchParams),
      identity: undefined as never,
      headers: { authorization: '' },
    });
    expect(followed).toMatchObject({ status: 200, body: { email, role: 'agent', workspace: { uuid: ws.uuid } } });
  });

  it('link, followed without accepting (GET), describes the invitation and leaves it pending; used or expired it is 404 as when accepting', async () => {
    const email = `look-${newUuid()}@example.com`;
    await invite([email], 'editor');
    const secret = world.secretMailedTo(email);
    for (let look = 0; look < 2; look++) {
      const described = await describeInvitation(secret);
      expect(described.status, JSON.stringify(described.body)).toBe(200);
      expect(invitationDescriptionSchema.parse(described.body)).toEqual({
        email,
        role: 'editor',
        workspace: { uuid: ws.uuid, name: 'acme' },
        expires_on: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/),
      });
    }
    const pending = await world.request({ route: 'GET /invitations', identity: asAdmin() });
    expect(pending.body.results.map((entry: { email: string }) => entry.email)).toContain(email);

    expect((await accept({ secret, name: 'Looker', password: PASSWORD })).status).toBe(201);
    expect(await describeInvitation(secret)).toMatchObject({ status: 404, body: { error: { code: 'invitation_not_found' } } });
    expect(await describeInvitation('0'.repeat(64))).toMatchObject({ status: 404, body: { error: { code: 'invitation_not_found' } } });
    expect(await describeInvitation(undefined)).toMatchObject({ status: 400, body: { error: { field: 'secret' } } });

    const late = `late-look-${newUuid()}@example.com`;
    await world.useCasesAt(() => new Date(Date.now() - 31 * 24 * 3600 * 1000)).inviteMembers({ actor: ws.asFounder, emails: [late], role: 'agent' });
    expect(await describeInvitation(world.secretMailedTo(late))).toMatchObject({ status: 404, body: { error: { code: 'invitation_expired' } } });
  });

  it('link, opened in a browser, answers a page with the invitation escaped and a form posting to the accept route', async () => {
    const { uuid: workspace } = await world.useCases.createWorkspace({ name: 'Tom & Jerry <script>alert(1)</script>' });
    const founder = await world.useCases.addMember({ workspace, email: `founder-${newUuid()}@example.com`, name: 'Founder', role: 'administrator' });
    const email = `o'hara<b>-${newUuid()}@example.com`;
    await world.useCases.inviteMembers({ actor: { workspace, user: founder.uuid }, emails: [email], role: 'agent' });
    const secret = world.secretMailedTo(email);

    const page = await openInBrowser(secret);
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.headers['referrer-policy']).toBe('no-referrer');
    expect(page.body).toContain('Tom &amp; Jerry &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page.body).toContain(email.replace("'", '&#39;').replace('<', '&lt;').replace('>', '&gt;'));
    expect(page.body).not.toContain('<script>alert(1)');
    expect(page.body).toMatch(/<form id="accept">[\s\S]*id="name"[\s\S]*id="password" type="password"/);
    // The one script posts JSON to this page's own path; the policy lets exactly it run.
    const scripts = [...page.body.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((match) => match[1]!);
    expect(scripts).toHaveLength(1);
    expect(scripts[0]).toContain("fetch(location.pathname, { method: 'POST', headers: { 'content-type': 'application/json' }");
    const scriptHash = createHash('sha256').update(scripts[0]!).digest('base64');
    expect(page.headers['content-security-policy']).toContain(`script-src 'sha256-${scriptHash}'`);
    expect(page.headers['content-security-policy']).toContain("default-src 'none'");

    // Looking did not use it up; what the form posts joins.
    const joined = await accept({ secret, name: 'Hara', password: PASSWORD });
    expect(joined).toMatchObject({ status: 201, body: { role: 'agent', workspace: { uuid: workspace } } });
    const used = await openInBrowser(secret);
    expect(used.statusCode).toBe(404);
    expect(used.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(used.body).toContain('This invitation is not valid');
    expect(used.body).not.toContain('<script>');
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
