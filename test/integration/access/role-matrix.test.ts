// Every route of the HTTP API and every ticket command × every role, on
// DynamoDB Local: a role that may → the request works (2xx); a role that may
// not → 403 `permission_denied` naming the role. The expected table is written
// out here from RapidPro's roles, independently of shared/domain/permissions.ts.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '#domain/workspace';
import { allRoutes } from '#http/routes/index';
import { routeKey } from '#http/route-spec';
import type { RequestOptions } from '../http/support';
import { createAccessWorld, newUuid, PASSWORD, type AccessWorld } from './fixture';

const everyone: Role[] = ['administrator', 'editor', 'agent', 'viewer'];
const ticketWorkers: Role[] = ['administrator', 'editor', 'agent'];
const managers: Role[] = ['administrator', 'editor'];
const administrators: Role[] = ['administrator'];

/** Who may call each route (RapidPro: agents work tickets, viewers look, editors all but people, administrators everything). */
const EXPECTED: Record<string, Role[]> = {
  'GET /folders': everyone,
  'GET /tickets': everyone,
  'POST /tickets': ticketWorkers,
  'GET /tickets/{ticket}': everyone,
  'POST /tickets/{ticket}/assign': ticketWorkers,
  'POST /tickets/{ticket}/notes': ticketWorkers,
  'POST /tickets/{ticket}/topic': ticketWorkers,
  'POST /tickets/{ticket}/close': ticketWorkers,
  'POST /tickets/{ticket}/reopen': ticketWorkers,
  'GET /topics': everyone,
  'POST /topics': managers,
  'PATCH /topics/{topic}': managers,
  'GET /contacts/{contact}': everyone,
  'PUT /contacts/{contact}': ticketWorkers,
  'GET /api/v2/tickets.json': everyone,
  'POST /api/v2/ticket_actions.json': ticketWorkers,
  'GET /api/v2/topics.json': everyone,
  'POST /api/v2/topics.json': managers,
  'GET /api/v2/users.json': everyone,
  'POST /sign-out': everyone,
  'GET /me': everyone,
  'GET /members': everyone,
  'PATCH /members/{user}': administrators,
  'DELETE /members/{user}': administrators,
  'GET /invitations': administrators,
  'POST /invitations': administrators,
  'DELETE /invitations/{invitation}': administrators,
  'GET /tokens': everyone,
  'POST /tokens': everyone,
  'DELETE /tokens/{token}': everyone,
  'GET /workspace': everyone,
  'PATCH /workspace': managers,
  'GET /flows': managers,
  'POST /flows': managers,
  'POST /flows/{flow}/start': managers,
  'POST /contacts/{contact}/messages': managers,
  'GET /contacts/{contact}/messages': everyone,
  'GET /api/v2/messages.json': everyone,
  'GET /triggers': managers,
  'POST /triggers': managers,
  'PUT /triggers/{trigger}': managers,
  'DELETE /triggers/{trigger}': managers,
};

/**
 * Routes of the flow engine service (HttpFlows, HttpTriggers), whose own tests
 * cover what they do: here a role that may call them must get past the
 * permission check (any answer but 403 and 5xx), one that may not gets the 403.
 */
const GATE_ONLY = new Set([
  'GET /flows',
  'POST /flows',
  'POST /flows/{flow}/start',
  'POST /contacts/{contact}/messages',
  'GET /contacts/{contact}/messages',
  'GET /api/v2/messages.json',
  'GET /triggers',
  'POST /triggers',
  'PUT /triggers/{trigger}',
  'DELETE /triggers/{trigger}',
]);

let world: AccessWorld;
let ws: Awaited<ReturnType<AccessWorld['workspace']>>;
let counter = 0;
const unique = (prefix: string) => `${prefix} ${++counter}`;

beforeAll(async () => {
  world = await createAccessWorld();
  ws = await world.workspace('matrix');
});

async function openTicket(): Promise<string> {
  const opened = await world.useCases.openTicket({ actor: ws.asFounder, contact: { uuid: newUuid(), name: 'Ann' }, topic: null, assignee: null });
  return opened.ticket!.uuid;
}

