// Flow timers through the local stack (docs/flow-engine-service.md, "Timers"):
// a msg wait's timeout and a session's expiration set as one-time schedules on
// the local EventBridge Scheduler endpoint by the FlowEngine function, firing
// the FlowTimers function on time, once; a reply first makes the timer moot;
// a pending timer survives a restart of the stack.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../infra/local/stack';
import { createFlowRepository } from '#adapters/dynamodb/flow-repository';
import { createTableClient } from '#adapters/dynamodb/table-client';
import type { SessionJSON } from '#flows/session';
import { apiClient, eventually, startTestStack } from './support';
import { ASK_NAME_REMINDER, askNameFlow } from '../flows/fixtures/flows';

const REMINDER = ASK_NAME_REMINDER;


function newContact(name: string) {
  return { uuid: randomUUID(), name, urns: [`tel:+25078${Math.floor(1_000_000 + Math.random() * 8_999_999)}`], language: 'eng' };
}

/** Lambda Invoke of the stack's FlowEngine function. */
function flowEngine(stack: LocalStack) {
  const lambda = new LambdaClient({ endpoint: stack.lambdaEndpoint, region: stack.region, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  return async (payload: unknown): Promise<any> => {
    const response = await lambda.send(new InvokeCommand({ FunctionName: stack.functions.FlowEngine!, InvocationType: 'RequestResponse', Payload: JSON.stringify(payload) }));
    expect(response.FunctionError).toBeUndefined();
    return JSON.parse(Buffer.from(response.Payload!).toString());
  };
}

/** The contact's messages through the RapidPro-compatible API, oldest first, with when each was made. */
function messagesOf(stack: LocalStack) {
  const api = apiClient(stack);
  return async (contact: string): Promise<{ direction: string; text: string; created_on: string }[]> => {
    const listed = await api('GET', `/api/v2/messages.json?contact=${contact}`);
    expect(listed.status).toBe(200);
    return [...listed.body.results].reverse();
  };
}

function storedSessions(stack: LocalStack) {
  const repository = createFlowRepository(createTableClient({ client: new DynamoDBClient({ endpoint: stack.dynamodbEndpoint }), tableName: stack.tableName }));
  return (workspace: string, contact: string) => repository.getSession(workspace, contact);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const reminders = <T extends { text: string }>(messages: T[]) => messages.filter((message) => message.text === REMINDER);

describe('flow timers on one stack', () => {
  let stack: LocalStack;
  let invoke: ReturnType<typeof flowEngine>;
  let messages: ReturnType<typeof messagesOf>;
  let workspace: string;

  beforeAll(async () => {
    stack = await startTestStack();
    invoke = flowEngine(stack);
    messages = messagesOf(stack);
    workspace = stack.workspace!.uuid;
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('a wait with a 3 s timeout takes its timeout category on time, once', async () => {
    const flow = askNameFlow({ timeoutSeconds: 3 });
    expect((await invoke({ command: 'import_flows', workspace, definitions: flow })).flows).toHaveLength(1);
    const contact = newContact('Tim');
    const started = await invoke({ command: 'start_flow', workspace, flow: { uuid: flow.uuid }, contact });
    expect(started.session.status).toBe('waiting');
    const timeoutOn = Date.parse((started.events as { type: string; timeout_seconds?: number; created_on: string }[]).find((event) => event.type === 'msg_wait')!.created_on) + 3000;

    const seen = await eventually(() => messages(contact.uuid), (listed) => reminders(listed).length > 0, 15_000);
    const [reminder] = reminders(seen);
    expect(reminder).toBeDefined();
    // On time: not before the timeout, and within a few seconds of it (whole seconds, rounded up, plus the sprint).
    const lateBy = Date.parse(reminder!.created_on) - timeoutOn;
    console.log(`timeout fired ${lateBy} ms after its instant`);
    expect(lateBy).toBeGreaterThanOrEqual(0);
    expect(lateBy).toBeLessThan(3000);
    // Once: nothing more comes, and the session has left the wait.
    await sleep(2500);
    expect(reminders(await messages(contact.uuid))).toHaveLength(1);
    const session = await storedSessions(stack)(workspace, contact.uuid);
    expect(session).toMatchObject({ uuid: started.session.uuid, status: 'completed', timeout_on: null, expires_on: null });
    // A message now finds no session waiting.
    expect((await invoke({ command: 'receive_msg', workspace, contact: { uuid: contact.uuid }, text: 'late' })).session).toBeNull();
  });

  it('a reply before the timeout makes the timer moot: no reminder', async () => {
    const flow = askNameFlow({ timeoutSeconds: 2 });
    await invoke({ command: 'import_flows', workspace, definitions: flow });
    const contact = newContact('Rita');
    await invoke({ command: 'start_flow', workspace, flow: { uuid: flow.uuid }, contact });
    const answered = await invoke({ command: 'receive_msg', workspace, contact: { uuid: contact.uuid }, text: 'Rita' });
    expect(answered.session.status).toBe('completed');
    await sleep(4500);
    const listed = await messages(contact.uuid);
    expect(listed.map((message) => message.text)).toEqual(['What is your name?', 'Rita', 'Thanks Rita']);
  });

  it('a session expires on time without any message: its run ends expired', async () => {
    // 0.05 minutes = 3 s (imports of spec 14 are not clamped to RapidPro's 5-minute minimum).
    const flow = askNameFlow({ expireAfterMinutes: 0.05 });
    await invoke({ command: 'import_flows', workspace, definitions: flow });
    const contact = newContact('Eve');
    const started = await invoke({ command: 'start_flow', workspace, flow: { uuid: flow.uuid }, contact });
    expect(started.session.status).toBe('waiting');
    const read = storedSessions(stack);
    const ended = await eventually(() => read(workspace, contact.uuid), (session) => session?.status !== 'waiting', 15_000);
    expect(ended?.status).toBe('completed');
    expect((ended!.session as SessionJSON).runs.map((run) => run.status)).toEqual(['expired']);
    expect(ended?.expires_on).toBeNull();
  });
});

describe('a pending timer across a restart of the stack', () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'ticketer-timers-'));
  // The same tables and queues on both starts (the emulators are shared with other tests).
  const resourceSuffix = `-${randomUUID().slice(0, 8)}`;
  let stack: LocalStack | undefined;

  afterAll(async () => {
    await stack?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('fires after the stack comes back, once', async () => {
    const first = await startTestStack({ dataDir, resourceSuffix });
    stack = first;
    const workspace = first.workspace!.uuid;
    const flow = askNameFlow({ timeoutSeconds: 4 });
    const invoke = flowEngine(first);
    await invoke({ command: 'import_flows', workspace, definitions: flow });
    const contact = newContact('Rex');
    const started = await invoke({ command: 'start_flow', workspace, flow: { uuid: flow.uuid }, contact });
    const due = Date.parse((started.events as { type: string; created_on: string }[]).find((event) => event.type === 'msg_wait')!.created_on) + 4000;
    // The timer is kept in the data folder while the stack is down.
    const pending = JSON.parse(readFileSync(path.join(dataDir, 'scheduler.json'), 'utf8')) as { Name: string }[];
    expect(pending.map((schedule) => schedule.Name.split('-')[0]).sort()).toEqual(['expire', 'timeout']);
    await first.stop();
    stack = undefined;

    // Down past the timer's instant, then up again on the same data: it fires once the functions run.
    await sleep(Math.max(0, due + 500 - Date.now()));
    expect(Date.now()).toBeGreaterThan(due);
    const second = await startTestStack({ dataDir, resourceSuffix });
    stack = second;
    expect(second.workspace!.uuid).toBe(workspace);
    const read = messagesOf(second);
    await eventually(() => read(contact.uuid), (listed) => reminders(listed).length > 0, 20_000);
    await sleep(1500);
    expect(reminders(await read(contact.uuid))).toHaveLength(1);
  });
});
