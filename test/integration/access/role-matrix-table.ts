// The role matrix's expected table and one valid request per route, shared by
// the handler-level matrix (test/integration/access/role-matrix.test.ts) and
// the one through the local stack over HTTP (test/e2e/role-matrix.test.ts).
// The table is written out from RapidPro's roles, independently of
// shared/domain/permissions.ts.
import { randomUUID } from 'node:crypto';
import type { Role } from '#domain/workspace';
import type { Identity } from '#http/identity';
import type { createUseCases } from '#use-cases/index';
import type { RequestOptions } from '../http/support';

export const everyone: Role[] = ['administrator', 'editor', 'agent', 'viewer'];
export const ticketWorkers: Role[] = ['administrator', 'editor', 'agent'];
const managers: Role[] = ['administrator', 'editor'];
const administrators: Role[] = ['administrator'];

/** Who may call each route (RapidPro: agents work tickets, viewers look, editors all but people, administrators everything). */
export const EXPECTED: Record<string, Role[]> = {
  'GET /folders': everyone,
  'GET /tickets': everyone,
  'POST /tickets': ticketWorkers,
  'GET /tickets/{ticket}': everyone,
  'POST /tickets/{ticket}/assign': ticketWorkers,
  'POST /tickets/{ticket}/notes': ticketWorkers,
  'POST /tickets/{ticket}/topic': ticketWorkers,
  'POST /tickets/{ticket}/close': ticketWorkers,
  'POST /tickets/{ticket}/reopen': ticketWorkers,
  'POST /tickets/{ticket}/messages': ticketWorkers,
  'GET /tickets/{ticket}/conversation': everyone,
  'POST /attachments': ticketWorkers,
  'POST /api/v2/messages.json': ticketWorkers,
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
  // The groups a closed-ticket trigger and the contact panel offer: whoever reads tickets.
  'GET /groups': everyone,
  'POST /triggers': managers,
  'PUT /triggers/{trigger}': managers,
  'DELETE /triggers/{trigger}': managers,
  'GET /channels': administrators,
  'POST /channels': administrators,
  'GET /channels/{channel}': administrators,
  'PATCH /channels/{channel}': administrators,
  'DELETE /channels/{channel}': administrators,
  'GET /api/v2/channels.json': administrators,
};

/**
 * Routes of the flow engine service (HttpFlows, HttpTriggers), whose own tests
 * cover what they do: here a role that may call them must get past the
 * permission check (any answer but 403 and 5xx), one that may not gets the 403.
 */
export const GATE_ONLY = new Set([
  'GET /flows',
  'POST /flows',
  'POST /flows/{flow}/start',
  'POST /contacts/{contact}/messages',
  'GET /contacts/{contact}/messages',
  'GET /api/v2/messages.json',
  'GET /triggers',
  'GET /groups',
  'POST /triggers',
  'PUT /triggers/{trigger}',
  'DELETE /triggers/{trigger}',
  // Channels (test/integration/channels covers what they do): requests that need no channel secret.
  'GET /channels',
  'POST /channels',
  'GET /channels/{channel}',
  'PATCH /channels/{channel}',
  'DELETE /channels/{channel}',
  'GET /api/v2/channels.json',
]);

/** RapidPro's v2 ticket actions (POST /api/v2/ticket_actions.json). */
export const V2_TICKET_ACTIONS = ['assign', 'add_note', 'change_topic', 'close', 'reopen'] as const;

export type MatrixRequest = Omit<RequestOptions, 'identity'>;

export interface MatrixWorld {
  /** The use cases over the table the requests go to, to make what a request needs (tickets, topics, members). */
  useCases: ReturnType<typeof createUseCases>;
  /** The workspace under test: an administrator to make things as, and one member of every role. */
  workspace: { uuid: string; asFounder: Identity; members: Record<Role, { uuid: string; email: string }> };
  /** A fresh session of a member of `role` (POST /sign-out ends it). */
  sessionToken: (role: Role) => Promise<string>;
}

export type MatrixRequests = ReturnType<typeof matrixRequests>;

