// The connection store on DynamoDB Local and the live use cases over it: one
// partition per workspace, the TTL honoured on read, a subscription never
// bringing back a removed connection; events go only to the workspace's
// connections that may see them (topics), ticket_hidden when a ticket leaves
// a connection's topics, 410 removes the connection. The poster records what
// API Gateway would be asked to send (the real @connections path is covered
// end to end in test/e2e/live-updates.test.ts).
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { createDynamoDbRepositories } from '#adapters/dynamodb/index';
import { createLiveConnectionRepository } from '#adapters/dynamodb/live-connection-repository';
import { createTableClient } from '#adapters/dynamodb/table-client';
import { LIVE_CONNECTION_TTL_SECONDS, type LiveConnection } from '#domain/live';
import { createLiveUseCases, type ConnectionPoster, type LiveConnectionStore } from '#use-cases/live';
import { createUseCases } from '#use-cases/index';
import { createTable, dynamodb, ticket } from '../counts/harness';

let tableName: string;
let now = new Date('2026-11-29T10:00:00Z');
let store: LiveConnectionStore;

beforeAll(async () => {
  tableName = await createTable();
  store = createLiveConnectionRepository(createTableClient({ client: dynamodb, tableName }), () => now);
});

const connection = (workspace: string, overrides: Partial<LiveConnection> = {}): LiveConnection => ({
  id: randomUUID(),
  workspace,
  user: randomUUID(),
  role: 'agent',
  topics: null,
  ticket: null,
  contact: null,
  connected_on: now.toISOString(),
  ...overrides,
});

describe('the connection store', () => {
  it('keeps each workspace’s connections in its own partition, listed with one Query', async () => {
    const [one, two] = [randomUUID(), randomUUID()];
    const a = connection(one, { topics: ['t1'] });
    const b = connection(one);
    const c = connection(two);
    for (const item of [a, b, c]) await store.put(item);
    expect((await store.list(one)).map((found) => found.id).sort()).toEqual([a.id, b.id].sort());
    expect(await store.list(two)).toEqual([c]);
    expect(await store.get(one, a.id)).toEqual(a);
    expect(await store.get(two, a.id)).toBeNull();
  });

  it('subscribes an open connection, and refuses to bring back a removed one', async () => {
    const workspace = randomUUID();
    const open = connection(workspace);
    await store.put(open);
    expect(await store.subscribe(workspace, open.id, { ticket: 't', contact: 'c' })).toBe(true);
    expect(await store.get(workspace, open.id)).toMatchObject({ ticket: 't', contact: 'c' });
    expect(await store.subscribe(workspace, open.id, null)).toBe(true);
    expect(await store.get(workspace, open.id)).toMatchObject({ ticket: null, contact: null });
    await store.remove(workspace, open.id);
    expect(await store.subscribe(workspace, open.id, { ticket: 't', contact: 'c' })).toBe(false);
    expect(await store.get(workspace, open.id)).toBeNull();
    await store.remove(workspace, open.id); // removing twice is fine ($disconnect after a 410)
  });

  it('does not list a connection past its TTL, which DynamoDB may not have deleted yet', async () => {
    const workspace = randomUUID();
    await store.put(connection(workspace));
    const later = new Date(now.getTime() + (LIVE_CONNECTION_TTL_SECONDS + 1) * 1000);
    const laterStore = createLiveConnectionRepository(createTableClient({ client: dynamodb, tableName }), () => later);
    expect(await store.list(workspace)).toHaveLength(1);
    expect(await laterStore.list(workspace)).toEqual([]);
  });
});

describe('publishing changes', () => {
  it('sends ticket_changed to the connections that may see the new topic, ticket_hidden to those that saw the old one, nothing to another workspace; 410 removes', async () => {
    const repos = createDynamoDbRepositories({ client: dynamodb, tableName });
    const useCases = createUseCases(repos);
    const workspace = await useCases.createWorkspace({ name: 'Live' });
    const other = await useCases.createWorkspace({ name: 'Other' });
    const directory = (await repos.workspaces.loadDirectory(workspace.uuid))!;
    const general = directory.topics[0]!.uuid;
    const billing = 'billing-topic';
    const everyone = connection(workspace.uuid);
    const generalOnly = connection(workspace.uuid, { topics: [general] });
    const billingOnly = connection(workspace.uuid, { topics: [billing] });
    const gone = connection(workspace.uuid);
    const stranger = connection(other.uuid);
    for (const item of [everyone, generalOnly, billingOnly, gone, stranger]) await store.put(item);
    const sent: { connection: string; frame: any }[] = [];
    const poster: ConnectionPoster = {
      async post(id, data) {
        if (id === gone.id) return 'gone';
        sent.push({ connection: id, frame: JSON.parse(data) });
        return 'sent';
      },
    };
    const live = createLiveUseCases({
      connections: store,
      poster,
      tickets: repos.tickets,
      contacts: repos.contacts,
      counts: repos.counts,
      directory: async (uuid) => (await repos.workspaces.loadDirectory(uuid))!,
    });
    const before = ticket({ workspace: workspace.uuid, topic: general, version: 3 });
    const after = { ...before, topic: billing, version: 4 };
    await live.publish(workspace.uuid, [{ kind: 'ticket', before, after }]);
    const to = (id: string) => sent.filter((entry) => entry.connection === id).map((entry) => entry.frame);
    expect(to(everyone.id)).toEqual([{ type: 'ticket_changed', ticket: expect.objectContaining({ uuid: before.uuid, version: 4, topic: { uuid: billing, name: '' } }) }]);
    expect(to(billingOnly.id)).toEqual([expect.objectContaining({ type: 'ticket_changed' })]);
    expect(to(generalOnly.id)).toEqual([{ type: 'ticket_hidden', ticket_uuid: before.uuid, version: 4 }]);
    expect(to(stranger.id)).toEqual([]);
    expect((await store.list(workspace.uuid)).map((found) => found.id)).not.toContain(gone.id);

    // Counter changes: one counts_changed per connection with the latest sequence number, topics limited as the connection is.
    sent.length = 0;
    await live.publish(workspace.uuid, [{ kind: 'counts', sequence: '900000000000000000001' }, { kind: 'counts', sequence: '1000000000000000000002' }]);
    expect(to(everyone.id)).toEqual([{ type: 'counts_changed', version: '1000000000000000000002', counts: { all: 0, unassigned: 0, mine: 0, topics: [{ uuid: general, name: directory.topics[0]!.name, open: 0 }] } }]);
    expect(to(billingOnly.id)).toEqual([expect.objectContaining({ counts: expect.objectContaining({ topics: [] }) })]);
    expect(to(stranger.id)).toEqual([]);
  });

  it('reads nothing but the connections when the workspace has none', async () => {
    const reads: string[] = [];
    const live = createLiveUseCases({
      connections: store,
      poster: { post: async () => 'sent' },
      tickets: { get: async () => (reads.push('ticket'), null) },
      contacts: { getMany: async () => (reads.push('contacts'), []) },
      counts: { readCounts: async () => (reads.push('counts'), new Map()) },
      directory: async () => {
        reads.push('directory');
        throw new Error('not expected');
      },
    });
    await live.publish(randomUUID(), [{ kind: 'counts', sequence: '1' }, { kind: 'ticket', before: null, after: ticket({ workspace: 'w' }) }]);
    expect(reads).toEqual([]);
  });
});
