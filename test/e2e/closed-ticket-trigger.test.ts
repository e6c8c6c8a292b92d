// Closed-ticket triggers through the local stack and its real pipeline: an
// agent closes a ticket over HTTP; the table stream → pipe → fan-out topic →
// closed-tickets FIFO queue → ClosedTicketConsumer → FlowEngine (Lambda
// Invoke) starts the workspace's follow-up flow, whose first message is then
// recorded for the contact. Triggers come from a RapidPro export
// (import_flows) or the HTTP API.
import { randomUUID } from 'node:crypto';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { GetQueueAttributesCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ticketKeys } from '#adapters/dynamodb/entities/ticket';
import type { LocalStack } from '../../infra/local/stack';
import { exportOf, joinGroupFlow, OPTED_OUT, surveyFlow, VIP } from '../integration/triggers/fixtures';
import { apiClient, directory, eventually, startTestStack, ticketCommand } from './support';
import { pipeStreamRecord } from '../support/stream-record';

let stack: LocalStack;
let lambda: LambdaClient;
let sqs: SQSClient;

const SURVEY = surveyFlow('d4000000-0000-4000-8000-000000000001');
const VIP_SURVEY = surveyFlow('d4000000-0000-4000-8000-000000000002', 'VIP Survey', 'Dear VIP, thank you for contacting us');
const JOIN_VIP = joinGroupFlow('d4000000-0000-4000-8000-000000000003', VIP);
const JOIN_OPTED_OUT = joinGroupFlow('d4000000-0000-4000-8000-000000000004', OPTED_OUT);

beforeAll(async () => {
  stack = await startTestStack();
  const local = { endpoint: stack.lambdaEndpoint, region: stack.region, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };
  lambda = new LambdaClient(local);
  sqs = new SQSClient({ ...local, endpoint: stack.sqsEndpoint, useQueueUrlAsEndpoint: false });
});

afterAll(async () => {
  await stack?.stop();
});

async function invokeFlowEngine(payload: unknown): Promise<any> {
  const response = await lambda.send(
    new InvokeCommand({ FunctionName: stack.functions.FlowEngine!, InvocationType: 'RequestResponse', Payload: JSON.stringify(payload) }),
  );
  expect(response.FunctionError).toBeUndefined();
  return JSON.parse(Buffer.from(response.Payload!).toString());
}

/** A workspace, its administrator's HTTP client, and a flow runtime opening tickets in it. */
async function workspaceWorld(seeded: boolean) {
  const { workspace, administrator } = seeded
    ? { workspace: stack.workspace!, administrator: { ...stack.administrator!, token: stack.token! } }
    : await directory(stack).workspace(`Triggers ${randomUUID().slice(0, 6)}`);
  const api = apiClient(stack, administrator.token);
  const openTicket = async (contact: { uuid: string; name: string }, topic = 'Billing') => {
    const opened = await ticketCommand(stack)({
      command: 'open_ticket',
      workspace: workspace.uuid,
      idempotency_key: randomUUID(),
      contact: { ...contact, urns: [`tel:+25078${Math.floor(1_000_000 + Math.random() * 8_999_999)}`] },
      topic: { name: topic },
      assignee: null,
      note: 'needs a human',
    });
    expect(opened.body.ticket).toMatchObject({ status: 'open' });
    return opened.body.ticket.uuid as string;
  };
  /** The texts sent to the contact, oldest first. */
  const outgoing = async (contact: string): Promise<string[]> => {
    const page = await api('GET', `/contacts/${contact}/messages`);
    if (page.status === 404) return [];
    expect(page.status).toBe(200);
    return (page.body.results as { direction: string; text: string }[]).filter((message) => message.direction === 'out').map((message) => message.text).reverse();
  };
  return { workspace: workspace.uuid, administrator, api, openTicket, outgoing };
}

const contactNamed = (name: string) => ({ uuid: randomUUID(), name });
const question = (topic: string, assignee?: string, greeting = 'Thanks for contacting us') =>
  `${greeting} about ${topic}${assignee ? ` with ${assignee}` : ''}. How would you rate it, 1 to 5?`;

/** The closed-tickets queue has nothing waiting and nothing in flight: every close sent to it so far is handled. */
async function closesSettled(): Promise<void> {
  const queueUrl = stack.queues.ClosedTicketsQueue!.url;
  const settled = await eventually(
    async () =>
      (await sqs.send(
        new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
      )).Attributes ?? {},
    (attributes) => attributes.ApproximateNumberOfMessages === '0' && attributes.ApproximateNumberOfMessagesNotVisible === '0',
  );
  expect(settled.ApproximateNumberOfMessagesNotVisible).toBe('0');
}

