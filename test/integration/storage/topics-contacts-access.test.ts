import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '#domain/errors';
import type { UseCases } from '#use-cases/index';
import { createTestTable, newContact, seedWorkspace, useCasesOver, type TestTable } from './support';

let table: TestTable;
let useCases: UseCases;

beforeAll(async () => {
  table = await createTestTable('topics');
  useCases = useCasesOver(table);
});
afterAll(() => table.drop());

describe('topics', () => {
  it('a new workspace has the system topic General, which cannot be renamed', async () => {
    const ws = await seedWorkspace(useCases);
    const topics = await useCases.listTopics({ actor: ws.asAnn });
    expect(topics).toEqual([expect.objectContaining({ name: 'General', system: true, counts: { open: 0, closed: 0 } })]);
    await expect(useCases.renameTopic({ actor: ws.asAnn, topic: topics[0]!.uuid, name: 'Other' })).rejects.toMatchObject({
      constructor: ForbiddenError,
      code: 'system_topic',
    });
  });

  it('names are unique case-insensitively, at most 64 characters', async () => {
    const ws = await seedWorkspace(useCases);
    const sales = await useCases.createTopic({ actor: ws.asAnn, name: 'Sales' });
    expect(sales).toMatchObject({ name: 'Sales', system: false });
    await expect(useCases.createTopic({ actor: ws.asAnn, name: ' sALES ' })).rejects.toMatchObject({ constructor: ConflictError, code: 'topic_name_taken' });
    await expect(useCases.createTopic({ actor: ws.asAnn, name: 'general' })).rejects.toMatchObject({ code: 'topic_name_taken' });
    await expect(useCases.createTopic({ actor: ws.asAnn, name: 'x'.repeat(65) })).rejects.toMatchObject({ constructor: ValidationError, field: 'name' });
    expect((await useCases.createTopic({ actor: ws.asAnn, name: 'x'.repeat(64) })).name).toHaveLength(64);
    // Opening with a name in another case uses the existing topic.
    const opened = await useCases.openTicket({ actor: ws.asFlow, contact: newContact(), topic: { name: 'SALES' }, assignee: null });
    expect(opened.ticket?.topic).toEqual({ uuid: sales.uuid, name: 'Sales' });
  });

  it('renames, frees the old name, and the tickets show the new name', async () => {
    const ws = await seedWorkspace(useCases);
    const topic = await useCases.createTopic({ actor: ws.asAnn, name: 'Refunds' });
    const other = await useCases.createTopic({ actor: ws.asAnn, name: 'Returns' });
    const opened = await useCases.openTicket({ actor: ws.asFlow, contact: newContact(), topic: { uuid: topic.uuid }, assignee: null });
    await expect(useCases.renameTopic({ actor: ws.asAnn, topic: topic.uuid, name: 'returns' })).rejects.toMatchObject({ code: 'topic_name_taken' });
    expect((await useCases.renameTopic({ actor: ws.asAnn, topic: topic.uuid, name: 'REFUNDS' })).name).toBe('REFUNDS');
    expect((await useCases.renameTopic({ actor: ws.asAnn, topic: topic.uuid, name: 'Money back' })).name).toBe('Money back');
    expect((await useCases.createTopic({ actor: ws.asAnn, name: 'Refunds' })).name).toBe('Refunds');
    await expect(useCases.createTopic({ actor: ws.asAnn, name: 'money BACK' })).rejects.toMatchObject({ code: 'topic_name_taken' });
    const detail = await useCases.getTicket({ actor: ws.asAnn, ticket: opened.ticket!.uuid });
    expect(detail.ticket.topic).toEqual({ uuid: topic.uuid, name: 'Money back' });
    await expect(useCases.renameTopic({ actor: ws.asAnn, topic: randomUUID(), name: 'X' })).rejects.toMatchObject({ constructor: NotFoundError, code: 'topic_not_found' });
    expect(other.name).toBe('Returns');
  });

  it('a workspace holds at most 50 topics, General included, also when opening by name', async () => {
    const ws = await seedWorkspace(useCases);
    for (let i = 1; i < 49; i++) await useCases.createTopic({ actor: ws.asAnn, name: `Topic ${i}` });
    const fiftieth = await useCases.openTicket({ actor: ws.asFlow, contact: newContact(), topic: { name: 'Topic 49' }, assignee: null });
    expect(fiftieth.ticket?.topic.name).toBe('Topic 49');
    expect(await useCases.listTopics({ actor: ws.asAnn })).toHaveLength(50);
    await expect(useCases.createTopic({ actor: ws.asAnn, name: 'One too many' })).rejects.toMatchObject({ constructor: ConflictError, code: 'topic_limit_reached' });
    await expect(useCases.openTicket({ actor: ws.asFlow, contact: newContact(), topic: { name: 'One too many' }, assignee: null })).rejects.toMatchObject({
      code: 'topic_limit_reached',
    });
  });
});

