// What the inbox reads over HTTP, on DynamoDB Local: folder pages and the
// ticket detail with the ticket's last message, the detail's contact with
// its groups, and GET /groups (agents may read it; each workspace its own).
import { beforeAll, describe, expect, it } from 'vitest';
import { ticketDetailSchema, ticketPageSchema } from '#http/ticket-schemas';
import { groupListSchema } from '#http/trigger-schemas';
import { supportFlow13 } from '../../flows/fixtures/flows';
import { call } from './support';
import { createTestWorkspaces, newContactUuid } from './fixture';

let world: Awaited<ReturnType<typeof createTestWorkspaces>>;
let tickets: Parameters<typeof call>[0];
let flows: Parameters<typeof call>[0];
let triggers: Parameters<typeof call>[0];

const GOLD = { uuid: 'd5000000-0000-4000-8000-00000000a001', name: 'Gold' };
const BRONZE = { uuid: 'd5000000-0000-4000-8000-00000000a002', name: 'Bronze' };

beforeAll(async () => {
  // HttpFlows reads it with its configuration; importing an export invokes nothing.
  process.env.TICKET_COMMAND_FUNCTION_NAME = 'not-invoked-here';
  world = await createTestWorkspaces();
  tickets = (await import('../../../functions/http-tickets')).handler;
  flows = (await import('../../../functions/http-flows')).handler;
  triggers = (await import('../../../functions/http-triggers')).handler;
});

describe('GET /groups', () => {
  it('lists the groups of the imported exports by name, to agents too, per workspace', async () => {
    const imported = await call(flows, { route: 'POST /flows', identity: world.acme.asAdmin, body: { version: '13', flows: [supportFlow13()], groups: [{ ...GOLD, query: null }, { ...BRONZE, query: null }] } });
    expect(imported.status, JSON.stringify(imported.body)).toBe(201);
    const listed = await call(triggers, { route: 'GET /groups', identity: world.acme.asAgent });
    expect(listed.status, JSON.stringify(listed.body)).toBe(200);
    expect(groupListSchema.parse(listed.body).results).toEqual([BRONZE, GOLD]);
    expect((await call(triggers, { route: 'GET /groups', identity: world.other.asAgent })).body).toEqual({ results: [] });
  });
});

describe('the ticket list and detail', () => {
  it('show the last message: none for a ticket opened by hand, then the agent\'s reply; the detail\'s contact has its groups', async () => {
    const { asAgent } = world.acme;
    const opened = await call(tickets, { route: 'POST /tickets', identity: asAgent, body: { contact: { uuid: newContactUuid(), name: 'Lia', urns: ['tel:+5511999990001'] } } });
    expect(opened.status, JSON.stringify(opened.body)).toBe(201);
    const ticket = opened.body.ticket.uuid as string;
    const listed = async () => {
      const page = await call(tickets, { route: 'GET /tickets', identity: asAgent, query: { folder: 'all', status: 'open' } });
      expect(page.status, JSON.stringify(page.body)).toBe(200);
      return ticketPageSchema.parse(page.body).results.find((candidate) => candidate.uuid === ticket)!;
    };
    expect((await listed()).last_message).toBeNull();

    const text = `Hello Lia, ${'we are on it. '.repeat(20)}`;
    const replied = await call(tickets, { route: 'POST /tickets/{ticket}/messages', params: { ticket }, identity: asAgent, body: { text } });
    expect(replied.status, JSON.stringify(replied.body)).toBe(201);
    const expected = { text: text.slice(0, 160), direction: 'out', created_on: replied.body.created_on };
    expect((await listed()).last_message).toEqual(expected);

    const detail = await call(tickets, { route: 'GET /tickets/{ticket}', params: { ticket }, identity: asAgent });
    const parsed = ticketDetailSchema.parse(detail.body);
    expect(parsed.ticket.last_message).toEqual(expected);
    // No flow session yet: no groups.
    expect(parsed.contact.groups).toEqual([]);
  });
});