async function closedTicket(): Promise<string> {
  const ticket = await openTicket();
  await world.useCases.closeTicket({ actor: ws.asFounder, ticket });
  return ticket;
}

async function newTopic(): Promise<string> {
  return (await world.useCases.createTopic({ actor: ws.asFounder, name: unique('Topic') })).uuid;
}

async function newAgent(): Promise<string> {
  return (await world.useCases.addMember({ workspace: ws.uuid, email: `${newUuid()}@matrix.example`, name: 'Temp', role: 'agent' })).uuid;
}

type Request = Omit<RequestOptions, 'identity'>;

/** A valid request for each route, made for the caller's role (fresh tickets, topics, members where the route changes them). */
const REQUESTS: Record<string, (role: Role) => Promise<Request>> = {
  'GET /folders': async () => ({ route: 'GET /folders' }),
  'GET /tickets': async () => ({ route: 'GET /tickets', query: { folder: 'unassigned' } }),
  'POST /tickets': async () => ({ route: 'POST /tickets', body: { contact: { uuid: newUuid(), name: 'Bo' }, note: 'by hand' } }),
  'GET /tickets/{ticket}': async () => ({ route: 'GET /tickets/{ticket}', params: { ticket: await openTicket() } }),
  'POST /tickets/{ticket}/assign': async (role) => ({
    route: 'POST /tickets/{ticket}/assign',
    params: { ticket: await openTicket() },
    body: { assignee: ws.members[ticketWorkers.includes(role) ? role : 'agent'].uuid },
  }),
  'POST /tickets/{ticket}/notes': async () => ({ route: 'POST /tickets/{ticket}/notes', params: { ticket: await openTicket() }, body: { note: 'checked' } }),
  'POST /tickets/{ticket}/topic': async () => ({ route: 'POST /tickets/{ticket}/topic', params: { ticket: await openTicket() }, body: { topic: await newTopic() } }),
  'POST /tickets/{ticket}/close': async () => ({ route: 'POST /tickets/{ticket}/close', params: { ticket: await openTicket() } }),
  'POST /tickets/{ticket}/reopen': async () => ({ route: 'POST /tickets/{ticket}/reopen', params: { ticket: await closedTicket() } }),
  'GET /topics': async () => ({ route: 'GET /topics' }),
  'POST /topics': async () => ({ route: 'POST /topics', body: { name: unique('Created') } }),
  'PATCH /topics/{topic}': async () => ({ route: 'PATCH /topics/{topic}', params: { topic: await newTopic() }, body: { name: unique('Renamed') } }),
  'GET /contacts/{contact}': async () => {
    const contact = newUuid();
    await world.useCases.upsertContact({ actor: ws.asFounder, contact: { uuid: contact, name: 'Cy' } });
    return { route: 'GET /contacts/{contact}', params: { contact } };
  },
  'PUT /contacts/{contact}': async () => ({ route: 'PUT /contacts/{contact}', params: { contact: newUuid() }, body: { name: 'Di', fields: { city: 'Kigali' } } }),
  'GET /api/v2/tickets.json': async () => ({ route: 'GET /api/v2/tickets.json' }),
  'POST /api/v2/ticket_actions.json': async () => ({ route: 'POST /api/v2/ticket_actions.json', body: { tickets: [await openTicket()], action: 'add_note', note: 'v2' } }),
  'GET /api/v2/topics.json': async () => ({ route: 'GET /api/v2/topics.json' }),
  'POST /api/v2/topics.json': async () => ({ route: 'POST /api/v2/topics.json', body: { name: unique('V2 topic') } }),
  'GET /api/v2/users.json': async () => ({ route: 'GET /api/v2/users.json', query: { role: 'agent' } }),
  'POST /sign-out': async (role) => {
    const session = await world.useCases.signIn({ email: ws.members[role].email, password: PASSWORD });
    return { route: 'POST /sign-out', headers: { authorization: `Token ${session.token}` } };
  },
  'GET /me': async () => ({ route: 'GET /me' }),
  'GET /members': async () => ({ route: 'GET /members' }),
  'PATCH /members/{user}': async () => ({ route: 'PATCH /members/{user}', params: { user: await newAgent() }, body: { role: 'editor' } }),
  'DELETE /members/{user}': async () => ({ route: 'DELETE /members/{user}', params: { user: await newAgent() } }),
  'GET /invitations': async () => ({ route: 'GET /invitations' }),
  'POST /invitations': async () => ({ route: 'POST /invitations', body: { emails: [`${newUuid()}@matrix.example`], role: 'agent' } }),
  'DELETE /invitations/{invitation}': async () => {
    const [invitation] = await world.useCases.inviteMembers({ actor: ws.asFounder, emails: [`${newUuid()}@matrix.example`], role: 'viewer' });
    return { route: 'DELETE /invitations/{invitation}', params: { invitation: invitation!.uuid } };
  },
  'GET /tokens': async () => ({ route: 'GET /tokens' }),
  'POST /tokens': async () => ({ route: 'POST /tokens', body: { name: 'script' } }),
  'DELETE /tokens/{token}': async (role) => {
    const token = await world.useCases.issueApiToken({ workspace: ws.uuid, user: ws.members[role].uuid, name: 'to revoke' });
    return { route: 'DELETE /tokens/{token}', params: { token: token.uuid } };
  },
  'GET /workspace': async () => ({ route: 'GET /workspace' }),
  'PATCH /workspace': async () => ({ route: 'PATCH /workspace', body: { name: 'Matrix workspace' } }),
  'GET /flows': async () => ({ route: 'GET /flows' }),
  'POST /flows': async () => ({ route: 'POST /flows', body: {} }),
  'POST /flows/{flow}/start': async () => ({ route: 'POST /flows/{flow}/start', params: { flow: newUuid() }, body: { contact: { uuid: newUuid() } } }),
  'POST /contacts/{contact}/messages': async () => ({ route: 'POST /contacts/{contact}/messages', params: { contact: newUuid() }, body: { text: 'hello' } }),
  'GET /contacts/{contact}/messages': async () => ({ route: 'GET /contacts/{contact}/messages', params: { contact: newUuid() } }),
  'GET /api/v2/messages.json': async () => ({ route: 'GET /api/v2/messages.json', query: { contact: newUuid() } }),
  'GET /triggers': async () => ({ route: 'GET /triggers' }),
  'POST /triggers': async () => ({ route: 'POST /triggers', body: {} }),
  'PUT /triggers/{trigger}': async () => ({ route: 'PUT /triggers/{trigger}', params: { trigger: newUuid() }, body: {} }),
  'DELETE /triggers/{trigger}': async () => ({ route: 'DELETE /triggers/{trigger}', params: { trigger: newUuid() } }),
};

