// HttpTopics and HttpContacts against DynamoDB Local.
import { beforeAll, describe, expect, it } from 'vitest';
import { contactSchema } from '#http/contact-schemas';
import { errorSchema } from '#http/schemas';
import { topicListSchema, topicSchema } from '#http/topic-schemas';
import { call, type JsonResponse } from './support';
import { createTestWorkspaces, newContactUuid } from './fixture';

let world: Awaited<ReturnType<typeof createTestWorkspaces>>;
let topics: Parameters<typeof call>[0];
let contacts: Parameters<typeof call>[0];

beforeAll(async () => {
  world = await createTestWorkspaces();
  topics = (await import('../../../functions/http-topics')).handler;
  contacts = (await import('../../../functions/http-contacts')).handler;
});

function expectError(response: JsonResponse, status: number, code: string) {
  expect(response.status, JSON.stringify(response.body)).toBe(status);
  expect(errorSchema.parse(response.body).error.code).toBe(code);
}

async function systemTopic(identity = world.acme.asAdmin) {
  const listed = topicListSchema.parse((await call(topics, { route: 'GET /topics', identity })).body);
  return listed.results.find((topic) => topic.system)!;
}

describe('topics', () => {
  it('lists the system topic of a new workspace', async () => {
    const general = await systemTopic();
    expect(general).toMatchObject({ name: 'General', system: true, counts: { open: 0, closed: 0 } });
  });

  it('creates (201) and renames topics; names are unique case-insensitively', async () => {
    const { asAdmin } = world.acme;
    const created = await call(topics, { route: 'POST /topics', identity: asAdmin, body: { name: 'Sales' } });
    expect(created.status).toBe(201);
    const sales = topicSchema.parse(created.body);
    expect(sales).toMatchObject({ name: 'Sales', system: false });

    expectError(await call(topics, { route: 'POST /topics', identity: asAdmin, body: { name: 'SALES' } }), 409, 'topic_name_taken');

    const renamed = await call(topics, { route: 'PATCH /topics/{topic}', params: { topic: sales.uuid }, identity: asAdmin, body: { name: 'Sales EU' } });
    expect(renamed.status).toBe(200);
    expect(topicSchema.parse(renamed.body)).toMatchObject({ uuid: sales.uuid, name: 'Sales EU' });
    const listed = topicListSchema.parse((await call(topics, { route: 'GET /topics', identity: asAdmin })).body);
    expect(listed.results.map((topic) => topic.name)).toContain('Sales EU');
  });

  it('refuses the system topic, agents, bad names, unknown and foreign topics', async () => {
    const { asAdmin, asAgent } = world.acme;
    const general = await systemTopic();
    expectError(
      await call(topics, { route: 'PATCH /topics/{topic}', params: { topic: general.uuid }, identity: asAdmin, body: { name: 'Misc' } }),
      403,
      'system_topic',
    );
    expectError(await call(topics, { route: 'POST /topics', identity: asAgent, body: { name: 'Agents' } }), 403, 'permission_denied');

    for (const body of [{ name: 'x'.repeat(65) }, { name: '' }, { name: 7 }, {}]) {
      const response = await call(topics, { route: 'POST /topics', identity: asAdmin, body });
      expect(response.status).toBe(400);
      expect(response.body.error.field).toBe('name');
    }
    const malformed = await call(topics, { route: 'POST /topics', identity: asAdmin, body: 'name=Sales' });
    expect(malformed).toMatchObject({ status: 400, body: { error: { code: 'invalid_json', field: 'body' } } });

    const foreign = await systemTopic(world.other.asAdmin);
    for (const topic of [newContactUuid(), foreign.uuid, 'General']) {
      expectError(
        await call(topics, { route: 'PATCH /topics/{topic}', params: { topic }, identity: asAdmin, body: { name: 'Hijack' } }),
        404,
        'topic_not_found',
      );
    }
    expect((await systemTopic(world.other.asAdmin)).name).toBe('General');
  });
});

describe('contacts', () => {
  it('creates and updates a contact with PUT and reads it back', async () => {
    const { asAgent } = world.acme;
    const uuid = newContactUuid();
    const put = await call(contacts, {
      route: 'PUT /contacts/{contact}',
      params: { contact: uuid },
      identity: asAgent,
      body: { name: 'Cy', urns: ['tel:+15551234567'], language: 'fra', fields: { city: 'Lyon', plan: null } },
    });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    expect(contactSchema.parse(put.body)).toMatchObject({ uuid, name: 'Cy', language: 'fra', urns: ['tel:+15551234567'], open_ticket: null });
    expect(put.body.fields.city).toBe('Lyon');

    const updated = await call(contacts, { route: 'PUT /contacts/{contact}', params: { contact: uuid }, identity: asAgent, body: { name: 'Cyril' } });
    // Keys left out keep their value.
    expect(updated.body).toMatchObject({ name: 'Cyril', language: 'fra', fields: { city: 'Lyon' } });

    const read = await call(contacts, { route: 'GET /contacts/{contact}', params: { contact: uuid }, identity: asAgent });
    expect(read.status).toBe(200);
    expect(contactSchema.parse(read.body)).toMatchObject({ uuid, name: 'Cyril' });
  });

  it('answers 404 for unknown, malformed and foreign contacts, 400 for bad fields', async () => {
    const foreign = newContactUuid();
    await call(contacts, { route: 'PUT /contacts/{contact}', params: { contact: foreign }, identity: world.other.asAdmin, body: { name: 'Theirs' } });
    for (const contact of [newContactUuid(), 'nope', foreign]) {
      expectError(
        await call(contacts, { route: 'GET /contacts/{contact}', params: { contact }, identity: world.acme.asAdmin }),
        404,
        'contact_not_found',
      );
    }
    const bad = await call(contacts, {
      route: 'PUT /contacts/{contact}',
      params: { contact: newContactUuid() },
      identity: world.acme.asAdmin,
      body: { urns: 'tel:+1555' },
    });
    expect(bad).toMatchObject({ status: 400, body: { error: { field: 'urns' } } });
  });
});
