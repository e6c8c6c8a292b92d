// The ticket indexes project keys only (gsi1–gsi4 also the contact uuid):
// every reader of an index gets what it shows from one Query and one BatchGet,
// and a command rewrites only the index entries whose keys move
// (docs/benchmarks.md, "Index projections").
import { randomUUID } from 'node:crypto';
import { DynamoDBClient, type ConsumedCapacity } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromTicketItem, toTicketItem, ticketKeys } from '#adapters/dynamodb/entities/ticket';
import type { ConsumedCapacityReport } from '#adapters/dynamodb/index';
import { createDynamoDbRepositories } from '#adapters/dynamodb/index';
import { createUseCases, type TicketView, type UseCases } from '#use-cases/index';
import { ticket as ticketFixture } from '../counts/harness';
import { createTestTable, newContact, seedWorkspace, type TestTable } from './support';

let table: TestTable;
let useCases: UseCases;
let ws: Awaited<ReturnType<typeof seedWorkspace>>;
/** What the repositories reported (operation and label of every call), and the index capacity of each transaction. */
const reports: ConsumedCapacityReport[] = [];
const transactions: ConsumedCapacity[] = [];

// Distinct, increasing times, so orders are known.
let tick = Date.parse('2026-11-29T10:00:00Z');
const clock = () => new Date((tick += 1000));

beforeAll(async () => {
  const client = new DynamoDBClient({});
  // The repositories ask for TOTAL; ask DynamoDB for the per-index figures of ticket transactions instead, to see which indexes a command rewrites.
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName !== 'TransactWriteItemsCommand') return next(args);
      (args.input as { ReturnConsumedCapacity?: string }).ReturnConsumedCapacity = 'INDEXES';
      const out = await next(args);
      transactions.push(...(((out.output as { ConsumedCapacity?: ConsumedCapacity[] }).ConsumedCapacity) ?? []));
      return out;
    },
    { step: 'initialize', name: 'indexCapacity' },
  );
  table = await createTestTable('projections', client);
  useCases = createUseCases({
    ...createDynamoDbRepositories({ client: table.client, tableName: table.tableName, onConsumedCapacity: (report) => reports.push(report) }),
    clock,
  });
  ws = await seedWorkspace(useCases);
});
afterAll(() => table.drop());

/** The calls a use case made, as `command label`. */
async function callsOf(run: () => Promise<unknown>): Promise<string[]> {
  const from = reports.length;
  await run();
  return reports.slice(from).map((report) => `${report.command} ${report.label}`);
}

/** The per-index write units of the one transaction `run` makes. */
async function indexWritesOf(run: () => Promise<unknown>): Promise<{ total: number; table: number; indexes: Record<string, number> }> {
  const from = transactions.length;
  await run();
  const made = transactions.slice(from);
  expect(made).toHaveLength(1);
  const [capacity] = made;
  return {
    total: capacity!.CapacityUnits!,
    table: capacity!.Table!.CapacityUnits!,
    indexes: Object.fromEntries(Object.entries(capacity!.GlobalSecondaryIndexes ?? {}).map(([name, units]) => [name, units.CapacityUnits!])),
  };
}

async function open(name: string, options: { topic?: string; assignee?: string; contact?: ReturnType<typeof newContact>; lastMessage?: string } = {}) {
  const response = await useCases.openTicket({
    actor: ws.asFlow,
    contact: options.contact ?? newContact(name),
    topic: options.topic ? { name: options.topic } : null,
    assignee: options.assignee ? { uuid: options.assignee } : null,
    note: 'Wants a refund for order 1234; says the parcel arrived damaged.',
    opened_in: { uuid: randomUUID(), name: 'Support flow' },
    ...(options.lastMessage ? { last_message: { text: options.lastMessage, created_on: new Date(tick).toISOString() } } : {}),
  });
  return response.ticket!;
}

/** Every row, as the ticket's detail shows it: what the list must show too. */
async function detailsOf(rows: TicketView[]) {
  return Promise.all(rows.map(async (row) => (await useCases.getTicket({ actor: ws.asAnn, ticket: row.uuid })).ticket));
}

