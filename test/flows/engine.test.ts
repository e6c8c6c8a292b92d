import { describe, expect, it } from 'vitest';
import { SessionAssets } from '#flows/assets';
import type { EventJSON } from '#flows/actions/action';
import { FlowEngine, type SprintResult } from '#flows/engine';
import { Session, type SessionJSON } from '#flows/session';
import type { FlowJSON } from '#flows/definition/types';
import { systemClock, uuidV7 } from '#flows/system-ports';
import { inMemoryServices } from './support/in-memory-services';
import { SUPPORT_TOPIC, contact, parentAndChildFlows, supportFlow13, timeoutFlow } from './fixtures/flows';

const msgResume = (text: string) => ({ type: 'msg', resumed_on: '2026-01-01T00:00:00.000000Z', msg: { urn: 'tel:+12065551212', text } });
const texts = (events: EventJSON[]) => events.filter((e) => e.type === 'msg_created').map((e) => (e.msg as { text: string }).text);
const types = (events: EventJSON[]) => events.map((e) => e.type);

/** Sessions are stored as JSON text between sprints; tests do the same. */
const throughJSON = (session: SessionJSON): SessionJSON => JSON.parse(JSON.stringify(session)) as SessionJSON;

function setup(flows: Record<string, unknown>[], extra: Record<string, unknown> = {}) {
  const services = inMemoryServices();
  const engine = new FlowEngine(services);
  const assets = new SessionAssets({ flows: flows as unknown as FlowJSON[], topics: [SUPPORT_TOPIC], ...extra });
  const start = (contactOverrides: Record<string, unknown> = {}, triggerExtra: Record<string, unknown> = {}) => {
    const flow = flows[0] as { uuid: string; name: string };
    return engine.start({
      assets,
      contact: contact(contactOverrides),
      trigger: { type: 'manual', flow: { uuid: flow.uuid, name: flow.name }, triggered_on: '2026-01-01T00:00:00.000000Z', ...triggerExtra },
    });
  };
  const resume = (sprint: SprintResult, resumeJSON: Record<string, unknown>) =>
    engine.resume({ assets, session: throughJSON(sprint.session), resume: resumeJSON as never });
  return { services, engine, assets, start, resume };
}

describe('the support example flow (spec 13.1, migrated on read)', () => {
  it('asks the name, opens a ticket with the evaluated note and takes Success', async () => {
    const { start, resume, services } = setup([supportFlow13()]);
    const first = await start();
    expect(first.session.status).toBe('waiting');
    expect(types(first.events)).toEqual(['run_started', 'msg_created', 'msg_wait']);
    expect(texts(first.events)).toEqual(['Hi! What is your name?']);

    const second = await resume(first, msgResume('Ryan'));
    expect(second.session.status).toBe('completed');
    expect(types(second.events)).toEqual([
      'run_result_changed',
      'ticket_opened',
      'ticket_note_added',
      'run_result_changed',
      'msg_created',
      'run_ended',
    ]);
    const opened = second.events.find((e) => e.type === 'ticket_opened')!;
    expect(opened.ticket).toMatchObject({ status: 'open', topic: SUPPORT_TOPIC });
    expect(second.events.find((e) => e.type === 'ticket_note_added')!.note).toBe('Ryan needs help');
    expect(services.tickets.opened).toHaveLength(1);
    expect(services.tickets.opened[0]!.note).toBe('Ryan needs help');
    // The message the flow resumed on goes with the open: the ticket's first last message.
    expect(services.tickets.opened[0]!.input).toEqual({ text: 'Ryan', created_on: expect.any(String) });
    expect(texts(second.events)).toEqual(['An agent will be with you, Ryan.']);
    const run = second.session.runs[0]!;
    expect(run.results?.ticket).toMatchObject({ category: 'Success', value: (opened.ticket as { uuid: string }).uuid });
    expect(second.session.contact.tickets).toHaveLength(1);
  });

  it('takes Failure when the contact already has an open ticket', async () => {
    const { start, resume, services } = setup([supportFlow13()]);
    services.tickets.seedOpen('c0000000-0000-4000-8000-000000000001', { uuid: 'e0000000-0000-4000-8000-000000000001', status: 'open', topic: SUPPORT_TOPIC });
    const second = await resume(await start(), msgResume('Ryan'));
    expect(types(second.events)).not.toContain('ticket_opened');
    expect(second.session.runs[0]!.results?.ticket).toMatchObject({ category: 'Failure', value: '' });
    expect(texts(second.events)).toEqual(['You already have a conversation open with us.']);
  });

  it('turns a failing ticket service into an error event and the Failure path', async () => {
    const { start, resume, services } = setup([supportFlow13()]);
    services.tickets.open = async () => {
      throw new Error('invoke timed out');
    };
    const second = await resume(await start(), msgResume('Ryan'));
    expect(second.session.status).toBe('completed');
    expect(second.events.find((e) => e.type === 'error')!.text).toBe('Unable to open ticket: invoke timed out');
    expect(texts(second.events)).toEqual(['You already have a conversation open with us.']);
  });

  it('exposes the open ticket as @ticket to later flows', async () => {
    const flow = {
      uuid: 'f5000000-0000-4000-8000-000000000001',
      name: 'Ticket Info',
      spec_version: '14.4.2',
      language: 'eng',
      type: 'messaging',
      nodes: [
        {
          uuid: 'f5000000-0000-4000-8000-0000000000a1',
          actions: [{ uuid: 'f5000000-0000-4000-8000-0000000000b1', type: 'send_msg', text: 'Topic: @ticket.topic.name' }],
          exits: [{ uuid: 'f5000000-0000-4000-8000-0000000000c1' }],
        },
      ],
    };
    const { start } = setup([flow]);
    const sprint = await start({ tickets: [{ uuid: 'e0000000-0000-4000-8000-000000000001', status: 'open', topic: SUPPORT_TOPIC }] });
    expect(texts(sprint.events)).toEqual(['Topic: Support']);
  });
});

