// The role matrix of issue 3 through the local stack: every route and v2 ticket
// action × every role over HTTP, through API Gateway's emulation, the real
// authorizer (API tokens) and the functions. The expected table and the
// request builders are the handler-level matrix's (test/integration/access/
// role-matrix-table.ts); here a role that may call a route must get past the
// permission check (neither 403 nor 5xx), one that may not gets a 403 naming
// its role.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../infra/local/stack';
import { createDynamoDbRepositories } from '#adapters/dynamodb/index';
import type { Role } from '#domain/workspace';
import type { MailMessage } from '#use-cases/ports';
import { createUseCases } from '#use-cases/index';
import { everyone, EXPECTED, matrixRequests, ticketWorkers, V2_TICKET_ACTIONS, type MatrixRequest, type MatrixRequests } from '../integration/access/role-matrix-table';
import { apiClient, directory, startTestStack, type ApiResponse } from './support';

let stack: LocalStack;
let tokens: Record<Role, string>;
let builders: MatrixRequests;

beforeAll(async () => {
  stack = await startTestStack();
  const people = directory(stack);
  const { workspace, administrator } = await people.workspace('Role matrix');
  const members = {} as Record<Role, { uuid: string; email: string }>;
  tokens = {} as Record<Role, string>;
  for (const role of everyone) {
    const member = await people.member(workspace.uuid, role, `Matrix ${role}`);
    members[role] = member;
    tokens[role] = member.token;
  }

  // What the requests need (tickets, topics, invitations, sessions) is made through the use cases on the stack's table.
  const outbox: MailMessage[] = [];
  const useCases = createUseCases({
    ...createDynamoDbRepositories({ client: new DynamoDBClient({ endpoint: stack.dynamodbEndpoint }), tableName: stack.tableName }),
    mail: { send: async (message) => void outbox.push(message) },
    invitationAcceptUrl: `${stack.apiUrl}/invitations/accept`,
  });
  const asFounder = { workspace: workspace.uuid, user: administrator.uuid, role: 'administrator' as const };
  /** A session of a new member of `role`, who joined by invitation (sessions come from accepting or signing in). */
  async function sessionToken(role: Role): Promise<string> {
    const [invitation] = await useCases.inviteMembers({ actor: asFounder, emails: [`${crypto.randomUUID()}@matrix.example`], role });
    const secret = /secret=([A-Za-z0-9_-]+)/.exec(outbox.find((message) => message.to === invitation!.email)?.text ?? '')?.[1];
    if (!secret) throw new Error(`no invitation secret mailed to ${invitation!.email}`);
    return (await useCases.acceptInvitation({ secret, name: `Session ${role}`, password: 'correct horse battery staple' })).token;
  }
  builders = matrixRequests({ useCases, workspace: { uuid: workspace.uuid, asFounder, members }, sessionToken });
}, 60_000);

afterAll(async () => {
  await stack?.stop();
});

/** Sends a matrix request over HTTP with `token` (or the token the request carries itself, e.g. a session to end). */
function send(request: MatrixRequest, token: string): Promise<ApiResponse> {
  const [method, routePath] = request.route.split(' ') as [string, string];
  const path = routePath.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(request.params![name]!));
  const query = request.query ? `?${new URLSearchParams(request.query)}` : '';
  const ownToken = request.headers?.authorization?.replace(/^Token /, '');
  return apiClient(stack, ownToken ?? token)(method, path + query, request.body);
}

/** The refusal: 403 with RapidPro's body on /api/v2 ({"detail"}), ours elsewhere ({"error": {code, message}}), naming the role. */
function expectRefused(route: string, role: Role, response: ApiResponse) {
  expect(response.status, JSON.stringify(response.body)).toBe(403);
  const isV2 = route.includes(' /api/v2/');
  if (!isV2) expect(response.body.error.code).toBe('permission_denied');
  const message: string = isV2 ? response.body.detail : response.body.error.message;
  expect(message).toMatch(new RegExp(`^The ${role} role may not `));
}

function expectAdmitted(response: ApiResponse) {
  expect(response.status, JSON.stringify(response.body)).not.toBe(403);
  expect(response.status, JSON.stringify(response.body)).toBeLessThan(500);
}

const cases = Object.entries(EXPECTED).flatMap(([route, allowed]) => everyone.map((role) => ({ route, role, allowed: allowed.includes(role) })));

describe('the role matrix through the local stack', () => {
  it.each(cases)('$route as $role: allowed = $allowed', async ({ route, role, allowed }) => {
    const response = await send(await builders.requests[route]!(role), tokens[role]);
    if (allowed) expectAdmitted(response);
    else expectRefused(route, role, response);
  });

  const actionCases = V2_TICKET_ACTIONS.flatMap((action) => everyone.map((role) => ({ action, role, allowed: ticketWorkers.includes(role) })));

  it.each(actionCases)('v2 ticket action $action as $role: allowed = $allowed', async ({ action, role, allowed }) => {
    const body = await builders.v2Actions[action](role);
    const response = await send({ route: 'POST /api/v2/ticket_actions.json', body }, tokens[role]);
    if (allowed) expect(response.status, JSON.stringify(response.body)).toBe(204);
    else expect(response).toMatchObject({ status: 403, body: { detail: `The ${role} role may not work tickets or change contacts.` } });
  });
});