describe('a folder page', () => {
  it('is one Query of index entries and one BatchGet of their tickets and contacts, and its rows hold everything the ticket shows', async () => {
    for (let i = 0; i < 6; i++) await open(`Row ${i}`, { topic: 'Billing', lastMessage: i % 2 ? `Hello ${'é'.repeat(150)}` : undefined });
    const first = await useCases.listFolder({ actor: ws.asAnn, folder: 'all', status: 'open', limit: 4 });
    const calls = await callsOf(() => useCases.listFolder({ actor: ws.asAnn, folder: 'all', status: 'open', limit: 4, cursor: first.next_cursor! }));
    const page = calls.filter((call) => call.includes('ticket.list_folder'));
    expect(page).toEqual(['Query ticket.list_folder', 'BatchGetItem ticket.list_folder.items']);
    expect(calls.every((call) => /^(Query|BatchGetItem|GetItem) /.test(call))).toBe(true);

    const rows = first.results;
    expect(rows).toHaveLength(4);
    expect(rows).toEqual(await detailsOf(rows));
    expect(rows.some((row) => row.last_message?.text.startsWith('Hello é'))).toBe(true);
    expect(rows.every((row) => row.contact.name?.startsWith('Row '))).toBe(true);
  });

  it('leaves out a ticket the index still lists in the folder but which has left it', async () => {
    const ticket = await open('Lagging');
    const item = (await table.client.send(new GetCommand({ TableName: table.tableName, Key: ticketKeys.ticket(ws.workspace.uuid, ticket.uuid) }))).Item!;
    // What a reader sees while an index lags its table: the entry still in the open partition, the item closed.
    await table.client.send(new PutCommand({ TableName: table.tableName, Item: { ...item, status: 'closed', closed_on: '2026-11-29T12:00:00.000000Z' } }));
    const listed = await useCases.listFolder({ actor: ws.asAnn, folder: 'all', status: 'open', limit: 250 });
    expect(listed.results.map((row) => row.uuid)).not.toContain(ticket.uuid);
    await table.client.send(new PutCommand({ TableName: table.tableName, Item: item }));
    const back = await useCases.listFolder({ actor: ws.asAnn, folder: 'all', status: 'open', limit: 1 });
    expect(back.results.map((row) => row.uuid)).toEqual([ticket.uuid]);
  });
});

describe('the RapidPro v2 list', () => {
  it('is one Query and one BatchGet per page of 25, newest modified_on first, each row complete', async () => {
    const calls = await callsOf(() => useCases.listTickets({ actor: ws.asAnn, limit: 5 }));
    expect(calls.filter((call) => call.includes('ticket.list'))).toEqual(['Query ticket.list', 'BatchGetItem ticket.list.items']);
    const page = await useCases.listTickets({ actor: ws.asAnn, limit: 5 });
    const modified = page.results.map((row) => row.modified_on);
    expect([...modified].sort().reverse()).toEqual(modified);
    expect(page.results).toEqual(await detailsOf(page.results));
  });
});

describe("a contact's tickets", () => {
  it('come newest modified_on first although gsi5 sorts by opening: a reopened older ticket leads', async () => {
    const contact = newContact('Returning');
    const first = await open('Returning', { contact });
    await useCases.closeTicket({ actor: ws.asAnn, ticket: first.uuid });
    const second = await open('Returning', { contact });
    await useCases.closeTicket({ actor: ws.asAnn, ticket: second.uuid });
    await useCases.reopenTicket({ actor: ws.asAnn, ticket: first.uuid });
    const calls = await callsOf(() => useCases.listTickets({ actor: ws.asAnn, contact: contact.uuid }));
    expect(calls.filter((call) => call.includes('ticket.list_by_contact'))).toEqual(['Query ticket.list_by_contact', 'BatchGetItem ticket.list_by_contact.items']);
    const listed = await useCases.listTickets({ actor: ws.asAnn, contact: contact.uuid });
    expect(listed.results.map((row) => row.uuid)).toEqual([first.uuid, second.uuid]);
    expect(listed.results).toEqual(await detailsOf(listed.results));
    expect(listed.results[0]?.contact.name).toBe('Returning');
  });

  it('page through every ticket once, in order, whatever the page size; another list’s cursor is refused naming `cursor`', async () => {
    const contact = newContact('Many');
    const opened: string[] = [];
    for (let i = 0; i < 5; i++) {
      const ticket = await open('Many', { contact });
      opened.push(ticket.uuid);
      await useCases.closeTicket({ actor: ws.asAnn, ticket: ticket.uuid });
    }
    // Reopen and close some again, so modified_on no longer follows the opening order.
    await useCases.reopenTicket({ actor: ws.asAnn, ticket: opened[1]! });
    await useCases.closeTicket({ actor: ws.asAnn, ticket: opened[1]! });
    const all = (await useCases.listTickets({ actor: ws.asAnn, contact: contact.uuid })).results;
    expect(all.map((row) => row.uuid)).toEqual([opened[1], opened[4], opened[3], opened[2], opened[0]]);
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 6 }), async (limit) => {
        const seen: string[] = [];
        let cursor: string | undefined;
        do {
          const page = await useCases.listTickets({ actor: ws.asAnn, contact: contact.uuid, limit, ...(cursor ? { cursor } : {}) });
          expect(page.results.length).toBeLessThanOrEqual(limit);
          seen.push(...page.results.map((row) => row.uuid));
          cursor = page.next_cursor ?? undefined;
        } while (cursor);
        expect(seen).toEqual(all.map((row) => row.uuid));
      }),
      { numRuns: 6 },
    );
    const page = await useCases.listTickets({ actor: ws.asAnn, contact: contact.uuid, limit: 1 });
    await expect(useCases.listTickets({ actor: ws.asAnn, contact: newContact().uuid, cursor: page.next_cursor! })).rejects.toMatchObject({ field: 'cursor' });
    await expect(useCases.listTickets({ actor: ws.asAnn, cursor: page.next_cursor! })).rejects.toMatchObject({ field: 'cursor' });
  });
});