describe('contacts', () => {
  it('are upserted by uuid: given values replace, fields merge, null clears a field', async () => {
    const ws = await seedWorkspace(useCases);
    const uuid = randomUUID();
    const created = await useCases.upsertContact({ actor: ws.asAnn, contact: { uuid, name: 'Eve', urns: ['tel:+1555'], language: 'fra', fields: { age: '40', city: 'Kigali' } } });
    expect(created).toMatchObject({ uuid, name: 'Eve', urns: ['tel:+1555'], language: 'fra', open_ticket: null });
    const updated = await useCases.upsertContact({ actor: ws.asAnn, contact: { uuid, fields: { city: null, team: 'blue' } } });
    expect(updated).toMatchObject({ name: 'Eve', language: 'fra', fields: { age: '40', city: null, team: 'blue' } });
    expect(updated.created_on).toBe(created.created_on);
    expect(await useCases.getContact({ actor: ws.asAnn, contact: uuid })).toEqual(updated);
    await expect(useCases.upsertContact({ actor: ws.asAnn, contact: { uuid, language: 'French' } })).rejects.toMatchObject({ field: 'contact.language' });
    await expect(useCases.getContact({ actor: ws.asAnn, contact: randomUUID() })).rejects.toMatchObject({ code: 'contact_not_found' });
    const other = await seedWorkspace(useCases);
    await expect(useCases.getContact({ actor: other.asAnn, contact: uuid })).rejects.toMatchObject({ code: 'contact_not_found' });
  });

  it('concurrent upserts of one contact lose no field', async () => {
    const ws = await seedWorkspace(useCases);
    const uuid = randomUUID();
    await Promise.all(Array.from({ length: 10 }, (_, i) => useCases.upsertContact({ actor: ws.asAnn, contact: { uuid, fields: { [`f${i}`]: `${i}` } } })));
    const contact = await useCases.getContact({ actor: ws.asAnn, contact: uuid });
    expect(Object.keys(contact.fields).sort()).toEqual(Array.from({ length: 10 }, (_, i) => `f${i}`).sort());
  });
});

describe('workspaces, members and tokens', () => {
  it('a token resolves to its workspace, user and role; only its hash is stored', async () => {
    const ws = await seedWorkspace(useCases);
    const admin = await useCases.addMember({ workspace: ws.workspace.uuid, email: 'Admin@Example.com', name: 'Admin', role: 'administrator' });
    expect(admin.email).toBe('admin@example.com');
    const { token } = await useCases.issueApiToken({ workspace: ws.workspace.uuid, user: admin.uuid, name: 'CLI' });
    expect(token).toMatch(/^[0-9a-f]{40}$/);
    expect(await useCases.resolveApiToken(token)).toEqual({ workspace: ws.workspace.uuid, user: admin.uuid, role: 'administrator' });
    expect(await useCases.resolveApiToken('0'.repeat(40))).toBeNull();
    expect(await useCases.resolveApiToken('')).toBeNull();
    const members = await useCases.listMembers({ actor: ws.asAnn });
    expect(members.map((m) => m.role).sort()).toEqual(['administrator', 'agent', 'agent']);
    await expect(useCases.addMember({ workspace: ws.workspace.uuid, email: 'ADMIN@example.com', name: 'Again', role: 'agent' })).rejects.toMatchObject({
      code: 'member_exists',
    });
    await expect(useCases.addMember({ workspace: randomUUID(), email: 'x@example.com', name: 'X', role: 'agent' })).rejects.toMatchObject({
      code: 'workspace_not_found',
    });
    await expect(useCases.issueApiToken({ workspace: ws.workspace.uuid, user: randomUUID(), name: 'X' })).rejects.toMatchObject({ code: 'user_not_found' });
  });

  it('unknown workspaces are not found', async () => {
    const actor = { workspace: randomUUID(), user: null };
    await expect(useCases.listTopics({ actor })).rejects.toMatchObject({ code: 'workspace_not_found' });
    await expect(useCases.openTicket({ actor, contact: newContact(), topic: null, assignee: null })).rejects.toMatchObject({ code: 'workspace_not_found' });
  });
});
