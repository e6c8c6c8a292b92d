// Every route of the HTTP API and every ticket command × every role, on
// DynamoDB Local: a role that may → the request works (2xx); a role that may
// not → 403 `permission_denied` naming the role. The expected table (written out
// from RapidPro's roles, independently of shared/domain/permissions.ts) and the
// request builders are in role-matrix-table.ts, shared with test/e2e/role-matrix.test.ts.
import { beforeAll, describe, expect, it } from 'vitest';
import { allRoutes } from '#http/routes/index';
import { routeKey } from '#http/route-spec';
import { createAccessWorld, newUuid, PASSWORD, type AccessWorld } from './fixture';
import { everyone, EXPECTED, GATE_ONLY, matrixRequests, ticketWorkers, V2_TICKET_ACTIONS, type MatrixRequests } from './role-matrix-table';

let world: AccessWorld;
let ws: Awaited<ReturnType<AccessWorld['workspace']>>;
let REQUESTS: MatrixRequests['requests'];
let V2_ACTIONS: MatrixRequests['v2Actions'];

beforeAll(async () => {
  world = await createAccessWorld();
  ws = await world.workspace('matrix');
  ({ requests: REQUESTS, v2Actions: V2_ACTIONS } = matrixRequests({
    useCases: world.useCases,
    workspace: ws,
    sessionToken: async (role) => (await world.useCases.signIn({ email: ws.members[role].email, password: PASSWORD })).token,
  }));
});

async function openTicket(): Promise<string> {
  const opened = await world.useCases.openTicket({ actor: ws.asFounder, contact: { uuid: newUuid(), name: 'Ann' }, topic: null, assignee: null });
  return opened.ticket!.uuid;
}

const cases = Object.entries(EXPECTED).flatMap(([route, allowed]) => everyone.map((role) => ({ route, role, allowed: allowed.includes(role) })));

describe('the role matrix', () => {
  it('covers every route that needs a token, and only the public routes (signing in, the invitation accept page and acceptance) go without', () => {
    const guarded = allRoutes().filter((spec) => spec.permission !== 'public').map(routeKey);
    expect(Object.keys(EXPECTED).sort()).toEqual(guarded.sort());
    expect(Object.keys(REQUESTS).sort()).toEqual(guarded.sort());
    const channelGateways = ['receive', 'sent', 'delivered', 'failed', 'stopped'].flatMap((action) => [`GET /c/ex/{channel}/${action}`, `POST /c/ex/{channel}/${action}`]);
    expect(allRoutes().filter((spec) => spec.permission === 'public').map(routeKey).sort()).toEqual(
      ['GET /invitations/accept', 'POST /invitations/accept', 'POST /sign-in', ...channelGateways, 'POST /c/tg/{channel}/receive'].sort(),
    );
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

  const actionCases = V2_TICKET_ACTIONS.flatMap((action) => everyone.map((role) => ({ action, role, allowed: ticketWorkers.includes(role) })));
  it.each(actionCases)('v2 ticket action $action as $role: allowed = $allowed', async ({ action, role, allowed }) => {
    const body = await V2_ACTIONS[action](role);
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
