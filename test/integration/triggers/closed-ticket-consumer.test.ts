// The closed-ticket consumer on DynamoDB Local and a fauxqs FIFO queue with a
// FIFO DLQ (redrive after 5 receives, 1 s visibility): stream records as the
// pipe delivers them, Lambda's event source mapping played by drainQueue, and
// the flow engine's real invoke contract (functions/flow-engine.ts over the
// real flow use cases) behind a switch that makes it fail like a crashed
// function. What must hold: one follow-up start per close, whatever is
// delivered twice; a failing start ends in the DLQ and starts once when
// redriven; other tickets are not held back.
import { randomUUID } from 'node:crypto';
import { ChangeMessageVisibilityCommand, GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createFlowRepository } from '#adapters/dynamodb/flow-repository';
import { createDynamoDbRepositories } from '#adapters/dynamodb/index';
import { createTableClient } from '#adapters/dynamodb/table-client';
import { createTriggerRepository } from '#adapters/dynamodb/trigger-repository';
import type { Ticket } from '#domain/ticket';
import { createTriggerUseCases, type FlowStartAnswer, type FlowStartRequest } from '#use-cases/closed-ticket-triggers';
import { createFlowUseCases, type FlowUseCases } from '#use-cases/flows';
import { createUseCases } from '#use-cases/index';
import { ticketCloseOf } from '#adapters/dynamodb/stream-record';
import { createClosedTicketHandler } from '../../../functions/closed-ticket-consumer';
import { createFlowEngineHandler } from '../../../functions/handlers/flow-engine';
import { CLOSED_TICKETS_MAX_RECEIVE_COUNT } from '../../../infra/stacks/stateful-stack';
import {
  createQueues,
  createTable,
  drainQueue,
  dynamodb,
  receive,
  redrive,
  sendRecords,
  sqs,
  ticket,
  ticketStreamRecord,
  type TicketEventsQueues,
} from '../counts/harness';
import { exportOf, noteClosedTicketFlow, surveyFlow } from './fixtures';

const SURVEY = surveyFlow('c3000000-0000-4000-8000-000000000001');
const NOTE_CLOSED = noteClosedTicketFlow('c3000000-0000-4000-8000-000000000002');

let tableName: string;
let queues: TicketEventsQueues;
let flows: FlowUseCases;
let handler: ReturnType<typeof createClosedTicketHandler>;
const engineCalls: FlowStartRequest[] = [];
/** Contacts whose starts fail as a crashed FlowEngine function would (a FunctionError). */
const engineDownFor = new Set<string>();
let workspaces: ReturnType<typeof createUseCases>;

beforeAll(async () => {
  tableName = await createTable();
  queues = await createQueues(CLOSED_TICKETS_MAX_RECEIVE_COUNT);
  const repos = createDynamoDbRepositories({ client: dynamodb, tableName });
  const flowRepository = createFlowRepository(createTableClient({ client: dynamodb, tableName }));
  const triggerStore = createTriggerRepository({ client: dynamodb, tableName });
  const base = { triggers: triggerStore, flows: flowRepository, workspaces: repos.workspaces };
  flows = createFlowUseCases({
    repos,
    flows: flowRepository,
    ticketCommand: { openTicket: () => Promise.reject(new Error('these flows open no tickets')) },
    triggers: createTriggerUseCases(base),
  });
  const flowEngineFunction = createFlowEngineHandler(async () => flows);
  const triggers = createTriggerUseCases({
    ...base,
    engine: {
      async startFlow(request) {
        engineCalls.push(request);
        if (engineDownFor.has(request.contact.uuid)) throw new Error('the flow engine failed (Runtime.ExitError: out of memory)');
        return (await flowEngineFunction(request)) as FlowStartAnswer;
      },
    },
  });
  handler = createClosedTicketHandler(triggers);
  workspaces = createUseCases(repos);
});

/** A workspace with the survey (and the background flow) imported, and the export's trigger for `triggerFlow`. */
async function workspaceWithTrigger(triggerFlow: Record<string, unknown> | null) {
  const workspace = await workspaces.createWorkspace({ name: `Triggers ${randomUUID().slice(0, 6)}` });
  const actor = { workspace: workspace.uuid, user: null };
  const imported = await flows.importFlows({ actor, definitions: exportOf([SURVEY, NOTE_CLOSED], triggerFlow ? [{ flow: triggerFlow }] : []) });
  const directory = await createDynamoDbRepositories({ client: dynamodb, tableName }).workspaces.loadDirectory(workspace.uuid);
  const general = directory!.topics.find((topic) => topic.system)!;
  return { actor, imported, general: general.uuid };
}

/** An open ticket and its close, as the two images of one stream record. */
function closeOf(world: { actor: { workspace: string }; general: string }, contact: string, version = 3): { open: Ticket; closed: Ticket } {
  const open = ticket({ workspace: world.actor.workspace, contact, topic: world.general, status: 'open', version });
  return { open, closed: { ...open, status: 'closed', closed_on: '2026-11-24T10:05:00.000000Z', version: version + 1 } };
}

