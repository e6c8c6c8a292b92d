// The flow use cases' timers over DynamoDB Local: a waiting session's timers
// are set before its sprint is stored and cleared when the session moves on;
// a firing resumes only the wait it names, once, also when it fires twice at
// the same time. (The schedules themselves run in test/e2e/flow-timers.test.ts.)
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFlowRepository } from '#adapters/dynamodb/flow-repository';
import { createDynamoDbRepositories } from '#adapters/dynamodb/index';
import { createTableClient } from '#adapters/dynamodb/table-client';
import { SessionMovedError, type FlowRepository, type FlowTimer, type FlowTimerScheduler } from '#use-cases/flow-ports';
import { createFlowUseCases, type FlowUseCases } from '#use-cases/flows';
import { timerName, timersOf } from '#use-cases/flow-timers';
import { createTestTable, seedWorkspace, useCasesOver, type TestTable } from '../storage/support';
import { ASK_NAME_REMINDER, askNameFlow } from '../../flows/fixtures/flows';

let table: TestTable;
let flows: FlowUseCases;
let repository: FlowRepository;
let actor: { workspace: string; user: string | null };
/** The timers as a scheduler would hold them: set, and cleared. */
const pending = new Map<string, FlowTimer>();
const cleared: FlowTimer[] = [];
const scheduler: FlowTimerScheduler = {
  async schedule(timer) {
    pending.set(timerName(timer), timer);
  },
  async cancel(timer) {
    cleared.push(timer);
    pending.delete(timerName(timer));
  },
};


const flow = askNameFlow({ timeoutSeconds: 300 });
const contact = () => ({ uuid: randomUUID(), name: 'Tim', urns: ['tel:+250788123123'] });
const timersOfSession = (session: string) => [...pending.values()].filter((timer) => timer.session === session);
const texts = (events: { type: string; msg?: unknown }[]) => events.filter((event) => event.type === 'msg_created').map((event) => (event.msg as { text: string }).text);

beforeAll(async () => {
  table = await createTestTable('flow-timers');
  const ws = await seedWorkspace(useCasesOver(table));
  actor = { workspace: ws.workspace.uuid, user: ws.ann.uuid };
  repository = createFlowRepository(createTableClient({ client: table.client, tableName: table.tableName }));
  flows = createFlowUseCases({
    repos: createDynamoDbRepositories({ client: table.client, tableName: table.tableName }),
    flows: repository,
    ticketCommand: { openTicket: async () => ({ ticket: null, error: { code: 'unused', message: 'unused' } }) },
    timers: scheduler,
  });
  await flows.importFlows({ actor, definitions: flow });
});
afterAll(() => table.drop());

