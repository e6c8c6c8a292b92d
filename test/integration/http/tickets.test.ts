// HttpTickets against DynamoDB Local: the agent's story end to end, then every
// way a client can get a request wrong.
import { beforeAll, describe, expect, it } from 'vitest';
import { errorSchema } from '#http/schemas';
import { commandResultSchema, openedTicketSchema, ticketDetailSchema, ticketPageSchema } from '#http/ticket-schemas';
import { call, type JsonResponse, type RequestOptions } from './support';
import { createTestWorkspaces, newContactUuid } from './fixture';

let world: Awaited<ReturnType<typeof createTestWorkspaces>>;
let handler: Parameters<typeof call>[0];
let topicsHandler: Parameters<typeof call>[0];

beforeAll(async () => {
  world = await createTestWorkspaces();
  handler = (await import('../../../functions/http-tickets')).handler;
  topicsHandler = (await import('../../../functions/http-topics')).handler;
});

const tickets = (options: RequestOptions) => call(handler, options);

/** Asserts a client mistake: 400, the field named, never a 500. */
function expectBadRequest(response: JsonResponse, field: string) {
  expect(response.status, JSON.stringify(response.body)).toBe(400);
  expect(errorSchema.parse(response.body).error.field).toBe(field);
}

async function openTicket(identity = world.acme.asAdmin, body: Record<string, unknown> = {}) {
  const response = await tickets({
    route: 'POST /tickets',
    identity,
    body: { contact: { uuid: newContactUuid(), name: 'Someone' }, ...body },
  });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return openedTicketSchema.parse(response.body).ticket;
}

async function folder(identity: RequestOptions['identity'], query: Record<string, string>) {
  const response = await tickets({ route: 'GET /tickets', identity, query });
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  return ticketPageSchema.parse(response.body).results.map((ticket) => ticket.uuid);
}

