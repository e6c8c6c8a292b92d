// HttpRapidProV2 against DynamoDB Local: RapidPro's shapes, paging, failures
// semantics and error bodies.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { createDynamoDbRepositories } from '#adapters/dynamodb/index';
import { createUseCases } from '#use-cases/index';
import type { Repositories } from '#use-cases/ports';
import { v2TicketListSchema, v2TopicListSchema, v2TopicSchema } from '#http/rapidpro-v2-schemas';
import { call, type JsonResponse, type RequestOptions } from './support';
import { createTestWorkspaces, newContactUuid } from './fixture';

let world: Awaited<ReturnType<typeof createTestWorkspaces>>;
let v2: Parameters<typeof call>[0];

beforeAll(async () => {
  world = await createTestWorkspaces();
  v2 = (await import('../../../functions/http-rapidpro-v2')).handler;
});

const ACTIONS = 'POST /api/v2/ticket_actions.json';
const api = (options: RequestOptions) => call(v2, options);

async function openTicket(workspace = world.acme, contact = newContactUuid(), extra: Record<string, unknown> = {}) {
  const opened = await world.useCases.openTicket({
    actor: { workspace: workspace.uuid, user: workspace.admin.uuid },
    contact: { uuid: contact, name: 'Dee' },
    topic: null,
    assignee: null,
    ...extra,
  });
  return opened.ticket!;
}

async function v2Ticket(uuid: string) {
  const response = await api({ route: 'GET /api/v2/tickets.json', identity: world.acme.asAdmin, query: { uuid } });
  return v2TicketListSchema.parse(response.body).results[0]!;
}

function expectFieldError(response: JsonResponse, field: string) {
  expect(response.status, JSON.stringify(response.body)).toBe(400);
  expect(Object.keys(response.body)).toEqual([field]);
  expect(response.body[field]).toEqual([expect.any(String)]);
}

describe('GET /api/v2/tickets.json', () => {
  it('answers RapidPro ticket shapes, filtered by uuid and contact', async () => {
    const contact = newContactUuid();
    const ticket = await openTicket(world.acme, contact, { opened_in: { uuid: newContactUuid(), name: 'Support flow' } });
    const response = await api({ route: 'GET /api/v2/tickets.json', identity: world.acme.asAdmin, query: { contact } });
    expect(response.status).toBe(200);
    const page = v2TicketListSchema.parse(response.body);
    expect(page).toMatchObject({ next: null, previous: null });
    expect(page.results).toEqual([
      {
        uuid: ticket.uuid,
        contact: { uuid: contact, name: 'Dee' },
        status: 'open',
        topic: { uuid: ticket.topic.uuid, name: 'General' },
        body: null,
        assignee: null,
        opened_on: ticket.opened_on,
        opened_by: { email: world.acme.admin.email, name: world.acme.admin.name },
        opened_in: { uuid: expect.any(String), name: 'Support flow' },
        modified_on: ticket.modified_on,
        closed_on: null,
      },
    ]);
    expect(await v2Ticket(ticket.uuid)).toEqual(page.results[0]);
    const none = await api({ route: 'GET /api/v2/tickets.json', identity: world.acme.asAdmin, query: { uuid: newContactUuid() } });
    expect(none.body).toEqual({ next: null, previous: null, results: [] });
    expectFieldError(await api({ route: 'GET /api/v2/tickets.json', identity: world.acme.asAdmin, query: { contact: 'x' } }), 'contact');
  });

  it('pages 250 at a time with an absolute next URL carrying cursor=', async () => {
    const { other } = world;
    const contacts = Array.from({ length: 251 }, () => newContactUuid());
    for (let start = 0; start < contacts.length; start += 25) {
      await Promise.all(contacts.slice(start, start + 25).map((contact) => openTicket(other, contact)));
    }
    const first = await api({ route: 'GET /api/v2/tickets.json', identity: other.asAdmin, stage: 'prod' });
    const firstPage = v2TicketListSchema.parse(first.body);
    expect(firstPage.results).toHaveLength(250);
    const next = new URL(firstPage.next!);
    expect(`${next.protocol}//${next.host}${next.pathname}`).toBe('https://abc123.execute-api.eu-west-1.amazonaws.com/prod/api/v2/tickets.json');
    const cursor = next.searchParams.get('cursor');
    expect(cursor).toBeTruthy();

    const second = await api({ route: 'GET /api/v2/tickets.json', identity: other.asAdmin, query: { cursor: cursor! } });
    const secondPage = v2TicketListSchema.parse(second.body);
    expect(secondPage.next).toBeNull();
    const all = [...firstPage.results, ...secondPage.results];
    expect(new Set(all.map((ticket) => ticket.uuid)).size).toBe(251);
    const modified = all.map((ticket) => ticket.modified_on);
    expect(modified).toEqual([...modified].sort().reverse());
  });
});