/** The seeded workspace, whose imported trigger starts the survey on every close. */
let seeded: Awaited<ReturnType<typeof workspaceWorld>>;

/**
 * Makes sure every close before it has been handled: the pipe reads the
 * stream's one shard in order, so once a later close's survey is out, the
 * earlier closes are in the queue; once the queue is empty, they are handled.
 */
async function earlierClosesHandled(): Promise<void> {
  const sentinel = contactNamed('Sentinel');
  const ticket = await seeded.openTicket(sentinel);
  expect((await seeded.api('POST', `/tickets/${ticket}/close`)).status).toBe(200);
  expect(await eventually(() => seeded.outgoing(sentinel.uuid), (texts) => texts.length > 0)).toHaveLength(1);
  await closesSettled();
}

describe('a closed-ticket trigger imported with a RapidPro export', () => {
  let world: Awaited<ReturnType<typeof workspaceWorld>>;
  const ann = contactNamed('Ann');
  let ticket: string;

  beforeAll(async () => {
    world = await workspaceWorld(true);
    seeded = world;
    const imported = await invokeFlowEngine({ command: 'import_flows', workspace: world.workspace, definitions: exportOf([SURVEY], [{ flow: SURVEY }]) });
    expect(imported.flows).toEqual([{ uuid: SURVEY.uuid, name: 'Satisfaction Survey' }]);
    expect(imported.triggers).toEqual([expect.objectContaining({ flow: { uuid: SURVEY.uuid, name: 'Satisfaction Survey' }, groups: [], exclude_groups: [] })]);
    const listed = await world.api('GET', '/triggers');
    expect(listed.body.results.map((trigger: { uuid: string }) => trigger.uuid)).toEqual([imported.triggers[0].uuid]);
  });

  it('starts the survey when an agent closes the ticket; the run reads @trigger.ticket (topic and assignee) and waits for the rating', async () => {
    ticket = await world.openTicket(ann);
    expect((await world.api('POST', `/tickets/${ticket}/assign`, { assignee: world.administrator.uuid })).status).toBe(200);
    expect((await world.api('POST', `/tickets/${ticket}/close`)).status).toBe(200);

    const sent = await eventually(() => world.outgoing(ann.uuid), (texts) => texts.length > 0);
    expect(sent).toEqual([question('Billing', world.administrator.name)]);
    const messages = await world.api('GET', `/contacts/${ann.uuid}/messages`);
    expect(messages.body.results[0].flow).toEqual({ uuid: SURVEY.uuid, name: 'Satisfaction Survey' });

    const answered = await world.api('POST', `/contacts/${ann.uuid}/messages`, { text: '5' });
    expect(answered.status).toBe(200);
    expect(answered.body.session.status).toBe('completed');
    expect(await world.outgoing(ann.uuid)).toEqual([question('Billing', world.administrator.name), 'Thank you for rating us 5.']);
  });

  it('starts it again after reopen and close, and once only when the close is delivered again', async () => {
    expect((await world.api('POST', `/tickets/${ticket}/reopen`)).status).toBe(200);
    expect((await world.api('POST', `/tickets/${ticket}/close`)).status).toBe(200);
    const texts = await eventually(() => world.outgoing(ann.uuid), (sent) => sent.length === 3);
    expect(texts[2]).toBe(question('Billing', world.administrator.name));

    // The same close again, as a pipe retry after SQS's deduplication window would send it: a new message.
    const dynamodb = new DynamoDBClient({ endpoint: stack.dynamodbEndpoint, region: stack.region, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    const { Item: closedImage } = await dynamodb.send(new GetItemCommand({ TableName: stack.tableName, Key: { pk: { S: ticketKeys.ticket(world.workspace, ticket).pk }, sk: { S: 'TICKET' } }, ConsistentRead: true }));
    const record = pipeStreamRecord({ eventName: 'MODIFY', Keys: { pk: closedImage!.pk!, sk: closedImage!.sk! }, OldImage: { ...closedImage, status: { S: 'open' } }, NewImage: closedImage });
    await sqs.send(
      new SendMessageCommand({ QueueUrl: stack.queues.ClosedTicketsQueue!.url, MessageBody: JSON.stringify(record), MessageGroupId: closedImage!.pk!.S!, MessageDeduplicationId: randomUUID() }),
    );
    await closesSettled();
    expect(await world.outgoing(ann.uuid)).toHaveLength(3);
  });
});

describe('closed-ticket triggers set through the HTTP API, matched by groups', () => {
  let world: Awaited<ReturnType<typeof workspaceWorld>>;

  beforeAll(async () => {
    world = await workspaceWorld(false);
    const editor = await directory(stack).member(world.workspace, 'editor');
    const asEditor = apiClient(stack, editor.token);
    const imported = await asEditor('POST', '/flows', exportOf([SURVEY, VIP_SURVEY, JOIN_VIP, JOIN_OPTED_OUT]));
    expect(imported.status).toBe(201);
    expect(imported.body.triggers).toEqual([]);

    // Everyone but the opted-out gets the survey; VIPs get theirs (more specific: include groups).
    const general = await asEditor('POST', '/triggers', { flow: { uuid: SURVEY.uuid }, exclude_groups: [OPTED_OUT] });
    expect(general.status).toBe(201);
    const vip = await asEditor('POST', '/triggers', { flow: { uuid: VIP_SURVEY.uuid }, groups: [VIP] });
    expect(vip.body).toMatchObject({ flow: { uuid: VIP_SURVEY.uuid, name: 'VIP Survey' }, groups: [VIP], exclude_groups: [] });
    const twin = await asEditor('POST', '/triggers', { flow: { uuid: SURVEY.uuid }, groups: [VIP] });
    expect(twin.status).toBe(409);
    expect(twin.body.error.code).toBe('trigger_exists');
    const unknownFlow = await asEditor('POST', '/triggers', { flow: { uuid: randomUUID() } });
    expect(unknownFlow.status).toBe(400);
    expect(unknownFlow.body.error.field).toBe('flow.uuid');
    const agent = await directory(stack).member(world.workspace, 'agent');
    expect((await apiClient(stack, agent.token)('GET', '/triggers')).status).toBe(403);
  });

  it('starts the most specific matching flow, and nothing for an excluded contact', async () => {
    const [vip, plain, optedOut] = [contactNamed('Vera'), contactNamed('Paul'), contactNamed('Olga')];
    for (const [contact, flow] of [[vip, JOIN_VIP], [optedOut, JOIN_OPTED_OUT]] as const) {
      const joined = await invokeFlowEngine({ command: 'start_flow', workspace: world.workspace, flow: { uuid: flow.uuid }, contact });
      expect(joined.session.status).toBe('completed');
    }
    const tickets = [await world.openTicket(optedOut, 'Delivery'), await world.openTicket(vip, 'Delivery'), await world.openTicket(plain, 'Delivery')];
    for (const ticket of tickets) expect((await world.api('POST', `/tickets/${ticket}/close`)).status).toBe(200);

    expect(await eventually(() => world.outgoing(vip.uuid), (texts) => texts.length > 0)).toEqual([
      question('Delivery', undefined, 'Dear VIP, thank you for contacting us'),
    ]);
    expect(await eventually(() => world.outgoing(plain.uuid), (texts) => texts.length > 0)).toEqual([question('Delivery')]);
    await closesSettled();
    expect(await world.outgoing(optedOut.uuid)).toEqual([]);
  });

  it('changes a trigger\'s flow and groups', async () => {
    const triggers = (await world.api('GET', '/triggers')).body.results as { uuid: string; flow: { uuid: string } }[];
    const general = triggers.find((trigger) => trigger.flow.uuid === SURVEY.uuid)!;
    const changed = await world.api('PUT', `/triggers/${general.uuid}`, { flow: { uuid: VIP_SURVEY.uuid }, exclude_groups: [OPTED_OUT, VIP] });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ uuid: general.uuid, flow: { uuid: VIP_SURVEY.uuid, name: 'VIP Survey' }, groups: [], exclude_groups: [OPTED_OUT, VIP] });
    expect((await world.api('PUT', `/triggers/${randomUUID()}`, { flow: { uuid: SURVEY.uuid } })).status).toBe(404);
    const bad = await world.api('PUT', `/triggers/${general.uuid}`, { flow: { uuid: SURVEY.uuid }, groups: [VIP], exclude_groups: [VIP] });
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe('exclude_groups');
  });

  it('starts nothing once the triggers are deleted', async () => {
    const triggers = await world.api('GET', '/triggers');
    for (const trigger of triggers.body.results as { uuid: string }[]) {
      expect((await world.api('DELETE', `/triggers/${trigger.uuid}`)).status).toBe(204);
    }
    expect((await world.api('DELETE', `/triggers/${randomUUID()}`)).status).toBe(404);
    const paul = contactNamed('Paul Again');
    const ticket = await world.openTicket(paul);
    expect((await world.api('POST', `/tickets/${ticket}/close`)).status).toBe(200);
    await earlierClosesHandled();
    expect(await world.outgoing(paul.uuid)).toEqual([]);
  });
});
