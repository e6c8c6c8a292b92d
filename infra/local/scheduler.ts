// A minimal Amazon EventBridge Scheduler endpoint for the local stack, for
// the flow timers (docs/flow-engine-service.md, "Timers"): CreateSchedule,
// GetSchedule and DeleteSchedule of one-time schedules (`at(…)`, REST JSON as
// SDK v3's SchedulerClient sends them) in the templates'
// AWS::Scheduler::ScheduleGroup groups. A due schedule invokes its target
// function through the local Lambda path with the schedule's Input, as
// Scheduler does (asynchronously: a failure is retried, then the Input goes
// to the schedule's dead-letter queue), and is deleted after it ran when its
// ActionAfterCompletion says DELETE. Schedules are kept in scheduler.json of
// the data folder, so pending timers survive a restart (one that fell due
// while the stack was down fires at start). The functions reach it through
// the SDK's standard AWS_ENDPOINT_URL_SCHEDULER. Requests are not
// signature-checked; recurring schedules (rate, cron) are refused.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { Server, ServerResponse } from 'node:http';
import path from 'node:path';
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { LOCAL_ACCOUNT_ID, resourcesOfType, type CloudAssembly, type IntrinsicResolver } from './cloud-assembly';
import type { RunningEmulator } from './emulators';
import type { FunctionHost } from './functions';
import { closeServer, decodePathSegment, listen, readBody, sendJson } from './http-server';
import type { LocalQueue } from './resources';

export interface LocalScheduleGroup {
  name: string;
  arn: string;
}

/** The templates' schedule groups, registered with the resolver (Ref is the name, as in CloudFormation). */
export function readScheduleGroups(assembly: CloudAssembly, resolver: IntrinsicResolver, region: string): LocalScheduleGroup[] {
  return resourcesOfType(assembly, 'AWS::Scheduler::ScheduleGroup').map(({ stack, logicalId, resource }) => {
    const properties = resolver.resolve(resource.Properties ?? {}, stack) as { Name?: string };
    const name = properties.Name ?? `${stack.name}-${logicalId}`;
    const arn = `arn:aws:scheduler:${region}:${LOCAL_ACCOUNT_ID}:schedule-group/${name}`;
    resolver.register(stack, logicalId, { ref: name, attributes: { Arn: arn } });
    return { name, arn };
  });
}

/** A one-time schedule as stored (the fields of CreateSchedule this endpoint honours). */
export interface StoredSchedule {
  Name: string;
  GroupName: string;
  ScheduleExpression: string;
  ActionAfterCompletion: 'NONE' | 'DELETE';
  Target: {
    Arn: string;
    RoleArn: string;
    Input?: string;
    DeadLetterConfig?: { Arn?: string };
    RetryPolicy?: { MaximumRetryAttempts?: number; MaximumEventAgeInSeconds?: number };
  };
  /** Epoch ms the expression names. */
  dueAt: number;
  CreationDate: number;
}

/** `at(yyyy-mm-ddThh:mm:ss)` in UTC → epoch ms; null for anything else. */
export function parseAtExpression(expression: string, timezone: string | undefined): number | null {
  const match = /^at\((\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})\)$/.exec(expression);
  if (!match || (timezone !== undefined && timezone !== 'UTC')) return null;
  const ms = Date.parse(`${match[1]}Z`);
  return Number.isNaN(ms) ? null : ms;
}

/** Attempts a failing target gets locally before the dead-letter queue (Lambda's asynchronous invoke: the first and two retries). */
const LOCAL_ATTEMPTS = 3;
const RETRY_DELAY_MS = 500;

class ScheduleError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