describe('sessions', () => {
  it('run on the real clock and UUID v7 ids in production', async () => {
    const services = { ...inMemoryServices(), clock: systemClock, uuids: uuidV7 };
    const flow = timeoutFlow() as { uuid: string; name: string };
    const sprint = await new FlowEngine(services).start({
      assets: new SessionAssets({ flows: [flow as unknown as FlowJSON] }),
      contact: contact(),
      trigger: { type: 'manual', flow: { uuid: flow.uuid, name: flow.name }, triggered_on: '2026-01-01T00:00:00.000000Z' },
    });
    expect(sprint.session.uuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-/);
    expect(sprint.session.created_on).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/);
  });

  it('survive a round trip through JSON text unchanged', async () => {
    const { start } = setup([supportFlow13()]);
    const first = await start();
    const text = JSON.stringify(first.session);
    expect(Session.fromJSON(JSON.parse(text) as SessionJSON).toJSON()).toEqual(first.session);
    expect(first.session.wait).toMatchObject({ node_uuid: 'a1000000-0000-4000-8000-0000000000a2' });
  });
});

describe('waits', () => {
  it('routes a wait timeout to the timeout category', async () => {
    const { start, resume } = setup([timeoutFlow()]);
    const first = await start();
    expect(first.events.find((e) => e.type === 'msg_wait')!.timeout_seconds).toBe(60);
    const second = await resume(first, { type: 'wait_timeout', resumed_on: '2026-01-01T00:01:00.000000Z' });
    expect(second.session.runs[0]!.results?.number).toMatchObject({ category: 'No Response' });
    expect(texts(second.events)).toEqual(['Too slow!']);
    expect(second.session.status).toBe('completed');
  });

  it('routes a reply through the router tests', async () => {
    const { start, resume } = setup([timeoutFlow()]);
    const second = await resume(await start(), msgResume('I pick 7'));
    expect(second.session.runs[0]!.results?.number).toMatchObject({ category: 'Valid', value: '7', input: 'I pick 7' });
  });

  it('expires the waiting run on wait_expiration', async () => {
    const { start, resume } = setup([timeoutFlow()]);
    const second = await resume(await start(), { type: 'wait_expiration', resumed_on: '2026-01-08T00:00:00.000000Z' });
    expect(second.events.map((e) => [e.type, e.status])).toEqual([['run_ended', 'expired']]);
    expect(second.session.runs[0]!.status).toBe('expired');
    expect(second.session.status).toBe('completed');
  });

  it('refuses a timeout resume when the wait has no timeout', async () => {
    const { start, resume } = setup([supportFlow13()]);
    await expect(resume(await start(), { type: 'wait_timeout', resumed_on: '2026-01-01T00:01:00.000000Z' })).rejects.toThrow('the waiting node has no timeout');
  });

  it('refuses to resume a session that is not waiting', async () => {
    const { start, resume } = setup([timeoutFlow()]);
    const done = await resume(await start(), msgResume('3'));
    await expect(resume(done, msgResume('again'))).rejects.toThrow(/status completed/);
  });
});

