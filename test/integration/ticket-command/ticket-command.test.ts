// The ticket command function invoked as Lambda would: the handler module wired
// through its wiring (shared/wiring/ticket-command.ts) to a table of its own.
import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createDynamoDbRepositories } from '#adapters/dynamodb/index';
import type { UseCases } from '#use-cases/index';
import { createTestTable, newContact, seedWorkspace, useCasesOver, type TestTable } from '../storage/support';

let table: TestTable;
let useCases: UseCases;
let ws: Awaited<ReturnType<typeof seedWorkspace>>;
let handler: (typeof import('../../../functions/ticket-command'))['handler'];

const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

beforeAll(async () => {
  table = await createTestTable('ticket-command');
  process.env.TABLE_NAME = table.tableName;
  ({ handler } = await import('../../../functions/ticket-command'));
  useCases = useCasesOver(table);
  ws = await seedWorkspace(useCases);
});
afterAll(() => table.drop());

function request(overrides: Record<string, unknown> = {}) {
  return {
    command: 'open_ticket',
    workspace: ws.workspace.uuid,
    idempotency_key: randomUUID(),
    contact: newContact(),
    topic: { name: 'Deliveries' },
    assignee: null,
    note: 'Where is my parcel?',
    opened_in: { uuid: randomUUID(), name: 'Delivery bot' },
    ...overrides,
  };
}