/** The request builders of the matrix over one workspace. */
export function matrixRequests({ useCases, workspace: ws, sessionToken }: MatrixWorld) {
  const newUuid = () => randomUUID();
  let counter = 0;
  const unique = (prefix: string) => `${prefix} ${++counter}`;

  async function openTicket(): Promise<string> {
    const opened = await useCases.openTicket({ actor: ws.asFounder, contact: { uuid: newUuid(), name: 'Ann' }, topic: null, assignee: null });
    return opened.ticket!.uuid;
  }

  /** An open ticket whose contact has a URN to reply to. */
  async function replyableTicket(): Promise<string> {
    const opened = await useCases.openTicket({ actor: ws.asFounder, contact: { uuid: newUuid(), name: 'Ann', urns: ['tel:+250788000001'] }, topic: null, assignee: null });
    return opened.ticket!.uuid;
  }

  async function closedTicket(): Promise<string> {
    const ticket = await openTicket();
    await useCases.closeTicket({ actor: ws.asFounder, ticket });
    return ticket;
  }

  async function newTopic(): Promise<string> {
    return (await useCases.createTopic({ actor: ws.asFounder, name: unique('Topic') })).uuid;
  }

  async function newAgent(): Promise<string> {
    return (await useCases.addMember({ workspace: ws.uuid, email: `${newUuid()}@matrix.example`, name: 'Temp', role: 'agent' })).uuid;
  }

  /** A valid request for each route, made for the caller's role (fresh tickets, topics, members where the route changes them). */
  const requests: Record<string, (role: Role) => Promise<MatrixRequest>> = {
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
    'POST /tickets/{ticket}/messages': async () => ({ route: 'POST /tickets/{ticket}/messages', params: { ticket: await replyableTicket() }, body: { text: 'Hello' } }),
    'GET /tickets/{ticket}/conversation': async () => ({ route: 'GET /tickets/{ticket}/conversation', params: { ticket: await openTicket() } }),
    'POST /attachments': async () => ({ route: 'POST /attachments', body: { content_type: 'image/png', filename: 'screen.png' } }),
    'POST /api/v2/messages.json': async () => {
      const contact = newUuid();
      await useCases.upsertContact({ actor: ws.asFounder, contact: { uuid: contact, name: 'Vi', urns: ['tel:+250788000002'] } });
      return { route: 'POST /api/v2/messages.json', body: { contact, text: 'Hello from the API' } };
    },
    'GET /topics': async () => ({ route: 'GET /topics' }),
    'POST /topics': async () => ({ route: 'POST /topics', body: { name: unique('Created') } }),
    'PATCH /topics/{topic}': async () => ({ route: 'PATCH /topics/{topic}', params: { topic: await newTopic() }, body: { name: unique('Renamed') } }),
    'GET /contacts/{contact}': async () => {
      const contact = newUuid();
      await useCases.upsertContact({ actor: ws.asFounder, contact: { uuid: contact, name: 'Cy' } });
      return { route: 'GET /contacts/{contact}', params: { contact } };
    },
    'PUT /contacts/{contact}': async () => ({ route: 'PUT /contacts/{contact}', params: { contact: newUuid() }, body: { name: 'Di', fields: { city: 'Kigali' } } }),
    'GET /api/v2/tickets.json': async () => ({ route: 'GET /api/v2/tickets.json' }),
    'POST /api/v2/ticket_actions.json': async () => ({ route: 'POST /api/v2/ticket_actions.json', body: { tickets: [await openTicket()], action: 'add_note', note: 'v2' } }),
    'GET /api/v2/topics.json': async () => ({ route: 'GET /api/v2/topics.json' }),
    'POST /api/v2/topics.json': async () => ({ route: 'POST /api/v2/topics.json', body: { name: unique('V2 topic') } }),
    'GET /api/v2/users.json': async () => ({ route: 'GET /api/v2/users.json', query: { role: 'agent' } }),
    'POST /sign-out': async (role) => ({ route: 'POST /sign-out', headers: { authorization: `Token ${await sessionToken(role)}` } }),
    'GET /me': async () => ({ route: 'GET /me' }),
    'GET /members': async () => ({ route: 'GET /members' }),
    'PATCH /members/{user}': async () => ({ route: 'PATCH /members/{user}', params: { user: await newAgent() }, body: { role: 'editor' } }),
    'DELETE /members/{user}': async () => ({ route: 'DELETE /members/{user}', params: { user: await newAgent() } }),
    'GET /invitations': async () => ({ route: 'GET /invitations' }),
    'POST /invitations': async () => ({ route: 'POST /invitations', body: { emails: [`${newUuid()}@matrix.example`], role: 'agent' } }),
    'DELETE /invitations/{invitation}': async () => {
      const [invitation] = await useCases.inviteMembers({ actor: ws.asFounder, emails: [`${newUuid()}@matrix.example`], role: 'viewer' });
      return { route: 'DELETE /invitations/{invitation}', params: { invitation: invitation!.uuid } };
    },
    'GET /tokens': async () => ({ route: 'GET /tokens' }),
    'POST /tokens': async () => ({ route: 'POST /tokens', body: { name: 'script' } }),
    'DELETE /tokens/{token}': async (role) => {
      const token = await useCases.issueApiToken({ workspace: ws.uuid, user: ws.members[role].uuid, name: 'to revoke' });
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
    'GET /groups': async () => ({ route: 'GET /groups' }),
    'POST /triggers': async () => ({ route: 'POST /triggers', body: {} }),
    'PUT /triggers/{trigger}': async () => ({ route: 'PUT /triggers/{trigger}', params: { trigger: newUuid() }, body: {} }),
    'DELETE /triggers/{trigger}': async () => ({ route: 'DELETE /triggers/{trigger}', params: { trigger: newUuid() } }),
    'GET /channels': async () => ({ route: 'GET /channels' }),
    // An incomplete body: past the permission check it is a 400 (creating one needs the channel secrets key).
    'POST /channels': async () => ({ route: 'POST /channels', body: { type: 'EX', name: 'Gateway' } }),
    'GET /channels/{channel}': async () => ({ route: 'GET /channels/{channel}', params: { channel: newUuid() } }),
    'PATCH /channels/{channel}': async () => ({ route: 'PATCH /channels/{channel}', params: { channel: newUuid() }, body: { name: 'Renamed' } }),
    'DELETE /channels/{channel}': async () => ({ route: 'DELETE /channels/{channel}', params: { channel: newUuid() } }),
    'GET /api/v2/channels.json': async () => ({ route: 'GET /api/v2/channels.json' }),
  };

  /** Each RapidPro v2 ticket action on a ticket in the state it changes. */
  const v2Actions: Record<(typeof V2_TICKET_ACTIONS)[number], (role: Role) => Promise<Record<string, unknown>>> = {
    assign: async (role) => ({ tickets: [await openTicket()], action: 'assign', assignee: ws.members[ticketWorkers.includes(role) ? role : 'agent'].email }),
    add_note: async () => ({ tickets: [await openTicket()], action: 'add_note', note: 'seen' }),
    change_topic: async () => ({ tickets: [await openTicket()], action: 'change_topic', topic: await newTopic() }),
    close: async () => ({ tickets: [await openTicket()], action: 'close' }),
    reopen: async () => ({ tickets: [await closedTicket()], action: 'reopen' }),
  };

  return { requests, v2Actions };
}