describe('the agent story through the resource API', () => {
  it('opens by hand, takes, notes, changes topic, reassigns, closes and reopens, with the full history', async () => {
    const { asAdmin, asAgent, admin, agent } = world.acme;
    const contact = newContactUuid();

    const opened = await tickets({
      route: 'POST /tickets',
      identity: asAdmin,
      body: {
        contact: { uuid: contact, name: 'Ann', urns: ['tel:+250788123123'], language: 'eng', fields: { age: '33' } },
        topic: { name: 'Billing' },
        note: 'Wants a refund',
      },
    });
    expect(opened.status, JSON.stringify(opened.body)).toBe(201);
    const { ticket, events } = openedTicketSchema.parse(opened.body);
    expect(ticket).toMatchObject({ status: 'open', assignee: null, topic: { name: 'Billing' }, contact: { uuid: contact, name: 'Ann' } });
    expect(ticket.opened_by).toEqual({ uuid: admin.uuid, email: admin.email, name: admin.name });
    expect(events.map((event) => event.type)).toEqual(['ticket_opened', 'ticket_note_added']);
    const path = { ticket: ticket.uuid };

    expect(await folder(asAgent, { folder: 'unassigned' })).toContain(ticket.uuid);
    expect(await folder(asAgent, { folder: 'mine' })).not.toContain(ticket.uuid);

    const taken = await tickets({ route: 'POST /tickets/{ticket}/assign', params: path, identity: asAgent, body: { assignee: agent.uuid } });
    expect(taken.status).toBe(200);
    expect(commandResultSchema.parse(taken.body)).toMatchObject({ changed: true, ticket: { assignee: { uuid: agent.uuid } } });
    expect(await folder(asAgent, { folder: 'mine' })).toContain(ticket.uuid);
    expect(await folder(asAgent, { folder: 'unassigned' })).not.toContain(ticket.uuid);
    expect(await folder(asAdmin, { folder: 'mine' })).not.toContain(ticket.uuid);

    const noted = await tickets({ route: 'POST /tickets/{ticket}/notes', params: path, identity: asAgent, body: { note: 'Called back' } });
    expect(commandResultSchema.parse(noted.body).events).toMatchObject([{ type: 'ticket_note_added', note: 'Called back' }]);

    const refunds = await call(topicsHandler, { route: 'POST /topics', identity: asAdmin, body: { name: 'Refunds' } });
    expect(refunds.status).toBe(201);
    const retopic = await tickets({ route: 'POST /tickets/{ticket}/topic', params: path, identity: asAgent, body: { topic: refunds.body.uuid } });
    expect(commandResultSchema.parse(retopic.body)).toMatchObject({
      changed: true,
      ticket: { topic: { uuid: refunds.body.uuid, name: 'Refunds' } },
      events: [{ type: 'ticket_topic_changed', topic: { name: 'Refunds' }, previous_topic: { name: 'Billing' } }],
    });
    expect(await folder(asAgent, { folder: 'topic', topic: refunds.body.uuid })).toContain(ticket.uuid);

    const reassigned = await tickets({
      route: 'POST /tickets/{ticket}/assign',
      params: path,
      identity: asAgent,
      body: { assignee: admin.uuid, note: 'Over to you for the refund' },
    });
    expect(commandResultSchema.parse(reassigned.body).events.map((event) => event.type)).toEqual([
      'ticket_assignee_changed',
      'ticket_note_added',
    ]);
    expect(await folder(asAdmin, { folder: 'mine' })).toContain(ticket.uuid);

    const closed = await tickets({ route: 'POST /tickets/{ticket}/close', params: path, identity: asAdmin });
    expect(commandResultSchema.parse(closed.body)).toMatchObject({ changed: true, ticket: { status: 'closed' } });
    expect(closed.body.ticket.closed_on).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    expect(await folder(asAdmin, { folder: 'all', status: 'closed' })).toContain(ticket.uuid);
    expect(await folder(asAdmin, { folder: 'all', status: 'open' })).not.toContain(ticket.uuid);

    const closedAgain = await tickets({ route: 'POST /tickets/{ticket}/close', params: path, identity: asAdmin });
    expect(closedAgain.status).toBe(200);
    expect(closedAgain.body).toMatchObject({ changed: false, events: [] });

    const reopened = await tickets({ route: 'POST /tickets/{ticket}/reopen', params: path, identity: asAdmin });
    expect(commandResultSchema.parse(reopened.body)).toMatchObject({ changed: true, ticket: { status: 'open', closed_on: null } });

    const detail = await tickets({ route: 'GET /tickets/{ticket}', params: path, identity: asAgent });
    expect(detail.status).toBe(200);
    const { history, contact: contactView } = ticketDetailSchema.parse(detail.body);
    expect(history.map((event) => event.type)).toEqual([
      'ticket_opened',
      'ticket_note_added',
      'ticket_assignee_changed',
      'ticket_note_added',
      'ticket_topic_changed',
      'ticket_assignee_changed',
      'ticket_note_added',
      'ticket_closed',
      'ticket_reopened',
    ]);
    expect(history[2]).toMatchObject({ created_by: { uuid: agent.uuid }, assignee: { uuid: agent.uuid } });
    expect(history[5]).toMatchObject({ assignee: { uuid: admin.uuid }, previous_assignee: { uuid: agent.uuid } });
    expect(contactView).toMatchObject({ uuid: contact, name: 'Ann', fields: { age: '33' }, open_ticket: ticket.uuid });
  });

  it('shows folder counts for every folder and topic', async () => {
    const response = await tickets({ route: 'GET /folders', identity: world.acme.asAgent });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ all: expect.any(Number), unassigned: expect.any(Number), mine: expect.any(Number) });
    expect(response.body.topics.map((topic: { name: string }) => topic.name)).toContain('General');
  });

  it('pages a folder with a cursor', async () => {
    const { asAdmin } = world.other;
    const opened = [await openTicket(asAdmin), await openTicket(asAdmin), await openTicket(asAdmin)];
    const first = await tickets({ route: 'GET /tickets', identity: asAdmin, query: { limit: '2' } });
    const firstPage = ticketPageSchema.parse(first.body);
    expect(firstPage.results).toHaveLength(2);
    expect(firstPage.next_cursor).not.toBeNull();
    const second = await tickets({ route: 'GET /tickets', identity: asAdmin, query: { limit: '2', cursor: firstPage.next_cursor! } });
    const seen = [...firstPage.results, ...ticketPageSchema.parse(second.body).results].map((ticket) => ticket.uuid);
    // Newest activity first.
    expect(seen.slice(0, 3)).toEqual(opened.map((ticket) => ticket.uuid).reverse());
  });
});

