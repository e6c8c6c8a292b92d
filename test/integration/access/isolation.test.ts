// Tenant isolation with two workspaces on DynamoDB Local: every id of one,
// tried with the other's identity, is 404 (or RapidPro's 400 naming the field
// for ids in v2 bodies), and nothing of one shows in the other's lists or counts.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Identity } from '#http/identity';
import type { RequestOptions } from '../http/support';
import { createAccessWorld, newUuid, type AccessWorld } from './fixture';

let world: AccessWorld;
let acme: Awaited<ReturnType<AccessWorld['workspace']>>;
let other: Awaited<ReturnType<AccessWorld['workspace']>>;
let ids: { ticket: string; topic: string; contact: string; invitation: string; token: string };

beforeAll(async () => {
  world = await createAccessWorld();
  acme = await world.workspace('acme');
  other = await world.workspace('other');
  const topic = await world.useCases.createTopic({ actor: acme.asFounder, name: 'Acme secrets' });
  const contact = newUuid();
  const opened = await world.useCases.openTicket({ actor: acme.asFounder, contact: { uuid: contact, name: 'Acme customer' }, topic: { uuid: topic.uuid }, assignee: { uuid: acme.members.agent.uuid } });
  const [invitation] = await world.useCases.inviteMembers({ actor: acme.asFounder, emails: [`pending-${newUuid()}@acme.example`], role: 'agent' });
  const token = await world.useCases.issueApiToken({ workspace: acme.uuid, user: acme.members.administrator.uuid, name: 'acme script' });
  ids = { ticket: opened.ticket!.uuid, topic: topic.uuid, contact, invitation: invitation!.uuid, token: token.uuid };
});

/** Another workspace's administrator: the role that may do the most. */
const intruder = (): Identity => other.members.administrator.identity;

describe('tenant isolation', () => {
  it('answers 404 for each id of one workspace tried with the other\'s token', async () => {
    const attempts: Omit<RequestOptions, 'identity'>[] = [
      { route: 'GET /tickets/{ticket}', params: { ticket: ids.ticket } },
      ...['notes', 'close', 'reopen'].map((action) => ({ route: `POST /tickets/{ticket}/${action}`, params: { ticket: ids.ticket }, body: { note: 'x' } })),
      { route: 'POST /tickets/{ticket}/assign', params: { ticket: ids.ticket }, body: { assignee: null } },
      { route: 'POST /tickets/{ticket}/topic', params: { ticket: ids.ticket }, body: { topic: ids.topic } },
      { route: 'PATCH /topics/{topic}', params: { topic: ids.topic }, body: { name: 'Mine now' } },
      { route: 'GET /contacts/{contact}', params: { contact: ids.contact } },
      { route: 'PATCH /members/{user}', params: { user: acme.members.agent.uuid }, body: { role: 'viewer' } },
      { route: 'DELETE /members/{user}', params: { user: acme.members.agent.uuid } },
      { route: 'DELETE /invitations/{invitation}', params: { invitation: ids.invitation } },
      { route: 'DELETE /tokens/{token}', params: { token: ids.token } },
      { route: 'GET /tickets', query: { folder: 'topic', topic: ids.topic } },
    ];
    for (const attempt of attempts) {
      const response = await world.request({ ...attempt, identity: intruder() });
      expect(response.status, `${attempt.route}: ${JSON.stringify(response.body)}`).toBe(404);
    }
    const v2 = [
      { route: 'POST /api/v2/ticket_actions.json', body: { tickets: [ids.ticket], action: 'close' }, field: 'tickets' },
      { route: 'POST /api/v2/ticket_actions.json', body: { tickets: [ids.ticket], action: 'assign', assignee: acme.members.agent.email }, field: 'tickets' },
    ];
    for (const { field, ...attempt } of v2) {
      const response = await world.request({ ...attempt, identity: intruder() });
      expect(response.status).toBe(400);
      expect(Object.keys(response.body)).toEqual([field]);
    }
    const renamed = await world.request({ route: 'POST /api/v2/topics.json', query: { uuid: ids.topic }, body: { name: 'Mine now' }, identity: intruder() });
    expect(renamed.status).toBe(404);

    // Nothing changed in acme.
    const detail = await world.useCases.getTicket({ actor: acme.asFounder, ticket: ids.ticket });
    expect(detail.ticket).toMatchObject({ status: 'open', assignee: { uuid: acme.members.agent.uuid }, topic: { name: 'Acme secrets' } });
    expect(detail.history).toHaveLength(1);
    expect((await world.useCases.listMembers({ actor: acme.asFounder })).find((member) => member.uuid === acme.members.agent.uuid)?.role).toBe('agent');
    expect((await world.useCases.listInvitations({ actor: acme.asFounder })).map((invitation) => invitation.uuid)).toContain(ids.invitation);
    expect((await world.useCases.listApiTokens({ actor: acme.members.administrator.identity })).map((token) => token.uuid)).toContain(ids.token);
  });

  it('shows nothing of one workspace in the other\'s lists and counts', async () => {
    const lists: Omit<RequestOptions, 'identity'>[] = [
      { route: 'GET /folders' },
      { route: 'GET /tickets', query: { folder: 'all' } },
      { route: 'GET /tickets', query: { folder: 'unassigned' } },
      { route: 'GET /tickets', query: { folder: 'all', status: 'closed' } },
      { route: 'GET /topics' },
      { route: 'GET /members' },
      { route: 'GET /invitations' },
      { route: 'GET /tokens' },
      { route: 'GET /workspace' },
      { route: 'GET /me' },
      { route: 'GET /api/v2/tickets.json' },
      { route: 'GET /api/v2/tickets.json', query: { contact: ids.contact } },
      { route: 'GET /api/v2/tickets.json', query: { uuid: ids.ticket } },
      { route: 'GET /api/v2/topics.json' },
      { route: 'GET /api/v2/users.json' },
    ];
    const acmeMarkers = [acme.uuid, ids.ticket, ids.topic, ids.contact, ids.invitation, ids.token, 'Acme secrets', 'acme.example', acme.members.agent.uuid];
    for (const list of lists) {
      const response = await world.request({ ...list, identity: intruder() });
      expect(response.status, list.route).toBe(200);
      const text = JSON.stringify(response.body);
      for (const marker of acmeMarkers) expect(text, `${list.route} shows ${marker}`).not.toContain(marker);
    }
    const counts = await world.request({ route: 'GET /folders', identity: intruder() });
    expect(counts.body).toMatchObject({ all: 0, unassigned: 0, mine: 0 });
  });

  it('a token of one workspace resolves only to that workspace', async () => {
    const { authorizerEvent, lambdaContext } = await import('../http/support');
    const result = await world.authorize(authorizerEvent(`Token ${other.members.agent.token}`), lambdaContext());
    expect(result).toEqual({ isAuthorized: true, context: other.members.agent.identity });
  });
});
