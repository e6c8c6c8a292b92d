// Concurrency and convergence through the running stack: many callers at once
// never lose an update, never duplicate a ticket, and the stream-fed counts
// end up equal to what the folders list.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../infra/local/stack';
import { apiClient, directory, eventually, startTestStack, ticketCommand } from './support';

let stack: LocalStack;
let api: ReturnType<typeof apiClient>;
let invoke: ReturnType<typeof ticketCommand>;

beforeAll(async () => {
  stack = await startTestStack();
  api = apiClient(stack);
  invoke = ticketCommand(stack);
});

afterAll(async () => {
  await stack?.stop();
});

const open = (workspace: string, contact: string, key = randomUUID(), topic: { name: string } | null = null) =>
  invoke({ command: 'open_ticket', workspace, idempotency_key: key, contact: { uuid: contact }, topic, assignee: null });

/** Every ticket of a folder, all pages. */
async function allTicketsIn(call: ReturnType<typeof apiClient>, query: string): Promise<{ uuid: string; topic: { uuid: string } }[]> {
  const tickets = [];
  let cursor: string | null = null;
  do {
    const page = await call('GET', `/tickets?${query}&limit=250${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    expect(page.status).toBe(200);
    tickets.push(...page.body.results);
    cursor = page.body.next_cursor;
  } while (cursor);
  return tickets;
}

describe('concurrent callers', () => {
  it('20 duplicate invokes with one idempotency key open one ticket and all get the same answer', async () => {
    const contact = randomUUID();
    const key = randomUUID();
    const answers = await Promise.all(Array.from({ length: 20 }, () => open(stack.workspace!.uuid, contact, key)));
    expect(answers.every((answer) => answer.functionError === undefined)).toBe(true);
    const bodies = new Set(answers.map((answer) => JSON.stringify(answer.body)));
    expect(bodies.size).toBe(1);
    expect(answers[0]!.body.ticket.status).toBe('open');
    const v2 = await api('GET', `/api/v2/tickets.json?contact=${contact}`);
    expect(v2.body.results).toHaveLength(1);
  });

  it('20 invokes for one contact with different keys leave exactly one open ticket', async () => {
    const contact = randomUUID();
    const answers = await Promise.all(Array.from({ length: 20 }, () => open(stack.workspace!.uuid, contact)));
    const opened = answers.filter((answer) => answer.body.ticket !== null);
    expect(opened).toHaveLength(1);
    expect(answers.filter((answer) => answer.body.error?.code === 'contact_has_open_ticket')).toHaveLength(19);
    const v2 = await api('GET', `/api/v2/tickets.json?contact=${contact}`);
    expect(v2.body.results.map((ticket: { uuid: string }) => ticket.uuid)).toEqual([opened[0]!.body.ticket.uuid]);
  });

  it('20 concurrent commands on one ticket all land in its history', async () => {
    const { body } = await open(stack.workspace!.uuid, randomUUID());
    const ticket = body.ticket.uuid as string;
    const agent = await directory(stack).member(stack.workspace!.uuid, 'agent');
    const commands = Array.from({ length: 20 }, (_, i) =>
      i % 5 === 0
        ? api('POST', `/tickets/${ticket}/assign`, { assignee: i % 10 === 0 ? agent.uuid : stack.administrator!.uuid })
        : api('POST', `/tickets/${ticket}/notes`, { note: `note ${i}` }),
    );
    const responses = await Promise.all(commands);
    expect(responses.map((response) => response.status)).toEqual(Array(20).fill(200));

    const detail = await api('GET', `/tickets/${ticket}`);
    const notes = detail.body.history.filter((event: { type: string }) => event.type === 'ticket_note_added').map((event: { note: string }) => event.note);
    expect(notes.sort()).toEqual(Array.from({ length: 20 }, (_, i) => i).filter((i) => i % 5 !== 0).map((i) => `note ${i}`).sort());
    // Each assignment that changed something is in the history, and the last one is the ticket's assignee.
    const assignments = detail.body.history.filter((event: { type: string }) => event.type === 'ticket_assignee_changed');
    const changedAssignments = responses.filter((response, i) => i % 5 === 0 && response.body.changed).length;
    expect(assignments).toHaveLength(changedAssignments);
    expect(assignments.at(-1).assignee.uuid).toBe(detail.body.ticket.assignee.uuid);
  });
});

describe('folder counts', () => {
  it('converge to the folder contents after a burst of 200 commands', async () => {
    const { workspace, administrator } = await directory(stack).workspace(`Burst ${randomUUID().slice(0, 6)}`);
    const call = apiClient(stack, administrator.token);
    const topics = ['Alpha', 'Beta', 'Gamma'];
    const opened = await Promise.all(
      Array.from({ length: 40 }, (_, i) => open(workspace.uuid, randomUUID(), randomUUID(), { name: topics[i % 3]! })),
    );
    const tickets = opened.map((answer) => answer.body.ticket.uuid as string);
    const topicUuids = [...new Set(opened.map((answer) => answer.body.ticket.topic.uuid as string))];

    // 160 more commands, interleaved across the tickets, several at once.
    const burst: (() => Promise<unknown>)[] = [];
    for (let i = 0; i < 160; i++) {
      const ticket = tickets[i % tickets.length]!;
      const step = Math.floor(i / tickets.length);
      if (step === 0) burst.push(() => call('POST', `/tickets/${ticket}/assign`, { assignee: i % 2 ? administrator.uuid : null }));
      else if (step === 1) burst.push(() => call('POST', `/tickets/${ticket}/topic`, { topic: topicUuids[i % topicUuids.length] }));
      else if (step === 2) burst.push(() => call('POST', `/tickets/${ticket}/${i % 3 ? 'close' : 'notes'}`, i % 3 ? undefined : { note: 'n' }));
      else burst.push(() => call('POST', `/tickets/${ticket}/${i % 2 ? 'reopen' : 'close'}`));
    }
    for (let i = 0; i < burst.length; i += 8) {
      const results = (await Promise.all(burst.slice(i, i + 8).map((command) => command()))) as { status: number }[];
      expect(results.every((result) => result.status === 200)).toBe(true);
    }

    const openTickets = await allTicketsIn(call, 'folder=all&status=open');
    const expected = {
      all: openTickets.length,
      unassigned: (await allTicketsIn(call, 'folder=unassigned&status=open')).length,
      mine: (await allTicketsIn(call, 'folder=mine&status=open')).length,
      topics: Object.fromEntries(topicUuids.map((uuid) => [uuid, openTickets.filter((ticket) => ticket.topic.uuid === uuid).length])),
    };
    const countsOf = (body: any) => ({
      all: body.all,
      unassigned: body.unassigned,
      mine: body.mine,
      topics: Object.fromEntries(topicUuids.map((uuid) => [uuid, body.topics.find((topic: { uuid: string }) => topic.uuid === uuid)?.open ?? 0])),
    });
    const counts = await eventually(
      async () => countsOf((await call('GET', '/folders')).body),
      (value) => JSON.stringify(value) === JSON.stringify(expected),
      60_000,
    );
    expect(counts).toEqual(expected);
    // The v2 topics carry the same open counts, plus closed ones.
    const v2Topics = await call('GET', '/api/v2/topics.json');
    for (const uuid of topicUuids) {
      expect(v2Topics.body.results.find((topic: { uuid: string }) => topic.uuid === uuid).counts.open).toBe(expected.topics[uuid]);
    }
  }, 180_000);
});