/** Each RapidPro v2 ticket action on a ticket in the state it changes. */
const V2_ACTIONS: Record<string, (role: Role) => Promise<Record<string, unknown>>> = {
  assign: async (role) => ({ tickets: [await openTicket()], action: 'assign', assignee: ws.members[ticketWorkers.includes(role) ? role : 'agent'].email }),
  add_note: async () => ({ tickets: [await openTicket()], action: 'add_note', note: 'seen' }),
  change_topic: async () => ({ tickets: [await openTicket()], action: 'change_topic', topic: await newTopic() }),
  close: async () => ({ tickets: [await openTicket()], action: 'close' }),
  reopen: async () => ({ tickets: [await closedTicket()], action: 'reopen' }),
};

const cases = Object.entries(EXPECTED).flatMap(([route, allowed]) => everyone.map((role) => ({ route, role, allowed: allowed.includes(role) })));

describe('the role matrix', () => {
  it('covers every route that needs a token, and only the two public routes go without', () => {
    const guarded = allRoutes().filter((spec) => spec.permission !== 'public').map(routeKey);
    expect(Object.keys(EXPECTED).sort()).toEqual(guarded.sort());
    expect(Object.keys(REQUESTS).sort()).toEqual(guarded.sort());
    expect(allRoutes().filter((spec) => spec.permission === 'public').map(routeKey).sort()).toEqual(['POST /invitations/accept', 'POST /sign-in']);
  });

  it.each(cases)('$route as $role: allowed = $allowed', async ({ route, role, allowed }) => {
    const response = await world.request({ ...(await REQUESTS[route]!(role)), identity: ws.members[role].identity });
    if (allowed && GATE_ONLY.has(route)) {
      expect(response.status, JSON.stringify(response.body)).not.toBe(403);
      expect(response.status, JSON.stringify(response.body)).toBeLessThan(500);
    } else if (allowed) {
      expect(response.status, JSON.stringify(response.body)).toBeGreaterThanOrEqual(200);
      expect(response.status, JSON.stringify(response.body)).toBeLessThan(300);
    } else {
      expect(response.status, JSON.stringify(response.body)).toBe(403);
      // RapidPro's bodies on /api/v2 ({"detail"}), ours elsewhere ({"error": {code, message}}).
      const isV2 = route.includes(' /api/v2/');
      if (!isV2) expect(response.body.error.code).toBe('permission_denied');
      const message: string = isV2 ? response.body.detail : response.body.error.message;
      expect(message).toMatch(new RegExp(`^The ${role} role may not `));
    }
  });

  const actionCases = Object.keys(V2_ACTIONS).flatMap((action) => everyone.map((role) => ({ action, role, allowed: ticketWorkers.includes(role) })));
  it.each(actionCases)('v2 ticket action $action as $role: allowed = $allowed', async ({ action, role, allowed }) => {
    const body = await V2_ACTIONS[action]!(role);
    const response = await world.request({ route: 'POST /api/v2/ticket_actions.json', body, identity: ws.members[role].identity });
    if (allowed) expect(response.status, JSON.stringify(response.body)).toBe(204);
    else expect(response).toMatchObject({ status: 403, body: { detail: `The ${role} role may not work tickets or change contacts.` } });
  });

  it('what a refused role asked for did not happen', async () => {
    const ticket = await openTicket();
    const refused = await world.request({ route: 'POST /tickets/{ticket}/close', params: { ticket }, identity: ws.members.viewer.identity });
    expect(refused.status).toBe(403);
    const detail = await world.useCases.getTicket({ actor: ws.asFounder, ticket });
    expect(detail.ticket.status).toBe('open');
    expect(detail.history.map((event) => event.type)).toEqual(['ticket_opened']);
  });
});