describe('ticket command', () => {
  it('opens a ticket and answers with goflow-shaped events', async () => {
    const input = request({ assignee: { email: ws.ann.email } });
    const response = await handler(input);
    expect(response.error).toBeUndefined();
    expect(response.ticket).toMatchObject({
      status: 'open',
      topic: { name: 'Deliveries' },
      assignee: ws.ann,
      contact: { uuid: (input.contact as { uuid: string }).uuid, name: 'Cathy' },
    });
    expect(response.ticket?.opened_on).toMatch(TIMESTAMP);
    expect(response.events).toEqual([
      { type: 'ticket_opened', created_on: response.ticket!.opened_on, ticket: { uuid: response.ticket!.uuid, status: 'open', topic: response.ticket!.topic, assignee: ws.ann } },
      { type: 'ticket_note_added', created_on: response.ticket!.opened_on, ticket_uuid: response.ticket!.uuid, note: 'Where is my parcel?' },
    ]);
    const detail = await useCases.getTicket({ actor: ws.asAnn, ticket: response.ticket!.uuid });
    expect(detail.ticket.opened_in).toEqual(input.opened_in);
    expect(detail.ticket.opened_by).toBeNull();
    expect(detail.history.every((event) => event.created_by === null)).toBe(true);
  });

  it('opens unassigned and reports an unknown assignee beside the ticket', async () => {
    const response = await handler(request({ assignee: { uuid: randomUUID() }, note: undefined }));
    expect(response.ticket?.assignee).toBeNull();
    expect(response.error?.code).toBe('unknown_assignee');
    expect(response.events.map((event) => event.type)).toEqual(['ticket_opened']);
    expect(response.events[0]).not.toHaveProperty('ticket.assignee');
  });

  it('opens nothing for a contact with an open ticket', async () => {
    const contact = newContact();
    const first = await handler(request({ contact }));
    const second = await handler(request({ contact, topic: null }));
    expect(first.ticket?.status).toBe('open');
    expect(second).toEqual({ ticket: null, events: [], error: { code: 'contact_has_open_ticket', message: expect.any(String) } });
  });

  it('answers a retried invoke with the first answer, and opens one ticket', async () => {
    const input = request();
    const first = await handler(input);
    const retries = await Promise.all(Array.from({ length: 5 }, () => handler(input)));
    for (const retry of retries) expect(retry).toEqual(first);
    const tickets = await useCases.listTickets({ actor: ws.asAnn, contact: (input.contact as { uuid: string }).uuid });
    expect(tickets.results).toHaveLength(1);
    // A refusal is remembered too: the same key keeps saying no after the contact's ticket closed.
    const refusedInput = request({ contact: input.contact });
    const refused = await handler(refusedInput);
    expect(refused.error?.code).toBe('contact_has_open_ticket');
    await useCases.closeTicket({ actor: ws.asAnn, ticket: first.ticket!.uuid });
    expect(await handler(refusedInput)).toEqual(refused);
  });

  it.each([
    ['not an object', 'hello', 'request'],
    ['null', null, 'request'],
    ['an unknown command', { command: 'close_ticket' }, 'command'],
    ['a bad workspace', { workspace: 'nope' }, 'workspace'],
    ['no idempotency key', { idempotency_key: undefined }, 'idempotency_key'],
    ['a contact without uuid', { contact: { name: 'X' } }, 'contact.uuid'],
    ['a note too long', { note: 'x'.repeat(10_001) }, 'note'],
    ['a topic name too long', { topic: { name: 'x'.repeat(65) } }, 'topic.name'],
    ['a wrong contact field', { contact: { uuid: randomUUID(), fields: { age: 3 } } }, 'contact.fields.age'],
    ['a bad language', { contact: { uuid: randomUUID(), language: 'English' } }, 'contact.language'],
    ['101 contact fields', { contact: { uuid: randomUUID(), fields: Object.fromEntries(Array.from({ length: 101 }, (_, index) => [`f${index}`, 'x'])) } }, 'contact.fields'],
    ['a contact field value too long', { contact: { uuid: randomUUID(), fields: { bio: 'x'.repeat(641) } } }, 'contact.fields.bio'],
    ['33 URNs', { contact: { uuid: randomUUID(), urns: Array.from({ length: 33 }, (_, index) => `tel:+25078800${index}`) } }, 'contact.urns'],
    ['a URN too long', { contact: { uuid: randomUUID(), urns: [`tel:${'1'.repeat(252)}`] } }, 'contact.urns.0'],
    ['a contact name too long', { contact: { uuid: randomUUID(), name: 'x'.repeat(129) } }, 'contact.name'],
  ])('answers invalid_request naming the field for %s', async (_, body, field) => {
    const input = typeof body === 'object' && body !== null ? request(body) : body;
    const response = await handler(input);
    expect(response.ticket).toBeNull();
    expect(response.error?.code).toBe('invalid_request');
    expect(response.error?.message).toContain(field);
  });

  it('answers the first answer to an idempotency key whatever a retry carries (a flow rerun re-evaluates its note), opens one ticket, and logs the mismatch', async () => {
    const input = request();
    const first = await handler(input);
    expect(first.ticket).not.toBeNull();
    // Powertools writes warnings to stderr, or through console.warn under POWERTOOLS_DEV (vitest.config.ts).
    const logged = vi.spyOn(process.stderr, 'write');
    const warned = vi.spyOn(console, 'warn');
    try {
      await fc.assert(
        fc.asyncProperty(
          fc.record({
            note: fc.string({ minLength: 1, maxLength: 50 }),
            topic: fc.constantFrom({ name: 'Deliveries' }, { name: 'Billing' }, null),
            assignee: fc.constantFrom(null, { email: ws.ann.email }),
            opened_in: fc.constantFrom(input.opened_in, { uuid: randomUUID(), name: 'Another bot' }),
          }),
          async (retry) => {
            expect(await handler({ ...input, ...retry })).toEqual(first);
          },
        ),
        { numRuns: 12 },
      );
      const lines = [...logged.mock.calls, ...warned.mock.calls].map(([line]) => String(line));
      expect(lines.some((line) => line.includes('came back with a different request'))).toBe(true);
    } finally {
      logged.mockRestore();
      warned.mockRestore();
    }
    const opened = await useCases.listTickets({ actor: ws.asAnn, contact: (input.contact as { uuid: string }).uuid });
    expect(opened.results.map((ticket) => ticket.uuid)).toEqual([first.ticket!.uuid]);
  });

  it('records a refusal by the workspace (topic_not_found) so that a retry gets the same answer', async () => {
    const input = request({ topic: { uuid: randomUUID() } });
    const refused = await handler(input);
    expect(refused).toMatchObject({ ticket: null, error: { code: 'topic_not_found' } });
    const repositories = createDynamoDbRepositories({ client: new DynamoDBClient({}), tableName: table.tableName });
    const record = await repositories.idempotency.get(ws.workspace.uuid, 'open_ticket', input.idempotency_key);
    expect(record?.response).toMatchObject({ ticket: null, error: { code: 'topic_not_found' } });
    expect(await handler(input)).toEqual(refused);
  });

  it('keeps open-ticket keys apart from flow-start keys of the same text', async () => {
    const key = randomUUID();
    const repositories = createDynamoDbRepositories({ client: new DynamoDBClient({}), tableName: table.tableName });
    await repositories.idempotency.putIfAbsent(ws.workspace.uuid, 'start_flow', key, { response: { session: null }, requestHash: 'x' });
    const opened = await handler(request({ idempotency_key: key }));
    expect(opened.ticket?.status).toBe('open');
  });

  it('answers workspace_not_found and topic_not_found without throwing', async () => {
    expect((await handler(request({ workspace: randomUUID() }))).error?.code).toBe('workspace_not_found');
    expect((await handler(request({ topic: { uuid: randomUUID() } }))).error?.code).toBe('topic_not_found');
  });
});
