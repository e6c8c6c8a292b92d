// Issue 3's story through the running stack: an administrator invites an agent
// by email, the invitation arrives in the local outbox (the SES call the
// function makes), the agent accepts it, signs in and works tickets under
// their own name, and is refused what agents may not do.
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../infra/local/stack';
import { apiClient, startTestStack, ticketCommand } from './support';

let stack: LocalStack;
let admin: ReturnType<typeof apiClient>;

beforeAll(async () => {
  stack = await startTestStack();
  admin = apiClient(stack);
});

afterAll(async () => {
  await stack?.stop();
});

/** The invitation secret from the message sent to `email`, as the person would click it. */
function secretMailedTo(email: string): string {
  const messages = readdirSync(stack.outboxDir).map((file) => readFileSync(path.join(stack.outboxDir, file), 'utf8'));
  const message = messages.find((text) => text.includes(email));
  expect(message, `a message to ${email} in the outbox`).toBeDefined();
  const secret = /secret=([A-Za-z0-9_-]{32,})/.exec(message!)?.[1];
  expect(secret).toBeDefined();
  return secret!;
}

describe('agents', () => {
  it('are invited by email, sign in, work tickets under their own name, and may not manage the workspace', async () => {
    const email = `ana-${randomUUID().slice(0, 8)}@example.com`;
    const invited = await admin('POST', '/invitations', { emails: [email], role: 'agent' });
    expect(invited.status).toBe(201);
    expect(JSON.stringify(invited.body)).not.toMatch(/secret/i);

    const accepted = await apiClient(stack, null)('POST', '/invitations/accept', {
      secret: secretMailedTo(email),
      name: 'Ana Agent',
      password: 'a long enough password',
    });
    expect(accepted.status).toBe(201);
    expect(accepted.body).toMatchObject({ role: 'agent' });

    const signedIn = await apiClient(stack, null)('POST', '/sign-in', { email, password: 'a long enough password' });
    expect(signedIn.status).toBe(200);
    const agent = apiClient(stack, signedIn.body.token);
    const me = await agent('GET', '/me');
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ role: 'agent', user: { email, name: 'Ana Agent' }, workspace: { uuid: stack.workspace!.uuid } });

    // A flow opens a ticket; the agent finds it in Unassigned, takes it, and it is Mine.
    const opened = await ticketCommand(stack)({
      command: 'open_ticket',
      workspace: stack.workspace!.uuid,
      idempotency_key: randomUUID(),
      contact: { uuid: randomUUID(), name: 'Ivy' },
      topic: null,
      assignee: null,
    });
    const ticket = opened.body.ticket.uuid as string;
    const unassigned = await agent('GET', '/tickets?folder=unassigned&status=open&limit=250');
    expect(unassigned.body.results.map((t: { uuid: string }) => t.uuid)).toContain(ticket);
    const agentUuid = me.body.user.uuid as string;
    expect((await agent('POST', `/tickets/${ticket}/assign`, { assignee: agentUuid })).status).toBe(200);
    expect((await agent('POST', `/tickets/${ticket}/notes`, { note: 'on it' })).status).toBe(200);
    const mine = await agent('GET', '/tickets?folder=mine&status=open');
    expect(mine.body.results.map((t: { uuid: string }) => t.uuid)).toEqual([ticket]);
    expect((await agent('POST', `/tickets/${ticket}/close`)).status).toBe(200);

    const history = (await admin('GET', `/tickets/${ticket}`)).body.history as { type: string; created_by: { name: string } | null }[];
    expect(history.filter((event) => event.type !== 'ticket_opened').every((event) => event.created_by?.name === 'Ana Agent')).toBe(true);

    // What agents may not do.
    const topic = await agent('POST', '/topics', { name: 'Agents may not' });
    expect(topic.status).toBe(403);
    expect(topic.body.error.message).toMatch(/agent/);
    expect((await agent('POST', '/invitations', { emails: ['x@example.com'], role: 'agent' })).status).toBe(403);
    expect((await agent('GET', '/members')).status).toBe(200);
    expect((await agent('PATCH', '/workspace', { name: 'Mine now' })).status).toBe(403);

    expect((await agent('POST', '/sign-out')).status).toBeLessThan(300);
  });

  it('lists the workspace users in the RapidPro v2 shape, filtered by role', async () => {
    const users = await admin('GET', '/api/v2/users.json?role=administrator');
    expect(users.status).toBe(200);
    expect(users.body.results).toEqual(
      expect.arrayContaining([expect.objectContaining({ email: stack.administrator!.email, role: 'administrator' })]),
    );
    expect(users.body.results.every((user: { role: string }) => user.role === 'administrator')).toBe(true);
  });
});
