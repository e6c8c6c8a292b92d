import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCountsRepository } from '#adapters/dynamodb/counts-repository';
import { countDeltas } from '#domain/folder-counts';
import { ValidationError } from '#domain/errors';
import type { TicketView, UseCases } from '#use-cases/index';
import { createTestTable, newContact, seedWorkspace, useCasesOver, type TestTable } from './support';

let table: TestTable;
let useCases: UseCases;
let ws: Awaited<ReturnType<typeof seedWorkspace>>;
let billing: string;
const opened: TicketView[] = [];

// Distinct, increasing times so the expected order is known.
let tick = Date.parse('2026-11-24T10:00:00Z');
const clock = () => new Date((tick += 1000));

beforeAll(async () => {
  table = await createTestTable('folders');
  useCases = useCasesOver(table);
  ws = await seedWorkspace(useCases);
  const clocked = (await import('#use-cases/index')).createUseCases({
    ...(await import('#adapters/dynamodb/index')).createDynamoDbRepositories({ client: table.client, tableName: table.tableName }),
    clock,
  });
  useCases = clocked;
  // 30 tickets: every third in Billing, every fifth assigned to Ann.
  for (let i = 0; i < 30; i++) {
    const response = await useCases.openTicket({
      actor: ws.asFlow,
      contact: newContact(`Contact ${i}`),
      topic: i % 3 === 0 ? { name: 'Billing' } : null,
      assignee: i % 5 === 0 ? { uuid: ws.ann.uuid } : null,
    });
    opened.push(response.ticket!);
  }
  billing = opened[0]!.topic.uuid;
  // Close the last two.
  for (const ticket of opened.slice(28)) await useCases.closeTicket({ actor: ws.asAnn, ticket: ticket.uuid });
});
afterAll(() => table.drop());

async function readAll(folder: Parameters<UseCases['listFolder']>[0]['folder'], status: 'open' | 'closed', limit?: number) {
  const seen: TicketView[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page = await useCases.listFolder({ actor: ws.asAnn, folder, status, ...(limit ? { limit } : {}), ...(cursor ? { cursor } : {}) });
    seen.push(...page.results);
    cursor = page.next_cursor ?? undefined;
    pages++;
  } while (cursor);
  return { seen, pages };
}

