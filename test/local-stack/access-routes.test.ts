// The people-and-access routes on the local stack, as synthesized: the two
// public routes reach their function without the authorizer, every other one
// stays behind it, and the seeded token is the demo workspace's administrator.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startLocalStack, type LocalStack } from '../../infra/local/stack';

const cloudAssemblyDir = mkdtempSync(path.join(os.tmpdir(), 'ticketer-cdk-out-'));
let stack: LocalStack;

beforeAll(async () => {
  stack = await startLocalStack({
    cloudAssemblyDir,
    synth: true,
    ports: 0,
    dynamodbEndpoint: inject('dynamodbEndpoint'),
    sqsEndpoint: inject('sqsEndpoint'),
  });
});

afterAll(async () => {
  await stack?.stop();
  rmSync(cloudAssemblyDir, { recursive: true, force: true });
});

const post = (route: string, body: unknown, authorization?: string) =>
  fetch(`${stack.apiUrl}${route}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
    body: JSON.stringify(body),
  });

describe('access routes on the local stack', () => {
  it('lets sign-in and invitation acceptance through without a token: the function itself answers', async () => {
    const signIn = await post('/sign-in', { email: 'nobody@example.com', password: 'wrong password' });
    expect(signIn.status).toBe(401);
    expect(await signIn.json()).toEqual({ error: { code: 'invalid_credentials', message: 'Wrong email or password.' } });
    const accept = await post('/invitations/accept', { secret: 'f'.repeat(64), name: 'Nobody', password: 'a long password' });
    expect(accept.status).toBe(404);
    expect(await accept.json()).toMatchObject({ error: { code: 'invitation_not_found' } });
  });

  it('keeps every other access route behind the authorizer', async () => {
    const members = await fetch(`${stack.apiUrl}/members`);
    expect(members.status).toBe(401);
    expect(await members.json()).toEqual({ message: 'Unauthorized' });
    expect((await post('/sign-out', {})).status).toBe(401);
    const me = await fetch(`${stack.apiUrl}/me`, { headers: { authorization: `Token ${stack.token}` } });
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ role: 'administrator', workspace: { uuid: stack.workspace!.uuid }, user: { uuid: stack.administrator!.uuid } });
  });
});
