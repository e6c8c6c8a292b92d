import { randomUUID } from 'node:crypto';
import { DynamoDBClient, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConsumedCapacityReport } from '#adapters/dynamodb/index';
import type { UseCases } from '#use-cases/index';
import { createTestTable, newContact, seedWorkspace, useCasesOver, type TestTable } from './support';

let table: TestTable;
let useCases: UseCases;
let ws: Awaited<ReturnType<typeof seedWorkspace>>;

beforeAll(async () => {
  table = await createTestTable('concurrency');
  useCases = useCasesOver(table);
  ws = await seedWorkspace(useCases);
});
afterAll(() => table.drop());

describe('concurrent commands', () => {
  it('20 commands on one ticket all land: a consistent ticket and nothing lost from the history', async () => {
    const opened = await useCases.openTicket({ actor: ws.asFlow, contact: newContact(), topic: null, assignee: null });
    const ticket = opened.ticket!.uuid;
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        i % 4 === 0
          ? useCases.assignTicket({ actor: ws.asAnn, ticket, assignee: i % 8 === 0 ? ws.ann.uuid : ws.bob.uuid })
          : useCases.addNote({ actor: ws.asAnn, ticket, note: `note ${i}` }),
      ),
    );
    const detail = await useCases.getTicket({ actor: ws.asAnn, ticket });
    const notes = detail.history.filter((event) => event.type === 'ticket_note_added').map((event) => event.note);
    expect(notes.sort()).toEqual(Array.from({ length: 20 }, (_, i) => i).filter((i) => i % 4 !== 0).map((i) => `note ${i}`).sort());
    const assignments = detail.history.filter((event) => event.type === 'ticket_assignee_changed');
    expect(assignments).toHaveLength(results.filter((result, i) => i % 4 === 0 && result.changed).length);
    // Each assignment continues from the one before it, and the last one is the ticket's assignee.
    let assignee: string | null = null;
    for (const event of assignments) {
      expect(event.previous_assignee?.uuid ?? null).toBe(assignee);
      assignee = event.assignee?.uuid ?? null;
    }
    expect(detail.ticket.assignee?.uuid ?? null).toBe(assignee);
    expect(detail.history).toHaveLength(1 + 15 + assignments.length);
  });

  it('20 duplicate opens with one idempotency key give one ticket and identical responses', async () => {
    const contact = newContact();
    const key = randomUUID();
    const responses = await Promise.all(
      Array.from({ length: 20 }, () => useCases.openTicket({ actor: ws.asFlow, contact, topic: { name: 'Duplicates' }, assignee: null, note: 'hi', idempotency_key: key })),
    );
    expect(responses[0]?.ticket?.status).toBe('open');
    for (const response of responses) expect(response).toEqual(responses[0]);
    const tickets = await useCases.listTickets({ actor: ws.asAnn, contact: contact.uuid });
    expect(tickets.results.map((ticket) => ticket.uuid)).toEqual([responses[0]?.ticket?.uuid]);
    const later = await useCases.openTicket({ actor: ws.asFlow, contact, topic: { name: 'Duplicates' }, assignee: null, note: 'hi', idempotency_key: key });
    expect(JSON.stringify(later)).toBe(JSON.stringify(responses[0]));
  });

  it('20 opens for one contact with different keys give exactly one open ticket', async () => {
    const contact = newContact();
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) => useCases.openTicket({ actor: ws.asFlow, contact, topic: { name: `Race ${i % 3}` }, assignee: null, idempotency_key: randomUUID() })),
    );
    const opened = responses.filter((response) => response.ticket !== null);
    expect(opened).toHaveLength(1);
    for (const response of responses.filter((r) => r.ticket === null)) expect(response.error?.code).toBe('contact_has_open_ticket');
    const tickets = await useCases.listTickets({ actor: ws.asAnn, contact: contact.uuid });
    expect(tickets.results).toHaveLength(1);
    expect((await useCases.getContact({ actor: ws.asAnn, contact: contact.uuid })).open_ticket).toBe(opened[0]?.ticket?.uuid);
  });

  it('20 opens naming one new topic in different case create it once', async () => {
    await Promise.all(
      Array.from({ length: 20 }, (_, i) => useCases.openTicket({ actor: ws.asFlow, contact: newContact(), topic: { name: i % 2 ? 'Shipping' : 'SHIPPING' }, assignee: null })),
    );
    const topics = await useCases.listTopics({ actor: ws.asAnn });
    expect(topics.filter((topic) => topic.name.toLowerCase() === 'shipping')).toHaveLength(1);
  });
});

describe('a transaction DynamoDB cancels for a TransactionConflict', () => {
  it('is retried, and the capacity of every call is reported', async () => {
    const client = new DynamoDBClient({});
    let injected = 0;
    // DynamoDB Local never raises TransactionConflict; fail the first ticket transaction as DynamoDB would.
    client.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'TransactWriteItemsCommand' && injected === 0) {
          const items = (args.input as { TransactItems: unknown[] }).TransactItems;
          if (items.length > 1) {
            injected++;
            throw new TransactionCanceledException({
              $metadata: {},
              message: 'Transaction cancelled, please refer cancellation reasons for specific reasons [TransactionConflict]',
              CancellationReasons: items.map((_, i) => (i === 0 ? { Code: 'TransactionConflict' } : { Code: 'None' })),
            });
          }
        }
        return next(args);
      },
      { step: 'initialize', name: 'injectTransactionConflict' },
    );
    const reports: ConsumedCapacityReport[] = [];
    const flaky = useCasesOver({ ...table, client: (await import('@aws-sdk/lib-dynamodb')).DynamoDBDocumentClient.from(client) }, {
      onConsumedCapacity: (report) => reports.push(report),
    });
    const opened = await flaky.openTicket({ actor: ws.asFlow, contact: newContact(), topic: null, assignee: null, note: 'retried' });
    expect(injected).toBe(1);
    expect(opened.ticket?.status).toBe('open');
    const detail = await flaky.getTicket({ actor: ws.asAnn, ticket: opened.ticket!.uuid });
    expect(detail.history.map((event) => event.type)).toEqual(['ticket_opened', 'ticket_note_added']);
    const open = reports.filter((report) => report.label === 'ticket.open');
    expect(open).toHaveLength(1);
    expect(open[0]!.writeUnits).toBeGreaterThan(0);
    expect(reports.some((report) => report.command === 'Query' && report.readUnits > 0)).toBe(true);
  });
});