describe('folders', () => {
  it('All pages through every open ticket, newest activity first, 25 a page by default', async () => {
    const first = await useCases.listFolder({ actor: ws.asAnn, folder: 'all', status: 'open' });
    expect(first.results).toHaveLength(25);
    expect(first.next_cursor).not.toBeNull();
    const { seen, pages } = await readAll('all', 'open');
    expect(pages).toBe(2);
    expect(seen.map((t) => t.uuid)).toEqual(opened.slice(0, 28).reverse().map((t) => t.uuid));
    expect(seen[0]?.contact.name).toBe('Contact 27');
  });

  it('pages of an exact multiple end without an empty page', async () => {
    const { seen, pages } = await readAll('all', 'open', 7);
    expect(seen).toHaveLength(28);
    expect(pages).toBe(4);
  });

  it('Unassigned, Mine, a topic, and closed tickets hold what they should', async () => {
    const mine = (await readAll('mine', 'open')).seen;
    expect(mine.map((t) => t.uuid).sort()).toEqual(opened.slice(0, 28).filter((_, i) => i % 5 === 0).map((t) => t.uuid).sort());
    const unassigned = (await readAll('unassigned', 'open')).seen;
    expect(unassigned).toHaveLength(28 - mine.length);
    expect(unassigned.every((t) => t.assignee === null)).toBe(true);
    const topic = (await readAll({ topic: billing }, 'open')).seen;
    expect(topic.map((t) => t.uuid).sort()).toEqual(opened.slice(0, 28).filter((_, i) => i % 3 === 0).map((t) => t.uuid).sort());
    const closed = (await readAll('all', 'closed')).seen;
    expect(closed.map((t) => t.uuid)).toEqual([opened[29]!.uuid, opened[28]!.uuid]);
  });

  it('moves a ticket to the top of its folders on new activity, and between folders on assignment', async () => {
    const oldest = opened[1]!;
    await useCases.assignTicket({ actor: ws.asBob, ticket: oldest.uuid, assignee: ws.bob.uuid });
    const all = await useCases.listFolder({ actor: ws.asAnn, folder: 'all', status: 'open', limit: 1 });
    expect(all.results[0]?.uuid).toBe(oldest.uuid);
    const bobs = await useCases.listFolder({ actor: ws.asBob, folder: 'mine', status: 'open' });
    expect(bobs.results.map((t) => t.uuid)).toEqual([oldest.uuid]);
    const unassigned = (await readAll('unassigned', 'open')).seen;
    expect(unassigned.some((t) => t.uuid === oldest.uuid)).toBe(false);
  });

  it('refuses bad limits and cursors from another folder, naming the field', async () => {
    await expect(useCases.listFolder({ actor: ws.asAnn, folder: 'all', status: 'open', limit: 251 })).rejects.toMatchObject({ constructor: ValidationError, field: 'limit' });
    await expect(useCases.listFolder({ actor: ws.asAnn, folder: 'all', status: 'open', limit: 0 })).rejects.toMatchObject({ field: 'limit' });
    const page = await useCases.listFolder({ actor: ws.asAnn, folder: 'all', status: 'open', limit: 2 });
    await expect(useCases.listFolder({ actor: ws.asAnn, folder: 'unassigned', status: 'open', cursor: page.next_cursor! })).rejects.toMatchObject({ field: 'cursor' });
    await expect(useCases.listFolder({ actor: ws.asAnn, folder: 'all', status: 'open', cursor: 'not-a-cursor' })).rejects.toMatchObject({ field: 'cursor' });
    const other = await seedWorkspace(useCases, 'Other');
    await expect(useCases.listFolder({ actor: other.asAnn, folder: 'all', status: 'open', cursor: page.next_cursor! })).rejects.toMatchObject({ field: 'cursor' });
  });

  it('lists tickets for the RapidPro API by modified_on, by contact and by uuid', async () => {
    const page = await useCases.listTickets({ actor: ws.asAnn, limit: 10 });
    expect(page.results).toHaveLength(10);
    const modified = page.results.map((t) => t.modified_on);
    expect([...modified].sort().reverse()).toEqual(modified);
    const next = await useCases.listTickets({ actor: ws.asAnn, limit: 250, cursor: page.next_cursor! });
    expect(next.results).toHaveLength(20);
    expect(next.next_cursor).toBeNull();
    const byContact = await useCases.listTickets({ actor: ws.asAnn, contact: opened[3]!.contact.uuid });
    expect(byContact.results.map((t) => t.uuid)).toEqual([opened[3]!.uuid]);
    const byUuid = await useCases.listTickets({ actor: ws.asAnn, uuid: opened[4]!.uuid });
    expect(byUuid.results[0]).toMatchObject({ uuid: opened[4]!.uuid, contact: { name: 'Contact 4' } });
    expect((await useCases.listTickets({ actor: ws.asAnn, uuid: randomUUID() })).results).toEqual([]);
  });

  it('reads folder counts from the counters the stream consumer keeps', async () => {
    const counts = createCountsRepository({ client: table.client, tableName: table.tableName });
    // What the consumer would apply for two tickets: one unassigned in Billing, one of Ann's in General.
    const general = (await useCases.listTopics({ actor: ws.asAnn })).find((t) => t.system)!.uuid;
    await counts.applyDeltas({ workspace: ws.workspace.uuid, eventId: 'e1', deltas: countDeltas(null, { status: 'open', assignee_uuid: null, topic_uuid: billing }) });
    await counts.applyDeltas({ workspace: ws.workspace.uuid, eventId: 'e2', deltas: countDeltas(null, { status: 'open', assignee_uuid: ws.ann.uuid, topic_uuid: general }) });
    await counts.applyDeltas({ workspace: ws.workspace.uuid, eventId: 'e3', deltas: countDeltas(null, { status: 'closed', assignee_uuid: null, topic_uuid: billing }) });
    const folders = await useCases.folderCounts({ actor: ws.asAnn });
    expect(folders).toMatchObject({ all: 2, unassigned: 1, mine: 1 });
    expect(folders.topics).toEqual([
      { uuid: general, name: 'General', open: 1 },
      { uuid: billing, name: 'Billing', open: 1 },
    ]);
    expect((await useCases.folderCounts({ actor: ws.asBob })).mine).toBe(0);
    const topics = await useCases.listTopics({ actor: ws.asAnn, uuid: billing });
    expect(topics).toEqual([expect.objectContaining({ name: 'Billing', counts: { open: 1, closed: 1 } })]);
  });
});