/** The texts sent to the contact, oldest first (none when no flow ever ran for it: then it is not even stored). */
async function outgoing(workspace: string, contact: string): Promise<string[]> {
  const page = await flows.listMessages({ actor: { workspace, user: null }, contact }).catch((error: unknown) => {
    if ((error as { code?: string }).code === 'contact_not_found') return { results: [] };
    throw error;
  });
  return page.results.filter((message) => message.direction === 'out').map((message) => message.text).reverse();
}

const QUESTION = 'Thanks for contacting us about General. How would you rate it, 1 to 5?';

describe('the closed-ticket consumer', () => {
  it('imports the closed-ticket triggers of an export (and skips other trigger types), once however often it is imported', async () => {
    const world = await workspaceWithTrigger(SURVEY);
    const { actor, imported } = world;
    expect(imported.triggers).toEqual([
      expect.objectContaining({ flow: { uuid: SURVEY.uuid, name: 'Satisfaction Survey' }, groups: [], exclude_groups: [] }),
    ]);
    const again = await flows.importFlows({ actor, definitions: exportOf([SURVEY, NOTE_CLOSED], [{ flow: SURVEY }]) });
    expect(again.triggers.map((trigger) => trigger.uuid)).toEqual(imported.triggers.map((trigger) => trigger.uuid));
  });

  it('refuses an export whose closed-ticket trigger names no flow, before storing anything', async () => {
    const workspace = await workspaces.createWorkspace({ name: 'Broken export' });
    const broken = exportOf([SURVEY], []);
    (broken.triggers as unknown[]).push({ trigger_type: 'T', flow: null, groups: [] });
    await expect(flows.importFlows({ actor: { workspace: workspace.uuid, user: null }, definitions: broken })).rejects.toMatchObject({
      code: 'invalid_definition',
      field: 'definitions.triggers.1.flow',
    });
    expect(await flows.listFlows({ actor: { workspace: workspace.uuid, user: null } })).toEqual([]);
  });

  it('starts the flow once per close: a pipe redelivery (new message) and a consumer that dies before acknowledging start nothing more', async () => {
    const world = await workspaceWithTrigger(SURVEY);
    const { actor } = world;
    const contact = randomUUID();
    const { open, closed } = closeOf(world, contact);
    const record = ticketStreamRecord(open, closed);
    expect(ticketCloseOf(JSON.stringify(record))).toMatchObject({ ticket: open.uuid, contact, version: 4 });

    // The pipe's send, and the same record again after SQS's deduplication window (a new message).
    await sendRecords(queues.queueUrl, [record]);
    await sendRecords(queues.queueUrl, [record], () => randomUUID());
    const callsBefore = engineCalls.length;
    await drainQueue(queues.queueUrl, handler);
    expect(engineCalls.length - callsBefore).toBe(2);
    expect(engineCalls.slice(-2).map((call) => call.idempotency_key)).toEqual([`closed_ticket:${open.uuid}:4`, `closed_ticket:${open.uuid}:4`]);
    expect(await outgoing(actor.workspace, contact)).toEqual([QUESTION]);

    // The consumer started the flow but died before the message was deleted: it comes back after the visibility timeout.
    await sendRecords(queues.queueUrl, [record], () => randomUUID());
    const [message] = await receive(queues.queueUrl, 1);
    expect(message).toBeDefined();
    await handler({ Records: [{ messageId: message!.MessageId!, body: message!.Body!, attributes: { MessageGroupId: open.uuid } } as never] });
    await drainQueue(queues.queueUrl, handler);
    expect(engineCalls.length - callsBefore).toBe(4);
    expect(await outgoing(actor.workspace, contact)).toEqual([QUESTION]);

    // The survey waits for the rating: the run is the one the close started.
    const answered = await flows.receiveMsg({ actor, contact, text: '5' });
    expect(answered.session?.status).toBe('completed');
    expect(await outgoing(actor.workspace, contact)).toEqual([QUESTION, 'Thank you for rating us 5.']);
  });

  it('answers concurrent starts under one idempotency key with one session (the engine records the start in the sprint\'s transaction)', async () => {
    const world = await workspaceWithTrigger(SURVEY);
    const { actor } = world;
    const contact = randomUUID();
    const flowEngineFunction = createFlowEngineHandler(async () => flows);
    const ticketRef = { uuid: randomUUID(), status: 'closed', topic: null, assignee: null };
    const request = {
      command: 'start_flow',
      workspace: actor.workspace,
      flow: { uuid: SURVEY.uuid },
      contact: { uuid: contact },
      trigger: { type: 'ticket', event: { type: 'ticket_closed', created_on: '2026-11-24T10:05:00.000000Z', ticket: ticketRef }, ticket: ticketRef },
      idempotency_key: `closed_ticket:${ticketRef.uuid}:2`,
    };
    const answers = (await Promise.all(Array.from({ length: 8 }, () => flowEngineFunction(request)))) as { session: { uuid: string } }[];
    expect(new Set(answers.map((answer) => JSON.stringify(answer))).size).toBe(1);
    expect(await outgoing(actor.workspace, contact)).toEqual(['Thanks for contacting us about . How would you rate it, 1 to 5?']);
  });

  it('starts it again after reopen and close (a new ticket version), interrupting the waiting survey', async () => {
    const world = await workspaceWithTrigger(SURVEY);
    const { actor } = world;
    const contact = randomUUID();
    const first = closeOf(world, contact, 3);
    const reopened = { ...first.closed, status: 'open' as const, closed_on: null, version: 5 };
    const second = { ...reopened, status: 'closed' as const, closed_on: '2026-11-24T11:00:00.000000Z', version: 6 };
    await sendRecords(queues.queueUrl, [
      ticketStreamRecord(first.open, first.closed),
      ticketStreamRecord(first.closed, reopened), // a reopen is no close: the pipe filters it out, and the consumer ignores it
      ticketStreamRecord(reopened, second),
    ]);
    const callsBefore = engineCalls.length;
    await drainQueue(queues.queueUrl, handler);
    expect(engineCalls.length - callsBefore).toBe(2);
    expect(await outgoing(actor.workspace, contact)).toEqual([QUESTION, QUESTION]);
  });

  it('starts nothing in a workspace without a trigger', async () => {
    const world = await workspaceWithTrigger(null);
    const { actor } = world;
    const contact = randomUUID();
    const { open, closed } = closeOf(world, contact);
    const callsBefore = engineCalls.length;
    await sendRecords(queues.queueUrl, [ticketStreamRecord(open, closed)]);
    await drainQueue(queues.queueUrl, handler);
    expect(engineCalls.length).toBe(callsBefore);
    expect(await outgoing(actor.workspace, contact)).toEqual([]);
  });

  it('retries a failing start, parks it in the DLQ with its full record, starts it once when redriven, and holds no other ticket back', async () => {
    const world = await workspaceWithTrigger(SURVEY);
    const { actor } = world;
    const failing = randomUUID();
    const healthy = randomUUID();
    engineDownFor.add(failing);
    const failingClose = closeOf(world, failing);
    const record = ticketStreamRecord(failingClose.open, failingClose.closed);
    const healthyClose = closeOf(world, healthy);
    await sendRecords(queues.queueUrl, [record, ticketStreamRecord(healthyClose.open, healthyClose.closed)]);
    const callsBefore = engineCalls.length;
    await drainQueue(queues.queueUrl, handler);

    expect(await outgoing(actor.workspace, healthy)).toEqual([QUESTION]);
    expect(await outgoing(actor.workspace, failing)).toEqual([]);
    const failingCalls = engineCalls.slice(callsBefore).filter((call) => call.contact.uuid === failing);
    expect(failingCalls).toHaveLength(CLOSED_TICKETS_MAX_RECEIVE_COUNT);
    const parked = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: queues.deadLetterQueueUrl, AttributeNames: ['ApproximateNumberOfMessages'] }),
    );
    expect(parked.Attributes?.ApproximateNumberOfMessages).toBe('1');

    engineDownFor.delete(failing);
    const [inDlq] = await receive(queues.deadLetterQueueUrl, 1);
    expect(JSON.parse(inDlq!.Body!)).toEqual(record);
    // Looked at, not taken: visible again at once for the redrive below.
    await sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: queues.deadLetterQueueUrl, ReceiptHandle: inDlq!.ReceiptHandle!, VisibilityTimeout: 0 }));
    expect(await redrive(queues.deadLetterQueueUrl, queues.queueUrl)).toBe(1);
    // Redriven twice (an operator repeating the move): still one start.
    await sendRecords(queues.queueUrl, [record], () => randomUUID());
    await drainQueue(queues.queueUrl, handler);
    expect(await outgoing(actor.workspace, failing)).toEqual([QUESTION]);
  });

  it('runs a background flow beside the survey the contact waits in, without interrupting it', async () => {
    const world = await workspaceWithTrigger(NOTE_CLOSED);
    const { actor } = world;
    const contact = randomUUID();
    const waiting = await flows.startFlow({ actor, flow: SURVEY.uuid as string, contact: { uuid: contact, urns: ['tel:+250788000111'] } });
    expect(waiting.session?.status).toBe('waiting');

    const { open, closed } = closeOf(world, contact);
    await sendRecords(queues.queueUrl, [ticketStreamRecord(open, closed)]);
    await drainQueue(queues.queueUrl, handler);
    const stored = await createDynamoDbRepositories({ client: dynamodb, tableName }).contacts.get(actor.workspace, contact);
    expect(stored?.fields.last_closed_ticket).toBe(open.uuid);

    const answered = await flows.receiveMsg({ actor, contact, text: '4' });
    expect(answered.session).toEqual({ uuid: waiting.session!.uuid, status: 'completed' });
  });
});
