// The local stack's EventBridge Scheduler endpoint (infra/local/scheduler.ts),
// driven by the flow timers' own adapter over SDK v3's SchedulerClient: a
// one-time schedule invokes its target with its input on time, once, and is
// deleted; a timer set twice is one; a cancelled one never fires; a failing
// target is retried and then parked in the dead-letter queue (fauxqs); with a
// data folder, a pending schedule survives a restart.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { GetScheduleCommand, ResourceNotFoundException, SchedulerClient, ValidationException, CreateScheduleCommand } from '@aws-sdk/client-scheduler';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createFlowTimerScheduler, timerInput } from '#adapters/scheduler/flow-timer-scheduler';
import type { FlowTimer } from '#use-cases/flow-ports';
import { timerName } from '#use-cases/flow-timers';
import type { FunctionHost, InvocationOutcome } from '../../infra/local/functions';
import { parseAtExpression, startScheduler } from '../../infra/local/scheduler';
import type { LocalQueue } from '../../infra/local/resources';

const GROUP = 'timers';
const TARGET = 'arn:aws:lambda:us-east-1:000000000000:function:Timers';
const credentials = { accessKeyId: 'x', secretAccessKey: 'x' };
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'ticketer-scheduler-test-'));
let sqs: SQSClient;
let queue: LocalQueue;

beforeAll(async () => {
  sqs = new SQSClient({ endpoint: inject('sqsEndpoint'), region: 'us-east-1', credentials });
  const queueName = `timers-dlq-${randomUUID().slice(0, 8)}`;
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: queueName }));
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
  queue = { logicalId: 'Dlq', id: 'Dlq', queueName, queueUrl: QueueUrl!, queueArn: Attributes!.QueueArn! };
});
afterAll(() => {
  sqs.destroy();
  rmSync(dataDir, { recursive: true, force: true });
});

/** A function host with one function whose invocations are recorded (and fail while `failing`). */
function targetFunction() {
  const invocations: { event: unknown; at: number }[] = [];
  const state = { failing: false };
  const host = {
    find: (arn: string) =>
      arn === TARGET
        ? {
            invoke: async (event: unknown): Promise<InvocationOutcome> => {
              invocations.push({ event, at: Date.now() });
              return state.failing ? { ok: false, error: { errorType: 'Error', errorMessage: 'the session store is down' } } : { ok: true, result: { fired: true } };
            },
          }
        : undefined,
  } as unknown as FunctionHost;
  return { host, invocations, state };
}

async function withScheduler<T>(storeFile: string | undefined, host: FunctionHost, use: (endpoint: string, client: SchedulerClient) => Promise<T>, activate = true): Promise<T> {
  const scheduler = await startScheduler({ port: 0, groups: [{ name: GROUP, arn: `arn:aws:scheduler:us-east-1:000000000000:schedule-group/${GROUP}` }], storeFile, functions: () => host, sqs, queues: [queue], log: () => undefined });
  if (activate) scheduler.activate();
  const client = new SchedulerClient({ endpoint: scheduler.endpoint, region: 'us-east-1', credentials });
  try {
    return await use(scheduler.endpoint, client);
  } finally {
    client.destroy();
    await scheduler.stop();
  }
}

const timers = (client: SchedulerClient) =>
  createFlowTimerScheduler({ client, groupName: GROUP, targetArn: TARGET, roleArn: 'arn:aws:iam::000000000000:role/Timers', deadLetterQueueArn: queue.queueArn });