describe('bad input', () => {
  it('answers 400 naming the field, never 500', async () => {
    const { asAdmin } = world.acme;
    const { uuid } = await openTicket();
    const path = { ticket: uuid };
    const noteRoute = 'POST /tickets/{ticket}/notes';

    const malformed = await tickets({ route: noteRoute, params: path, identity: asAdmin, body: '{"note": "unterminated' });
    expectBadRequest(malformed, 'body');
    expect(malformed.body.error.code).toBe('invalid_json');
    expectBadRequest(await tickets({ route: noteRoute, params: path, identity: asAdmin, body: '[1, 2]' }), 'body');
    expectBadRequest(await tickets({ route: noteRoute, params: path, identity: asAdmin, body: { note: 42 } }), 'note');
    expectBadRequest(await tickets({ route: noteRoute, params: path, identity: asAdmin, body: { note: '   ' } }), 'note');
    expectBadRequest(await tickets({ route: noteRoute, params: path, identity: asAdmin, body: { note: 'x'.repeat(10_001) } }), 'note');
    expectBadRequest(await tickets({ route: noteRoute, params: path, identity: asAdmin }), 'note');

    const assign = 'POST /tickets/{ticket}/assign';
    expectBadRequest(await tickets({ route: assign, params: path, identity: asAdmin, body: {} }), 'assignee');
    expectBadRequest(await tickets({ route: assign, params: path, identity: asAdmin, body: { assignee: 'bob' } }), 'assignee');
    expectBadRequest(await tickets({ route: assign, params: path, identity: asAdmin, body: { assignee: world.other.admin.uuid } }), 'assignee');
    expectBadRequest(
      await tickets({ route: assign, params: path, identity: asAdmin, body: { assignee: null, note: 'x'.repeat(10_001) } }),
      'note',
    );

    const topic = 'POST /tickets/{ticket}/topic';
    expectBadRequest(await tickets({ route: topic, params: path, identity: asAdmin, body: { topic: 'General' } }), 'topic');

    expectBadRequest(await tickets({ route: 'POST /tickets', identity: asAdmin, body: {} }), 'contact');
    expectBadRequest(await tickets({ route: 'POST /tickets', identity: asAdmin, body: { contact: { uuid: 'c1' } } }), 'contact.uuid');
    expectBadRequest(
      await tickets({ route: 'POST /tickets', identity: asAdmin, body: { contact: { uuid: newContactUuid() }, topic: { name: 'x'.repeat(65) } } }),
      'topic.name',
    );
    expectBadRequest(
      await tickets({ route: 'POST /tickets', identity: asAdmin, body: { contact: { uuid: newContactUuid(), fields: { age: 33 } } } }),
      'contact.fields.age',
    );

    expectBadRequest(
      await tickets({ route: 'POST /tickets', identity: asAdmin, headers: { 'idempotency-key': 'k'.repeat(129) }, body: { contact: { uuid: newContactUuid() } } }),
      'idempotency-key',
    );

    const list = 'GET /tickets';
    expectBadRequest(await tickets({ route: list, identity: asAdmin, query: { folder: 'topic' } }), 'topic');
    expectBadRequest(await tickets({ route: list, identity: asAdmin, query: { folder: 'starred' } }), 'folder');
    expectBadRequest(await tickets({ route: list, identity: asAdmin, query: { status: 'pending' } }), 'status');
    expectBadRequest(await tickets({ route: list, identity: asAdmin, query: { limit: '0' } }), 'limit');
    expectBadRequest(await tickets({ route: list, identity: asAdmin, query: { limit: '251' } }), 'limit');
    expectBadRequest(await tickets({ route: list, identity: asAdmin, query: { limit: 'ten' } }), 'limit');
    expectBadRequest(await tickets({ route: list, identity: asAdmin, query: { cursor: 'not-a-cursor' } }), 'cursor');
  });

  it('refuses oversized contacts with 400 naming the field (never a storage error)', async () => {
    const { asAdmin } = world.acme;
    const open = (contact: Record<string, unknown>) => tickets({ route: 'POST /tickets', identity: asAdmin, body: { contact: { uuid: newContactUuid(), ...contact } } });
    const manyFields = Object.fromEntries(Array.from({ length: 101 }, (_, index) => [`f${index}`, 'x']));
    expectBadRequest(await open({ fields: manyFields }), 'contact.fields');
    expectBadRequest(await open({ fields: { bio: 'x'.repeat(641) } }), 'contact.fields.bio');
    expectBadRequest(await open({ urns: Array.from({ length: 33 }, (_, index) => `tel:+2507880000${index}`) }), 'contact.urns');
    expectBadRequest(await open({ urns: [`tel:${'1'.repeat(252)}`] }), 'contact.urns.0');
    expectBadRequest(await open({ name: 'x'.repeat(129) }), 'contact.name');
    // At the limits it opens.
    const atLimits = await open({
      name: 'x'.repeat(128),
      urns: Array.from({ length: 32 }, (_, index) => `tel:${String(index).padStart(251, '1')}`),
      fields: Object.fromEntries(Array.from({ length: 100 }, (_, index) => [`f${index}`, 'x'.repeat(640)])),
    });
    expect(atLimits.status, JSON.stringify(atLimits.body)).toBe(201);
  });

  it('refuses crafted cursors with 400 on cursor — even ones naming real keys: cursors are sealed', async () => {
    const { asAdmin, uuid: workspace } = world.acme;
    const encode = (key: unknown) => Buffer.from(JSON.stringify(key)).toString('base64url');
    const partition = `WS#${workspace}#STATUS#open`;
    const ticketPk = `WS#${workspace}#TICKET#${newContactUuid()}`;
    const sortKey = `2026-11-24T10:00:00.000000Z#${newContactUuid()}`;
    const crafted = [
      encode({ pk: '', sk: 'TICKET', gsi1pk: partition, gsi1sk: sortKey }),
      encode({ pk: ticketPk, sk: 'TICKET', gsi1pk: partition, gsi1sk: 'x'.repeat(2000) }),
      encode({ pk: ticketPk, sk: 'TICKET', gsi1pk: partition, gsi1sk: '' }),
      encode({ pk: `WS#${world.other.uuid}#TICKET#${newContactUuid()}`, sk: 'TICKET', gsi1pk: partition, gsi1sk: sortKey }),
      encode({ pk: ticketPk, sk: 'EVENT#x', gsi1pk: partition, gsi1sk: sortKey }),
      encode({ pk: ticketPk, sk: 'TICKET', gsi1pk: partition, gsi1sk: { S: 'x' } }),
      encode({ pk: ticketPk, sk: 'TICKET', gsi1pk: partition, gsi1sk: sortKey, extra: 'x' }),
      encode([1, 2]),
      encode('text'),
      '%%%',
    ];
    for (const cursor of crafted) expectBadRequest(await tickets({ route: 'GET /tickets', identity: asAdmin, query: { cursor } }), 'cursor');
    // What the old, readable cursors looked like: well-formed keys, not sealed.
    expectBadRequest(await tickets({ route: 'GET /tickets', identity: asAdmin, query: { cursor: encode({ pk: ticketPk, sk: 'TICKET', gsi1pk: partition, gsi1sk: sortKey }) } }), 'cursor');
  });

  it('hands out opaque cursors that page on, and refuses one changed by a bit or used for another folder', async () => {
    const { asAdmin } = world.acme;
    for (let index = 0; index < 2; index++) {
      expect((await tickets({ route: 'POST /tickets', identity: asAdmin, body: { contact: { uuid: newContactUuid() } } })).status).toBe(201);
    }
    const first = await tickets({ route: 'GET /tickets', identity: asAdmin, query: { limit: '1' } });
    const cursor: string = first.body.next_cursor;
    expect(cursor).toEqual(expect.any(String));
    expect(Buffer.from(cursor, 'base64url').toString('latin1')).not.toMatch(/WS#|TICKET|gsi/);
    const second = await tickets({ route: 'GET /tickets', identity: asAdmin, query: { limit: '1', cursor } });
    expect(second.status).toBe(200);
    expect(second.body.results[0].uuid).not.toBe(first.body.results[0].uuid);
    const tampered = Buffer.from(cursor, 'base64url');
    tampered[tampered.length - 1]! ^= 1;
    expectBadRequest(await tickets({ route: 'GET /tickets', identity: asAdmin, query: { limit: '1', cursor: tampered.toString('base64url') } }), 'cursor');
    expectBadRequest(await tickets({ route: 'GET /tickets', identity: asAdmin, query: { limit: '1', cursor, status: 'closed' } }), 'cursor');
  });

  it('refuses an unknown or non-working assignee with 400 on assignee, as assign does', async () => {
    const { asAdmin } = world.acme;
    const unknown = await tickets({ route: 'POST /tickets', identity: asAdmin, body: { contact: { uuid: newContactUuid() }, assignee: newContactUuid() } });
    expectBadRequest(unknown, 'assignee');
    expect(unknown.body.error.code).toBe('unknown_assignee');
    const foreign = await tickets({ route: 'POST /tickets', identity: asAdmin, body: { contact: { uuid: newContactUuid() }, assignee: world.other.admin.uuid } });
    expectBadRequest(foreign, 'assignee');
  });
});

describe('unknown ids and other workspaces', () => {
  it('answers 404 for unknown ids, ids that are not uuids, and another workspace\'s tickets', async () => {
    const foreign = await openTicket(world.other.asAdmin);
    const { asAdmin } = world.acme;
    for (const ticket of [newContactUuid(), 'not-a-uuid', foreign.uuid]) {
      const params = { ticket };
      for (const request of [
        { route: 'GET /tickets/{ticket}' },
        { route: 'POST /tickets/{ticket}/close' },
        { route: 'POST /tickets/{ticket}/reopen' },
        { route: 'POST /tickets/{ticket}/notes', body: { note: 'hello' } },
        { route: 'POST /tickets/{ticket}/assign', body: { assignee: null } },
      ]) {
        const response = await tickets({ ...request, params, identity: asAdmin });
        expect(response.status, `${request.route} ${ticket}`).toBe(404);
        expect(response.body.error.code).toBe('ticket_not_found');
      }
    }
    // The foreign ticket is untouched.
    const detail = await tickets({ route: 'GET /tickets/{ticket}', params: { ticket: foreign.uuid }, identity: world.other.asAdmin });
    expect(detail.body.history).toHaveLength(1);
  });

  it('answers 404 for an unknown topic', async () => {
    const { uuid } = await openTicket();
    const response = await tickets({
      route: 'POST /tickets/{ticket}/topic',
      params: { ticket: uuid },
      identity: world.acme.asAdmin,
      body: { topic: newContactUuid() },
    });
    expect(response).toMatchObject({ status: 404, body: { error: { code: 'topic_not_found' } } });
  });
});

describe('state conflicts', () => {
  it('refuses a second open ticket for a contact and a reopen while another is open (409)', async () => {
    const contact = { uuid: newContactUuid(), name: 'Bo' };
    const first = await openTicket(world.acme.asAdmin, { contact });
    const second = await tickets({ route: 'POST /tickets', identity: world.acme.asAdmin, body: { contact } });
    expect(second).toMatchObject({ status: 409, body: { error: { code: 'contact_has_open_ticket' } } });

    await tickets({ route: 'POST /tickets/{ticket}/close', params: { ticket: first.uuid }, identity: world.acme.asAdmin });
    await openTicket(world.acme.asAdmin, { contact });
    const reopen = await tickets({ route: 'POST /tickets/{ticket}/reopen', params: { ticket: first.uuid }, identity: world.acme.asAdmin });
    expect(reopen).toMatchObject({ status: 409, body: { error: { code: 'contact_has_open_ticket' } } });
  });

  it('opens once per Idempotency-Key; the key with another request is 409 idempotency_key_reused', async () => {
    const body = { contact: { uuid: newContactUuid() }, assignee: world.acme.agent.uuid };
    const headers = { 'idempotency-key': `key-${newContactUuid()}` };
    const first = await tickets({ route: 'POST /tickets', identity: world.acme.asAdmin, body, headers });
    const retry = await tickets({ route: 'POST /tickets', identity: world.acme.asAdmin, body, headers });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ ticket: { assignee: { uuid: world.acme.agent.uuid } } });
    expect(retry.body).toEqual(first.body);
    const reused = await tickets({ route: 'POST /tickets', identity: world.acme.asAdmin, body: { ...body, note: 'something else' }, headers });
    expect(reused).toMatchObject({ status: 409, body: { error: { code: 'idempotency_key_reused' } } });
  });

  it('answers a replayed refusal with the status it had (an unknown topic stays 404)', async () => {
    const body = { contact: { uuid: newContactUuid() }, topic: { uuid: newContactUuid() } };
    const headers = { 'idempotency-key': `key-${newContactUuid()}` };
    const first = await tickets({ route: 'POST /tickets', identity: world.acme.asAdmin, body, headers });
    const retry = await tickets({ route: 'POST /tickets', identity: world.acme.asAdmin, body, headers });
    expect(first).toMatchObject({ status: 404, body: { error: { code: 'topic_not_found' } } });
    expect(retry).toMatchObject({ status: 404, body: { error: { code: 'topic_not_found' } } });
  });
});