describe('flow timers of the use cases', () => {
  it('a waiting session gets its timeout and expiration timers, naming its stored version and instants', async () => {
    const who = contact();
    const started = await flows.startFlow({ actor, flow: flow.uuid, contact: who });
    const stored = await repository.getSession(actor.workspace, who.uuid);
    const set = timersOfSession(started.session!.uuid);
    expect(set.map((timer) => [timer.kind, timer.at, timer.version]).sort()).toEqual(
      [
        ['expiration', stored!.expires_on, stored!.version],
        ['timeout', stored!.timeout_on, stored!.version],
      ].sort(),
    );
    expect(Date.parse(stored!.timeout_on!) - Date.parse(stored!.modified_on)).toBeGreaterThanOrEqual(299_000);
  });

  it('fires the timeout down its category once, even when it fires twice at the same time, and clears the expiration', async () => {
    const who = contact();
    const started = await flows.startFlow({ actor, flow: flow.uuid, contact: who });
    const timeout = timersOfSession(started.session!.uuid).find((timer) => timer.kind === 'timeout')!;
    const expiration = timersOfSession(started.session!.uuid).find((timer) => timer.kind === 'expiration')!;
    const firings = await Promise.all([flows.fireTimer(timeout), flows.fireTimer(timeout)]);
    expect(firings.map((firing) => firing.fired).sort()).toEqual([false, true]);
    const fired = firings.find((firing) => firing.fired)!;
    expect(fired.outcome?.session).toEqual({ uuid: started.session!.uuid, status: 'completed' });
    expect(texts(fired.outcome!.events)).toEqual([ASK_NAME_REMINDER]);
    // Fired again later: the session has left that wait.
    expect(await flows.fireTimer(timeout)).toEqual({ fired: false, outcome: null });
    expect(cleared.map(timerName)).toContain(timerName(expiration));
    expect(timersOfSession(started.session!.uuid)).toEqual([]);
    const messages = await flows.listMessages({ actor, contact: who.uuid });
    expect(messages.results.filter((message) => message.text === ASK_NAME_REMINDER)).toHaveLength(1);
  });

  it("a timeout that leads to the wait again sets the new wait's timers (a reminder loop)", async () => {
    const looping = askNameFlow({ timeoutSeconds: 300, remindAgain: true });
    await flows.importFlows({ actor, definitions: looping });
    const who = contact();
    const started = await flows.startFlow({ actor, flow: looping.uuid, contact: who });
    const first = timersOfSession(started.session!.uuid).find((timer) => timer.kind === 'timeout')!;
    const fired = await flows.fireTimer(first);
    expect(fired.outcome?.session?.status).toBe('waiting');
    const stored = await repository.getSession(actor.workspace, who.uuid);
    const next = timersOfSession(started.session!.uuid);
    expect(next.map((timer) => [timer.kind, timer.version]).sort()).toEqual([
      ['expiration', stored!.version],
      ['timeout', stored!.version],
    ]);
    expect(next.find((timer) => timer.kind === 'timeout')!.at).toBe(stored!.timeout_on);
    const again = await flows.fireTimer(next.find((timer) => timer.kind === 'timeout')!);
    expect(texts(again.outcome!.events)).toEqual([ASK_NAME_REMINDER]);
  });

  it('a reply first clears the timers, and a timer that fires anyway does nothing', async () => {
    const who = contact();
    const started = await flows.startFlow({ actor, flow: flow.uuid, contact: who });
    const [timeout] = timersOfSession(started.session!.uuid).filter((timer) => timer.kind === 'timeout');
    const answered = await flows.receiveMsg({ actor, contact: who.uuid, text: 'Tim' });
    expect(texts(answered.events)).toEqual(['Thanks Tim']);
    expect(timersOfSession(started.session!.uuid)).toEqual([]);
    expect(await flows.fireTimer(timeout!)).toEqual({ fired: false, outcome: null });
  });

  it('an expiration ends the waiting run as expired, with nothing sent', async () => {
    const who = contact();
    const started = await flows.startFlow({ actor, flow: flow.uuid, contact: who });
    const expiration = timersOfSession(started.session!.uuid).find((timer) => timer.kind === 'expiration')!;
    const fired = await flows.fireTimer(expiration);
    expect(fired.fired).toBe(true);
    expect(texts(fired.outcome!.events)).toEqual([]);
    const stored = await repository.getSession(actor.workspace, who.uuid);
    expect(stored).toMatchObject({ status: 'completed', timeout_on: null, expires_on: null });
    expect((stored!.session as { runs: { status: string }[] }).runs.map((run) => run.status)).toEqual(['expired']);
  });

  it('a store that loses its race clears the timers it set: only the stored wait keeps timers', async () => {
    let lost = false;
    const racing: FlowRepository = {
      ...repository,
      async saveSprint(write) {
        if (!lost) {
          lost = true;
          // Another sprint lands first: it takes a moment, so the rerun's wait has other instants.
          await new Promise((resolve) => setTimeout(resolve, 5));
          throw new SessionMovedError('another sprint landed first');
        }
        return repository.saveSprint(write);
      },
    };
    const rerunning = createFlowUseCases({
      repos: createDynamoDbRepositories({ client: table.client, tableName: table.tableName }),
      flows: racing,
      ticketCommand: { openTicket: async () => ({ ticket: null }) },
      timers: scheduler,
    });
    const who = contact();
    const before = cleared.length;
    const started = await rerunning.startFlow({ actor, flow: flow.uuid, contact: who });
    expect(lost).toBe(true);
    const stored = await repository.getSession(actor.workspace, who.uuid);
    expect(timersOfSession(started.session!.uuid).map(timerName).sort()).toEqual(timersOf(stored!).map(timerName).sort());
    expect(cleared.length - before).toBe(2);
  });

  it('a timer is set before the sprint is stored: when setting it fails, nothing is stored', async () => {
    const failing = createFlowUseCases({
      repos: createDynamoDbRepositories({ client: table.client, tableName: table.tableName }),
      flows: repository,
      ticketCommand: { openTicket: async () => ({ ticket: null }) },
      timers: { schedule: async () => Promise.reject(new Error('Scheduler is unreachable')), cancel: async () => undefined },
    });
    const who = contact();
    await expect(failing.startFlow({ actor, flow: flow.uuid, contact: who })).rejects.toThrow(/Scheduler is unreachable/);
    expect(await repository.getSession(actor.workspace, who.uuid)).toBeNull();
  });
});

describe('the FlowTimers function', () => {
  it('fires a timer it is given, and answers a malformed one as invalid_request without throwing (retrying would not mend it)', async () => {
    const { createFlowTimersHandler } = await import('../../../functions/handlers/flow-timers');
    const handler = createFlowTimersHandler(async () => flows);
    const who = contact();
    const started = await flows.startFlow({ actor, flow: flow.uuid, contact: who });
    const timeout = timersOfSession(started.session!.uuid).find((timer) => timer.kind === 'timeout')!;
    expect(await handler({ command: 'fire_timer', timer: timeout })).toEqual({ fired: true, session: { uuid: started.session!.uuid, status: 'completed' } });
    expect(await handler({ command: 'fire_timer', timer: timeout })).toEqual({ fired: false, session: null });
    const bad = await handler({ command: 'fire_timer', timer: { ...timeout, version: 0, at: 'soon' } });
    expect(bad).toMatchObject({ error: { code: 'invalid_request', message: expect.stringMatching(/timer\.version.*|timer\.at/) } });
    expect(await handler(null)).toMatchObject({ error: { code: 'invalid_request' } });
  });
});