describe('assignees', () => {
  it('are only members whose role may work tickets: never a viewer', async () => {
    const ticket = await openTicket();
    const toViewer = await world.request({
      route: 'POST /tickets/{ticket}/assign',
      params: { ticket },
      body: { assignee: ws.members.viewer.uuid },
      identity: ws.members.agent.identity,
    });
    expect(toViewer).toMatchObject({ status: 400, body: { error: { code: 'assignee_cannot_work_tickets', field: 'assignee' } } });
    const v2 = await world.request({
      route: 'POST /api/v2/ticket_actions.json',
      body: { tickets: [ticket], action: 'assign', assignee: ws.members.viewer.email },
      identity: ws.members.agent.identity,
    });
    expect(v2).toMatchObject({ status: 400, body: { assignee: [expect.stringContaining('viewer')] } });
    for (const role of ticketWorkers) {
      const assigned = await world.request({ route: 'POST /tickets/{ticket}/assign', params: { ticket }, body: { assignee: ws.members[role].uuid }, identity: ws.members.agent.identity });
      expect(assigned.body.ticket.assignee.uuid).toBe(ws.members[role].uuid);
    }
  });

  it('a flow runtime (the ticket command function) opens tickets through the permission table; a viewer assignee leaves the ticket unassigned', async () => {
    const { handler } = await import('../../../functions/ticket-command');
    const response = await handler({
      command: 'open_ticket',
      workspace: ws.uuid,
      idempotency_key: newUuid(),
      contact: { uuid: newUuid(), name: 'Flo' },
      topic: { name: 'From flows' },
      assignee: { email: ws.members.viewer.email },
    });
    expect(response.ticket).toMatchObject({ status: 'open', assignee: null });
    expect(response.error?.code).toBe('unknown_assignee');
    const toAgent = await handler({
      command: 'open_ticket',
      workspace: ws.uuid,
      idempotency_key: newUuid(),
      contact: { uuid: newUuid(), name: 'Gus' },
      topic: null,
      assignee: { email: ws.members.agent.email },
    });
    expect(toAgent.ticket?.assignee?.uuid).toBe(ws.members.agent.uuid);
  });
});