export async function startScheduler(options: {
  port: number;
  groups: LocalScheduleGroup[];
  /** Where schedules persist; undefined = in memory only. */
  storeFile: string | undefined;
  functions: () => FunctionHost | undefined;
  sqs: SQSClient;
  queues: LocalQueue[];
  log: (line: string) => void;
}): Promise<RunningEmulator & { activate(): void; schedules(): StoredSchedule[]; fired(): { name: string; dueAt: number; firedAt: number; ok: boolean }[] }> {
  const { log } = options;
  const schedules = new Map<string, StoredSchedule>();
  const key = (group: string, name: string) => `${group}/${name}`;
  if (options.storeFile && existsSync(options.storeFile)) {
    for (const schedule of JSON.parse(readFileSync(options.storeFile, 'utf8')) as StoredSchedule[]) schedules.set(key(schedule.GroupName, schedule.Name), schedule);
  }
  const save = () => {
    if (!options.storeFile) return;
    mkdirSync(path.dirname(options.storeFile), { recursive: true });
    writeFileSync(`${options.storeFile}.tmp`, JSON.stringify([...schedules.values()], null, 2));
    renameSync(`${options.storeFile}.tmp`, options.storeFile);
  };
  const firings: { name: string; dueAt: number; firedAt: number; ok: boolean }[] = [];
  const running = new Set<string>();
  let stopped = false;
  /** No schedule fires before the functions run (activate()): one that fell due while the stack was down waits for them. */
  let active = false;
  let alarm: NodeJS.Timeout | undefined;

  /** Arms one timer for the earliest schedule due (setTimeout's limit is ~24.8 days: later ones re-arm). */
  const arm = () => {
    if (alarm) clearTimeout(alarm);
    alarm = undefined;
    if (stopped || !active) return;
    const pending = [...schedules.values()].filter((schedule) => !running.has(key(schedule.GroupName, schedule.Name)));
    if (!pending.length) return;
    const next = Math.min(...pending.map((schedule) => schedule.dueAt));
    alarm = setTimeout(fireDue, Math.min(Math.max(0, next - Date.now()), 2 ** 31 - 1));
  };

  const fireDue = () => {
    const now = Date.now();
    for (const schedule of schedules.values()) {
      const id = key(schedule.GroupName, schedule.Name);
      if (schedule.dueAt <= now && !running.has(id)) {
        running.add(id);
        void fire(schedule).finally(() => {
          running.delete(id);
          arm();
        });
      }
    }
    arm();
  };

  const deadLetter = async (schedule: StoredSchedule, reason: string) => {
    const arn = schedule.Target.DeadLetterConfig?.Arn;
    const queue = arn ? options.queues.find((candidate) => candidate.queueArn === arn) : undefined;
    if (!queue) return log(`Scheduler: ${schedule.Name} failed (${reason}) and has no dead-letter queue here`);
    // Scheduler sends the target's input, with the schedule and the error as message attributes.
    await options.sqs.send(
      new SendMessageCommand({
        QueueUrl: queue.queueUrl,
        MessageBody: schedule.Target.Input ?? '',
        MessageAttributes: {
          'X-Amz-Scheduler-Schedule-Arn': { DataType: 'String', StringValue: `arn:aws:scheduler:::schedule/${schedule.GroupName}/${schedule.Name}` },
          ERROR_MESSAGE: { DataType: 'String', StringValue: reason.slice(0, 1000) },
        },
      }),
    );
    log(`Scheduler: ${schedule.Name} failed (${reason}); its input is in ${queue.queueName}`);
  };

  const fire = async (schedule: StoredSchedule) => {
    let failure: string | undefined = 'not invoked';
    try {
      const target = options.functions()?.find(schedule.Target.Arn);
      if (!target) failure = `no function ${schedule.Target.Arn}`;
      else {
        const event = schedule.Target.Input === undefined ? {} : (JSON.parse(schedule.Target.Input) as unknown);
        for (let attempt = 1; attempt <= LOCAL_ATTEMPTS && !stopped; attempt++) {
          const outcome = await target.invoke(event);
          if (outcome.ok) {
            failure = undefined;
            break;
          }
          failure = `${outcome.error.errorType}: ${outcome.error.errorMessage}`;
          if (attempt < LOCAL_ATTEMPTS) await new Promise((resolve) => setTimeout(resolve, RETRY_DELAY_MS * attempt));
        }
      }
      // A stack stopping mid-invocation keeps the schedule: it fires again after the restart (at least once, like Scheduler).
      if (stopped) return;
      firings.push({ name: schedule.Name, dueAt: schedule.dueAt, firedAt: Date.now(), ok: failure === undefined });
      if (failure !== undefined) await deadLetter(schedule, failure);
    } catch (error) {
      log(`Scheduler: ${schedule.Name}: ${(error as Error).message}`);
      if (stopped) return;
    }
    // A one-time schedule runs once: DELETE removes it, NONE would keep it (as completed) — kept out of the timer here too.
    schedules.delete(key(schedule.GroupName, schedule.Name));
    save();
  };

  const group = (name: unknown): string => {
    const groupName = typeof name === 'string' && name ? name : 'default';
    if (groupName !== 'default' && !options.groups.some((candidate) => candidate.name === groupName))
      throw new ScheduleError(404, 'ResourceNotFoundException', `Schedule group ${groupName} does not exist.`);
    return groupName;
  };

  const handle = async (method: string, url: URL, body: Buffer, response: ServerResponse) => {
    const match = /^\/schedules\/([^/]+)$/.exec(url.pathname);
    if (!match) throw new ScheduleError(404, 'UnknownOperationException', `${method} ${url.pathname} is not served by the local Scheduler endpoint`);
    const name = decodePathSegment(match[1]!);
    if (!/^[0-9a-zA-Z-_.]{1,64}$/.test(name)) throw new ScheduleError(400, 'ValidationException', 'Name must be 1-64 characters of [0-9a-zA-Z-_.]');
    if (method === 'POST') {
      const input = JSON.parse(body.toString('utf8') || '{}') as Partial<StoredSchedule> & { ScheduleExpressionTimezone?: string; FlexibleTimeWindow?: { Mode?: string } };
      const groupName = group(input.GroupName);
      const dueAt = parseAtExpression(String(input.ScheduleExpression ?? ''), input.ScheduleExpressionTimezone);
      if (dueAt === null) throw new ScheduleError(400, 'ValidationException', 'Only one-time schedules, at(yyyy-mm-ddThh:mm:ss) in UTC, are served locally');
      if (input.FlexibleTimeWindow?.Mode !== 'OFF') throw new ScheduleError(400, 'ValidationException', 'FlexibleTimeWindow Mode OFF is the only one served locally');
      if (!input.Target?.Arn || !input.Target.RoleArn) throw new ScheduleError(400, 'ValidationException', 'Target.Arn and Target.RoleArn are required');
      if (schedules.has(key(groupName, name))) throw new ScheduleError(409, 'ConflictException', `Schedule ${name} already exists.`);
      const schedule: StoredSchedule = {
        Name: name,
        GroupName: groupName,
        ScheduleExpression: String(input.ScheduleExpression),
        ActionAfterCompletion: input.ActionAfterCompletion === 'DELETE' ? 'DELETE' : 'NONE',
        Target: input.Target,
        dueAt,
        CreationDate: Date.now(),
      };
      schedules.set(key(groupName, name), schedule);
      save();
      arm();
      return sendJson(response, 200, { ScheduleArn: `arn:aws:scheduler:us-east-1:${LOCAL_ACCOUNT_ID}:schedule/${groupName}/${name}` });
    }
    const groupName = group(url.searchParams.get('groupName'));
    const stored = schedules.get(key(groupName, name));
    if (!stored) throw new ScheduleError(404, 'ResourceNotFoundException', `Schedule ${name} does not exist.`);
    if (method === 'GET') {
      const { dueAt: _dueAt, CreationDate, ...rest } = stored;
      return sendJson(response, 200, { ...rest, State: 'ENABLED', FlexibleTimeWindow: { Mode: 'OFF' }, ScheduleExpressionTimezone: 'UTC', CreationDate: CreationDate / 1000 });
    }
    if (method === 'DELETE') {
      schedules.delete(key(groupName, name));
      save();
      arm();
      return sendJson(response, 200, {});
    }
    throw new ScheduleError(405, 'UnknownOperationException', `${method} is not served by the local Scheduler endpoint`);
  };

  const server: Server = await listen(
    (request, response) => {
      void (async () => {
        const url = new URL(request.url ?? '/', 'http://localhost');
        await handle(request.method ?? 'GET', url, await readBody(request), response);
      })().catch((error: Error) => {
        if (response.headersSent) return;
        const known = error instanceof ScheduleError ? error : error instanceof SyntaxError ? new ScheduleError(400, 'ValidationException', 'The request body is not JSON') : undefined;
        if (!known) log(`Scheduler: ${error.message}`);
        const { status, type, message } = known ?? { status: 500, type: 'InternalServerException', message: 'Internal error of the local Scheduler endpoint' };
        sendJson(response, status, { Message: message }, { 'x-amzn-errortype': type });
      });
    },
    options.port,
    'Scheduler',
  );
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the Scheduler endpoint is not listening on a TCP port');
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    port: address.port,
    activate: () => {
      active = true;
      // Schedules that fell due while the stack was down fire now.
      arm();
    },
    schedules: () => [...schedules.values()],
    fired: () => [...firings],
    stop: async () => {
      stopped = true;
      if (alarm) clearTimeout(alarm);
      await closeServer(server);
    },
  };
}