describe('runs', () => {
  it('fails the session after 100 steps in one sprint', async () => {
    const loop = {
      uuid: 'e6000000-0000-4000-8000-000000000001',
      name: 'Loop',
      spec_version: '14.4.2',
      language: 'eng',
      type: 'messaging',
      nodes: [
        {
          uuid: 'e6000000-0000-4000-8000-0000000000a1',
          actions: [],
          exits: [{ uuid: 'e6000000-0000-4000-8000-0000000000c1', destination_uuid: 'e6000000-0000-4000-8000-0000000000a1' }],
        },
      ],
    };
    const { start } = setup([loop]);
    const sprint = await start();
    expect(sprint.session.status).toBe('failed');
    expect(sprint.events.find((e) => e.type === 'failure')!.text).toBe('Reached maximum number of steps per sprint (100)');
    expect(sprint.segments).toHaveLength(100);
  });

  it('runs a child flow and continues the parent on @child', async () => {
    const { start, resume } = setup(parentAndChildFlows());
    const first = await start();
    expect(first.session.runs.map((r) => r.status)).toEqual(['active', 'waiting']);
    const second = await resume(first, msgResume('blue'));
    expect(texts(second.events)).toEqual(['You like blue']);
    expect(second.session.runs.map((r) => r.status)).toEqual(['completed', 'completed']);
  });

  it('reads @input and @trigger.ticket at the start', async () => {
    const flow = {
      uuid: 'a7000000-0000-4000-8000-000000000001',
      name: 'Echo',
      spec_version: '14.4.2',
      language: 'eng',
      type: 'messaging',
      nodes: [
        {
          uuid: 'a7000000-0000-4000-8000-0000000000a1',
          actions: [{ uuid: 'a7000000-0000-4000-8000-0000000000b1', type: 'send_msg', text: '@input.text / @trigger.type / @(default(trigger.ticket.topic.name, "none"))' }],
          exits: [{ uuid: 'a7000000-0000-4000-8000-0000000000c1' }],
        },
      ],
    };
    const { start } = setup([flow]);
    const byMsg = await start({}, { type: 'msg', msg: { uuid: 'a7000000-0000-4000-8000-0000000000f1', urn: 'tel:+12065551212', text: 'hello' } });
    expect(texts(byMsg.events)).toEqual(['hello / msg / none']);
    const byTicket = await start({}, { type: 'ticket', ticket: { uuid: 'a7000000-0000-4000-8000-0000000000f2', topic: SUPPORT_TOPIC }, event: { type: 'ticket_closed' } });
    expect(texts(byTicket.events)).toEqual([' / ticket / Support']);
  });

  it('takes one of the categories of a random router', async () => {
    const flow = {
      uuid: 'a8000000-0000-4000-8000-000000000001',
      name: 'Coin',
      spec_version: '14.4.2',
      language: 'eng',
      type: 'messaging',
      nodes: [
        {
          uuid: 'a8000000-0000-4000-8000-0000000000a1',
          router: {
            type: 'random',
            result_name: 'Coin',
            categories: [
              { uuid: 'a8000000-0000-4000-8000-0000000000d1', name: 'Heads', exit_uuid: 'a8000000-0000-4000-8000-0000000000c1' },
              { uuid: 'a8000000-0000-4000-8000-0000000000d2', name: 'Tails', exit_uuid: 'a8000000-0000-4000-8000-0000000000c2' },
            ],
          },
          exits: [{ uuid: 'a8000000-0000-4000-8000-0000000000c1' }, { uuid: 'a8000000-0000-4000-8000-0000000000c2' }],
        },
      ],
    };
    const { start } = setup([flow]);
    const sprint = await start();
    expect(['Heads', 'Tails']).toContain(sprint.session.runs[0]!.results?.coin?.category);
  });
});