describe('a ticket command', () => {
  it('rewrites only the index entries whose keys move, each one small: ≤ 40 WCU in DynamoDB Local’s accounting', async () => {
    const ticket = await open('Costly', { topic: 'Billing' });
    const general = (await useCases.listTopics({ actor: ws.asAnn })).find((topic) => topic.system)!.uuid;
    const commands = {
      assign: () => useCases.assignTicket({ actor: ws.asAnn, ticket: ticket.uuid, assignee: ws.ann.uuid }),
      note: () => useCases.addNote({ actor: ws.asAnn, ticket: ticket.uuid, note: 'Called back: the customer will send a photo of the parcel.' }),
      topic: () => useCases.changeTopic({ actor: ws.asAnn, ticket: ticket.uuid, topic: general }),
      close: () => useCases.closeTicket({ actor: ws.asAnn, ticket: ticket.uuid }),
      reopen: () => useCases.reopenTicket({ actor: ws.asAnn, ticket: ticket.uuid }),
    };
    const moving = { assign: ['gsi1', 'gsi2', 'gsi3', 'gsi4'], note: ['gsi1', 'gsi2', 'gsi3'], topic: ['gsi1', 'gsi2', 'gsi3', 'gsi4'], close: ['gsi1', 'gsi2', 'gsi3', 'gsi4'], reopen: ['gsi1', 'gsi2', 'gsi3', 'gsi4'] };
    for (const [name, run] of Object.entries(commands)) {
      const writes = await indexWritesOf(run);
      // gsi5 (the contact's tickets, keyed by opened_on) is never rewritten; a moved entry is one delete and one put of ≤ 1 KB.
      expect(Object.keys(writes.indexes).sort(), name).toEqual(moving[name as keyof typeof moving]);
      expect(Object.values(writes.indexes).every((units) => units <= 8), name).toBe(true);
      // The ticket item stays under 1 KB (no null attributes, no copies of its timestamps): with its event, 8 (it was 12 at 1.3 KB).
      expect(writes.table, name).toBeLessThanOrEqual(8);
      expect(writes.total, name).toBeLessThanOrEqual(40);
    }
  });
});

describe('the ticket item', () => {
  it('leaves null attributes out and reads them back as null, and reads items stored with them', () => {
    // The harness's ticket has every nullable attribute null.
    const ticket = fromTicketItem(toTicketItem(ticketFixture({ workspace: 'w' })));
    expect(ticket).toMatchObject({ assignee: null, opened_by: null, opened_in: null, closed_on: null, replied_on: null, last_message: null });
    const item = toTicketItem(ticket);
    for (const name of ['assignee_uuid', 'opened_by_uuid', 'opened_in', 'closed_on', 'replied_on', 'last_message']) expect(item).not.toHaveProperty(name);
    // Items written before carried the nulls: the same ticket.
    expect(fromTicketItem({ ...item, assignee_uuid: null, opened_by_uuid: null, opened_in: null, closed_on: null, replied_on: null, last_message: null })).toEqual(ticket);
  });

});