function timerIn(ms: number): FlowTimer {
  return { kind: 'timeout', workspace: randomUUID(), contact: randomUUID(), session: randomUUID(), version: 2, at: new Date(Date.now() + ms).toISOString().replace('Z', '000Z') };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const gone = (client: SchedulerClient, timer: FlowTimer) => client.send(new GetScheduleCommand({ Name: timerName(timer), GroupName: GROUP })).then(() => false, (error) => error instanceof ResourceNotFoundException);

describe('the local Scheduler endpoint', () => {
  it('invokes the target with the timer once, on the second it names, and deletes the schedule; the same timer set twice is one', async () => {
    const { host, invocations } = targetFunction();
    await withScheduler(undefined, host, async (_endpoint, client) => {
      const timer = timerIn(1500);
      await timers(client).schedule(timer);
      await timers(client).schedule(timer);
      const stored = await client.send(new GetScheduleCommand({ Name: timerName(timer), GroupName: GROUP }));
      expect(stored).toMatchObject({ ActionAfterCompletion: 'DELETE', Target: { Arn: TARGET, DeadLetterConfig: { Arn: queue.queueArn } } });
      await sleep(3500);
      expect(invocations.map((invocation) => invocation.event)).toEqual([timerInput(timer)]);
      const due = Math.ceil(Date.parse(timer.at) / 1000) * 1000;
      expect(invocations[0]!.at).toBeGreaterThanOrEqual(due);
      expect(invocations[0]!.at - due).toBeLessThan(500);
      expect(await gone(client, timer)).toBe(true);
    });
  });

  it('never fires a cancelled timer; cancelling one that is gone is fine', async () => {
    const { host, invocations } = targetFunction();
    await withScheduler(undefined, host, async (_endpoint, client) => {
      const timer = timerIn(1000);
      await timers(client).schedule(timer);
      await timers(client).cancel(timer);
      await timers(client).cancel(timer);
      await sleep(2500);
      expect(invocations).toEqual([]);
    });
  });

  it('retries a failing target, then parks the timer in its dead-letter queue', async () => {
    const { host, invocations, state } = targetFunction();
    state.failing = true;
    await withScheduler(undefined, host, async (_endpoint, client) => {
      const timer = timerIn(500);
      await timers(client).schedule(timer);
      await sleep(4500);
      expect(invocations).toHaveLength(3);
      const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queue.queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
      expect(Messages?.map((message) => JSON.parse(message.Body!))).toEqual([timerInput(timer)]);
      expect(await gone(client, timer)).toBe(true);
    });
  });

  it('keeps a pending timer across a restart, and fires it once the functions run', async () => {
    const storeFile = path.join(dataDir, 'scheduler.json');
    const { host, invocations } = targetFunction();
    const timer = timerIn(800);
    await withScheduler(storeFile, host, async (_endpoint, client) => timers(client).schedule(timer));
    await sleep(1500);
    // Due while down; not fired before the functions run.
    await withScheduler(storeFile, host, async () => {
      await sleep(300);
      expect(invocations).toEqual([]);
    }, false);
    await withScheduler(storeFile, host, async (_endpoint, client) => {
      await sleep(500);
      expect(invocations.map((invocation) => invocation.event)).toEqual([timerInput(timer)]);
      expect(await gone(client, timer)).toBe(true);
    });
  });

  it('refuses an unknown group, a recurring schedule and a bad name', async () => {
    const { host } = targetFunction();
    await withScheduler(undefined, host, async (_endpoint, client) => {
      const base = { FlexibleTimeWindow: { Mode: 'OFF' as const }, Target: { Arn: TARGET, RoleArn: 'arn:aws:iam::000000000000:role/Timers' } };
      await expect(client.send(new CreateScheduleCommand({ ...base, Name: 'a', GroupName: 'nope', ScheduleExpression: 'at(2030-01-01T00:00:00)' }))).rejects.toBeInstanceOf(ResourceNotFoundException);
      await expect(client.send(new CreateScheduleCommand({ ...base, Name: 'b', GroupName: GROUP, ScheduleExpression: 'rate(5 minutes)' }))).rejects.toBeInstanceOf(ValidationException);
      await expect(client.send(new CreateScheduleCommand({ ...base, Name: 'no spaces', GroupName: GROUP, ScheduleExpression: 'at(2030-01-01T00:00:00)' }))).rejects.toBeInstanceOf(ValidationException);
    });
    expect(parseAtExpression('at(2030-01-01T00:00:00)', 'UTC')).toBe(Date.parse('2030-01-01T00:00:00Z'));
    expect(parseAtExpression('at(2030-01-01T00:00:00)', 'Europe/Paris')).toBeNull();
    expect(parseAtExpression('cron(0 10 * * ? *)', undefined)).toBeNull();
  });
});