/** Use cases over the test table whose repository calls are recorded as `<repository>.<method>`. */
function countingUseCases() {
  const calls: string[] = [];
  const repositories = createDynamoDbRepositories({ client: new DynamoDBClient({}), tableName: world.tableName });
  const counted = Object.fromEntries(
    Object.entries(repositories).map(([name, repository]) => [
      name,
      new Proxy(repository as object, {
        get(target, method) {
          const value = Reflect.get(target, method) as unknown;
          if (typeof value !== 'function') return value;
          return (...args: unknown[]) => {
            calls.push(`${name}.${String(method)}`);
            return (value as (...args: unknown[]) => unknown).apply(target, args);
          };
        },
      }),
    ]),
  ) as unknown as Repositories;
  return { calls, useCases: createUseCases(counted) };
}

describe('POST /api/v2/ticket_actions.json', () => {
  it('costs one BatchGet and one directory read per request, then one write per ticket', async () => {
    const opened = await Promise.all(Array.from({ length: 12 }, () => openTicket()));
    const { calls, useCases } = countingUseCases();
    const actor = { workspace: world.acme.uuid, user: world.acme.admin.uuid };
    const tickets = opened.map((ticket) => ticket.uuid);
    expect(await useCases.applyTicketAction({ actor, tickets, action: { action: 'close' } })).toEqual({ failures: [] });
    expect(calls.filter((call) => call !== 'tickets.update').sort()).toEqual(['tickets.getMany', 'workspaces.loadDirectory']);
    expect(calls.filter((call) => call === 'tickets.update')).toHaveLength(tickets.length);

    // A request that fails validation reads and changes nothing more.
    calls.length = 0;
    const unknown = useCases.applyTicketAction({ actor, tickets: [...tickets, newContactUuid()], action: { action: 'reopen' } });
    await expect(unknown).rejects.toMatchObject({ field: 'tickets', code: 'ticket_not_found' });
    expect(calls.sort()).toEqual(['tickets.getMany', 'workspaces.loadDirectory']);
    expect((await v2Ticket(opened[0]!.uuid)).status).toBe('closed');
  });

  it('orders the ticket list by modified_on: a note does not move a ticket, a close does', async () => {
    const { asAdmin } = world.acme;
    const contact = newContactUuid();
    const [older, newer] = [await openTicket(world.acme, contact), await openTicket()];
    const listed = async () =>
      v2TicketListSchema
        .parse((await api({ route: 'GET /api/v2/tickets.json', identity: asAdmin })).body)
        .results.map((ticket) => ticket.uuid)
        .filter((uuid) => uuid === older.uuid || uuid === newer.uuid);
    expect(await listed()).toEqual([newer.uuid, older.uuid]);
    const before = await v2Ticket(older.uuid);
    expect((await api({ route: ACTIONS, identity: asAdmin, body: { tickets: [older.uuid], action: 'add_note', note: 'still waiting' } })).status).toBe(204);
    expect(await listed()).toEqual([newer.uuid, older.uuid]);
    expect((await v2Ticket(older.uuid)).modified_on).toBe(before.modified_on);
    expect((await api({ route: ACTIONS, identity: asAdmin, body: { tickets: [older.uuid], action: 'close' } })).status).toBe(204);
    expect(await listed()).toEqual([older.uuid, newer.uuid]);
  });

  it('assigns by email and unassigns (204), notes, changes topic', async () => {
    const { asAdmin, agent } = world.acme;
    const [a, b] = [await openTicket(), await openTicket()];
    const assigned = await api({ route: ACTIONS, identity: asAdmin, body: { tickets: [a.uuid, b.uuid], action: 'assign', assignee: agent.email.toUpperCase() } });
    expect(assigned).toEqual({ status: 204, headers: {}, body: undefined });
    expect((await v2Ticket(a.uuid)).assignee).toEqual({ email: agent.email, name: agent.name });

    // b already has this assignee: it is the failure.
    const partly = await api({ route: ACTIONS, identity: asAdmin, body: { tickets: [b.uuid], action: 'assign', assignee: agent.email } });
    expect(partly).toMatchObject({ status: 200, body: { failures: [b.uuid] } });

    const unassigned = await api({ route: ACTIONS, identity: asAdmin, body: { tickets: [a.uuid], action: 'assign', assignee: null } });
    expect(unassigned.status).toBe(204);
    expect((await v2Ticket(a.uuid)).assignee).toBeNull();

    expect((await api({ route: ACTIONS, identity: asAdmin, body: { tickets: [a.uuid], action: 'add_note', note: 'hi' } })).status).toBe(204);

    const created = await api({ route: 'POST /api/v2/topics.json', identity: asAdmin, body: { name: 'Shipping' } });
    const moved = await api({ route: ACTIONS, identity: asAdmin, body: { tickets: [a.uuid], action: 'change_topic', topic: created.body.uuid } });
    expect(moved.status).toBe(204);
    expect((await v2Ticket(a.uuid)).topic).toEqual({ uuid: created.body.uuid, name: 'Shipping' });
  });

  it('reports tickets that could not change as failures: closing a closed one, reopening with another open', async () => {
    const { asAdmin } = world.acme;
    const contact = newContactUuid();
    const [a, b] = [await openTicket(world.acme, contact), await openTicket()];
    expect((await api({ route: ACTIONS, identity: asAdmin, body: { tickets: [a.uuid], action: 'close' } })).status).toBe(204);

    const closing = await api({ route: ACTIONS, identity: asAdmin, body: { tickets: [a.uuid, b.uuid], action: 'close' } });
    expect(closing).toMatchObject({ status: 200, body: { failures: [a.uuid] } });
    expect((await v2Ticket(b.uuid)).status).toBe('closed');

    const newer = await openTicket(world.acme, contact);
    const reopening = await api({ route: ACTIONS, identity: asAdmin, body: { tickets: [a.uuid, b.uuid], action: 'reopen' } });
    expect(reopening).toMatchObject({ status: 200, body: { failures: [a.uuid] } });
    expect((await v2Ticket(a.uuid)).status).toBe('closed');
    expect((await v2Ticket(b.uuid)).status).toBe('open');
    expect((await v2Ticket(newer.uuid)).status).toBe('open');
  });

  it('rejects bad requests with 400 on the field, changing nothing', async () => {
    const { asAdmin } = world.acme;
    const ticket = await openTicket();
    const foreign = await openTicket(world.other);
    const tickets = [ticket.uuid];
    const bad = async (body: unknown) => api({ route: ACTIONS, identity: asAdmin, body });

    expectFieldError(await bad({ tickets: [ticket.uuid, newContactUuid()], action: 'close' }), 'tickets');
    expectFieldError(await bad({ tickets: [ticket.uuid, foreign.uuid], action: 'close' }), 'tickets');
    expectFieldError(await bad({ tickets: Array.from({ length: 101 }, () => newContactUuid()), action: 'close' }), 'tickets');
    expectFieldError(await bad({ tickets: [], action: 'close' }), 'tickets');
    expectFieldError(await bad({ tickets: 'all', action: 'close' }), 'tickets');
    expectFieldError(await bad({ tickets: ['not-a-uuid'], action: 'close' }), 'tickets.0');
    expectFieldError(await bad({ tickets, action: 'snooze' }), 'action');
    expectFieldError(await bad({ tickets }), 'action');
    expectFieldError(await bad({ tickets, action: 'assign' }), 'assignee');
    expectFieldError(await bad({ tickets, action: 'assign', assignee: 'nobody@acme.example' }), 'assignee');
    expectFieldError(await bad({ tickets, action: 'assign', assignee: world.other.admin.email }), 'assignee');
    expectFieldError(await bad({ tickets, action: 'add_note' }), 'note');
    expectFieldError(await bad({ tickets, action: 'add_note', note: '' }), 'note');
    expectFieldError(await bad({ tickets, action: 'add_note', note: 'x'.repeat(10_001) }), 'note');
    expectFieldError(await bad({ tickets, action: 'change_topic' }), 'topic');
    expectFieldError(await bad({ tickets, action: 'change_topic', topic: newContactUuid() }), 'topic');

    const malformed = await bad('{"tickets": [');
    expect(malformed).toMatchObject({ status: 400, body: { non_field_errors: [expect.any(String)] } });
    expect((await bad('"close"')).body).toMatchObject({ non_field_errors: [expect.any(String)] });

    expect((await v2Ticket(ticket.uuid)).status).toBe('open');
  });
});

describe('/api/v2/topics.json', () => {
  it('lists, creates (201) and renames (200) topics in RapidPro shapes', async () => {
    const { asAdmin } = world.acme;
    const listed = await api({ route: 'GET /api/v2/topics.json', identity: asAdmin });
    expect(listed.status).toBe(200);
    const page = v2TopicListSchema.parse(listed.body);
    expect(page).toMatchObject({ next: null, previous: null });
    const general = page.results.find((topic) => topic.system)!;
    expect(Object.keys(general).sort()).toEqual(['counts', 'created_on', 'name', 'system', 'uuid']);
    expect(general.name).toBe('General');

    const created = await api({ route: 'POST /api/v2/topics.json', identity: asAdmin, body: { name: 'Returns' } });
    expect(created.status).toBe(201);
    const returns = v2TopicSchema.parse(created.body);
    expect(returns).toMatchObject({ name: 'Returns', system: false, counts: { open: 0, closed: 0 } });

    const renamed = await api({ route: 'POST /api/v2/topics.json', identity: asAdmin, query: { uuid: returns.uuid }, body: { name: 'Returns & refunds' } });
    expect(renamed).toMatchObject({ status: 200, body: { uuid: returns.uuid, name: 'Returns & refunds' } });
    const one = await api({ route: 'GET /api/v2/topics.json', identity: asAdmin, query: { uuid: returns.uuid } });
    expect(v2TopicListSchema.parse(one.body).results).toMatchObject([{ uuid: returns.uuid, name: 'Returns & refunds' }]);
  });

  it('refuses the system topic (403), agents (403), taken and bad names (400), unknown uuids (404)', async () => {
    const { asAdmin, asAgent } = world.acme;
    const general = v2TopicListSchema.parse((await api({ route: 'GET /api/v2/topics.json', identity: asAdmin })).body).results.find((topic) => topic.system)!;
    const system = await api({ route: 'POST /api/v2/topics.json', identity: asAdmin, query: { uuid: general.uuid }, body: { name: 'Other' } });
    expect(system).toMatchObject({ status: 403, body: { detail: expect.any(String) } });
    const agent = await api({ route: 'POST /api/v2/topics.json', identity: asAgent, body: { name: 'Mine' } });
    expect(agent).toMatchObject({ status: 403, body: { detail: expect.any(String) } });
    expectFieldError(await api({ route: 'POST /api/v2/topics.json', identity: asAdmin, body: { name: 'general' } }), 'name');
    expectFieldError(await api({ route: 'POST /api/v2/topics.json', identity: asAdmin, body: { name: 'x'.repeat(65) } }), 'name');
    expectFieldError(await api({ route: 'POST /api/v2/topics.json', identity: asAdmin, body: {} }), 'name');
    expectFieldError(await api({ route: 'POST /api/v2/topics.json', identity: asAdmin, query: { uuid: 'General' }, body: { name: 'x' } }), 'uuid');
    const unknown = await api({ route: 'POST /api/v2/topics.json', identity: asAdmin, query: { uuid: newContactUuid() }, body: { name: 'x' } });
    expect(unknown).toMatchObject({ status: 404, body: { detail: expect.any(String) } });
    const foreign = v2TopicListSchema.parse((await api({ route: 'GET /api/v2/topics.json', identity: world.other.asAdmin })).body).results[0]!;
    const hijack = await api({ route: 'POST /api/v2/topics.json', identity: asAdmin, query: { uuid: foreign.uuid }, body: { name: 'x' } });
    expect(hijack.status).toBe(404);
  });
});
