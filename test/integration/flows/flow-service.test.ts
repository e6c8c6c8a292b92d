// The flow engine service over DynamoDB Local: imports, sprints stored in one
// transaction, the open_ticket action reaching the real ticket use cases
// through the ticket command handler, contact changes, and messages.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFlowRepository } from '#adapters/dynamodb/flow-repository';
import { createDynamoDbRepositories } from '#adapters/dynamodb/index';
import { createTableClient } from '#adapters/dynamodb/table-client';
import { ValidationError } from '#domain/errors';
import type { TicketCommandGateway, TicketCommandRequest } from '#use-cases/flow-ports';
import { createFlowUseCases, type FlowUseCases } from '#use-cases/flows';
import type { UseCases } from '#use-cases/index';
import { supportFlow13 } from '../../flows/fixtures/flows';
import { createTestTable, seedWorkspace, useCasesOver, type TestTable } from '../storage/support';

let table: TestTable;
let useCases: UseCases;
let ws: Awaited<ReturnType<typeof seedWorkspace>>;
let flows: FlowUseCases;
let asEditor: { workspace: string; user: string | null };
const invokes: TicketCommandRequest[] = [];
/** Set by a test to make the next invokes fail as an unreachable function would. */
let ticketServiceDown = false;

const SUPPORT_FLOW = supportFlow13() as { uuid: string; name: string };

/** A 13.x flow that sets the contact's name, a field and language, then waits. */
function profileFlow() {
  return {
    uuid: randomUUID(),
    name: 'Profile',
    spec_version: '13.0.0',
    language: 'eng',
    type: 'messaging',
    nodes: [
      {
        uuid: randomUUID(),
        actions: [
          { uuid: randomUUID(), type: 'set_contact_name', name: 'Renamed @contact.name' },
          { uuid: randomUUID(), type: 'set_contact_field', field: { key: 'city', name: 'City' }, value: 'Kigali' },
          { uuid: randomUUID(), type: 'set_contact_language', language: 'fra' },
          { uuid: randomUUID(), type: 'send_msg', text: 'Bonjour @contact.name from @fields.city' },
        ],
        exits: [{ uuid: randomUUID() }],
      },
    ],
  };
}

beforeAll(async () => {
  table = await createTestTable('flows');
  process.env.TABLE_NAME = table.tableName;
  const { createTicketCommandHandler } = await import('../../../functions/ticket-command');
  useCases = useCasesOver(table);
  ws = await seedWorkspace(useCases);
  asEditor = { workspace: ws.workspace.uuid, user: ws.ann.uuid };
  const ticketCommand = createTicketCommandHandler(useCases);
  const gateway: TicketCommandGateway = {
    async openTicket(request) {
      invokes.push(request);
      if (ticketServiceDown) throw new Error('connect ECONNREFUSED');
      return (await ticketCommand(request)) as never;
    },
  };
  flows = createFlowUseCases({
    repos: createDynamoDbRepositories({ client: table.client, tableName: table.tableName }),
    flows: createFlowRepository(createTableClient({ client: table.client, tableName: table.tableName })),
    ticketCommand: gateway,
  });
  await flows.importFlows({ actor: asEditor, definitions: { version: '13', flows: [supportFlow13(), profileFlow()], fields: [{ key: 'age', name: 'Age', value_type: 'numeric' }, { key: 'city', name: 'City', value_type: 'text' }], groups: [] } });
});
afterAll(() => table.drop());

const texts = (events: { type: string; msg?: unknown }[]) =>
  events.filter((event) => event.type === 'msg_created').map((event) => (event.msg as { text: string }).text);

function newContact(name = 'Cathy') {
  return { uuid: randomUUID(), name, urns: ['tel:+250788123123'], language: 'eng' };
}

describe('importing flows', () => {
  it('stores an export\'s flows migrated, lists them by name, and replaces a flow imported again', async () => {
    const listed = await flows.listFlows({ actor: asEditor });
    expect(listed.map((flow) => flow.name)).toEqual(['Ask For Help', 'Profile']);
    const first = listed.find((flow) => flow.uuid === SUPPORT_FLOW.uuid)!;
    expect(first.spec_version).toBe('13.1.0');

    const again = await flows.importFlows({ actor: asEditor, definitions: supportFlow13() });
    expect(again.flows).toEqual([{ uuid: SUPPORT_FLOW.uuid, name: 'Ask For Help' }]);
    const relisted = await flows.listFlows({ actor: asEditor });
    expect(relisted.filter((flow) => flow.uuid === SUPPORT_FLOW.uuid)).toHaveLength(1);
    expect(relisted.find((flow) => flow.uuid === SUPPORT_FLOW.uuid)!.imported_on).toBe(first.imported_on);
  });

  it('refuses a broken definition with every problem named, and stores none of the export', async () => {
    const broken = { ...supportFlow13(), uuid: randomUUID(), name: 'Broken' } as unknown as { nodes: { actions?: { type: string }[] }[] };
    broken.nodes[0]!.actions![0]!.type = 'teleport_contact';
    const fine = { ...profileFlow(), name: 'Would Be Fine' };
    const attempt = flows.importFlows({ actor: asEditor, definitions: { version: '13', flows: [fine, broken] } });
    await expect(attempt).rejects.toBeInstanceOf(ValidationError);
    await expect(attempt).rejects.toMatchObject({ code: 'invalid_definition', field: 'definitions.flows' });
    await expect(attempt).rejects.toThrow(/flows\[1\] "Broken": node\[0\]\.actions\[0\].*teleport_contact/);
    expect((await flows.listFlows({ actor: asEditor })).map((flow) => flow.name)).not.toContain('Would Be Fine');
  });

  it('refuses something that is not a definition at all', async () => {
    await expect(flows.importFlows({ actor: asEditor, definitions: [1, 2] })).rejects.toMatchObject({ code: 'invalid_definition', field: 'definitions' });
    await expect(flows.importFlows({ actor: asEditor, definitions: { flows: [] } })).rejects.toMatchObject({ field: 'definitions.flows' });
  });
});

describe('running the support flow', () => {
  it('waits for the name, opens the ticket with the evaluated note, and says Success', async () => {
    const contact = newContact();
    const started = await flows.startFlow({ actor: asEditor, flow: SUPPORT_FLOW.uuid, contact });
    expect(started.session?.status).toBe('waiting');
    expect(texts(started.events)).toEqual(['Hi! What is your name?']);

    const answered = await flows.receiveMsg({ actor: asEditor, contact: contact.uuid, text: 'Ryan' });
    expect(answered.session).toEqual({ uuid: started.session!.uuid, status: 'completed' });
    expect(answered.events[0]).toMatchObject({ type: 'msg_received', msg: { text: 'Ryan', urn: 'tel:+250788123123' } });
    const opened = answered.events.find((event) => event.type === 'ticket_opened') as unknown as { ticket: { uuid: string } };
    expect(texts(answered.events)).toEqual(['An agent will be with you, Ryan.']);

    const detail = await useCases.getTicket({ actor: ws.asAnn, ticket: opened.ticket.uuid });
    expect(detail.ticket).toMatchObject({ status: 'open', topic: { name: 'Support' }, contact: { uuid: contact.uuid, name: 'Cathy' }, opened_in: { uuid: SUPPORT_FLOW.uuid, name: 'Ask For Help' } });
    expect(detail.history.find((event) => event.type === 'ticket_note_added')?.note).toBe('Ryan needs help');
    // The key names session, run and action, so a retried sprint reuses it.
    const key = invokes.at(-1)!.idempotency_key;
    expect(key.startsWith(`${started.session!.uuid}:`)).toBe(true);

    const messages = await flows.listMessages({ actor: asEditor, contact: contact.uuid });
    expect(messages.results.map((message) => [message.direction, message.text])).toEqual([
      ['out', 'An agent will be with you, Ryan.'],
      ['in', 'Ryan'],
      ['out', 'Hi! What is your name?'],
    ]);
    expect(messages.results[0]).toMatchObject({ contact: { uuid: contact.uuid, name: 'Cathy' }, status: 'queued', urn: 'tel:+250788123123', flow: { uuid: SUPPORT_FLOW.uuid, name: 'Ask For Help' } });
    expect(messages.results[1]).toMatchObject({ direction: 'in', status: 'handled', flow: { uuid: SUPPORT_FLOW.uuid } });
  });

  it('takes Failure when the contact already has an open ticket', async () => {
    const contact = newContact('Dan');
    await useCases.openTicket({ actor: ws.asAnn, contact, topic: null, assignee: null });
    await flows.startFlow({ actor: asEditor, flow: SUPPORT_FLOW.uuid, contact });
    const answered = await flows.receiveMsg({ actor: asEditor, contact: contact.uuid, text: 'Dan' });
    expect(answered.session?.status).toBe('completed');
    expect(answered.events.some((event) => event.type === 'ticket_opened')).toBe(false);
    expect(texts(answered.events)).toEqual(['You already have a conversation open with us.']);
  });

  it('takes Failure with an error event when the ticket service cannot be reached, and the session still completes', async () => {
    const contact = newContact('Eve');
    await flows.startFlow({ actor: asEditor, flow: SUPPORT_FLOW.uuid, contact });
    ticketServiceDown = true;
    try {
      const answered = await flows.receiveMsg({ actor: asEditor, contact: contact.uuid, text: 'Eve' });
      expect(answered.session?.status).toBe('completed');
      expect(answered.events.find((event) => event.type === 'error')).toMatchObject({ text: expect.stringContaining('ECONNREFUSED') });
      expect(texts(answered.events)).toEqual(['You already have a conversation open with us.']);
    } finally {
      ticketServiceDown = false;
    }
  });

  it('stores a message nobody waits for and says so', async () => {
    const contact = newContact('Fay');
    const answered = await flows.receiveMsg({ actor: asEditor, contact: contact.uuid, text: 'hello?' });
    expect(answered).toEqual({ session: null, events: [] });
    const messages = await flows.listMessages({ actor: asEditor, contact: contact.uuid });
    expect(messages.results).toMatchObject([{ direction: 'in', text: 'hello?', flow: null }]);
  });

  it('starting a flow again interrupts the waiting session: the contact has one session', async () => {
    const contact = newContact('Gus');
    const first = await flows.startFlow({ actor: asEditor, flow: SUPPORT_FLOW.uuid, contact });
    const second = await flows.startFlow({ actor: asEditor, flow: SUPPORT_FLOW.uuid, contact });
    expect(second.session!.uuid).not.toBe(first.session!.uuid);
    const answered = await flows.receiveMsg({ actor: asEditor, contact: contact.uuid, text: 'Gus' });
    expect(answered.session!.uuid).toBe(second.session!.uuid);
  });

  it('refuses an unknown flow and a message that says nothing', async () => {
    await expect(flows.startFlow({ actor: asEditor, flow: randomUUID(), contact: newContact() })).rejects.toMatchObject({ code: 'flow_not_found' });
    await expect(flows.receiveMsg({ actor: asEditor, contact: randomUUID(), text: '  ' })).rejects.toMatchObject({ field: 'text' });
  });
});

describe('contact changes and paging', () => {
  it('stores the name, field and language the flow set on the contact', async () => {
    const contact = newContact('Hal');
    const profile = (await flows.listFlows({ actor: asEditor })).find((flow) => flow.name === 'Profile')!;
    const started = await flows.startFlow({ actor: asEditor, flow: profile.uuid, contact });
    expect(started.session?.status).toBe('completed');
    expect(texts(started.events)).toEqual(['Bonjour Renamed Hal from Kigali']);
    const stored = await useCases.getContact({ actor: ws.asAnn, contact: contact.uuid });
    expect(stored).toMatchObject({ name: 'Renamed Hal', language: 'fra', fields: { city: 'Kigali' }, urns: ['tel:+250788123123'] });
  });

  it('pages a contact\'s messages newest first with a cursor that only fits that contact', async () => {
    const contact = newContact('Ivy');
    for (const text of ['one', 'two', 'three']) await flows.receiveMsg({ actor: asEditor, contact: contact.uuid, text });
    const first = await flows.listMessages({ actor: asEditor, contact: contact.uuid, limit: 2 });
    expect(first.results.map((message) => message.text)).toEqual(['three', 'two']);
    const second = await flows.listMessages({ actor: asEditor, contact: contact.uuid, limit: 2, cursor: first.next_cursor! });
    expect(second.results.map((message) => message.text)).toEqual(['one']);
    expect(second.next_cursor).toBeNull();
    await expect(flows.listMessages({ actor: asEditor, contact: randomUUID(), cursor: first.next_cursor! })).rejects.toMatchObject({ field: 'cursor' });
  });
});

describe('two messages of one contact at once', () => {
  it('runs them one after the other: each resumes the session the other left', async () => {
    const contact = newContact('Jo');
    await flows.startFlow({ actor: asEditor, flow: SUPPORT_FLOW.uuid, contact });
    const outcomes = await Promise.all([
      flows.receiveMsg({ actor: asEditor, contact: contact.uuid, text: 'Jo' }),
      flows.receiveMsg({ actor: asEditor, contact: contact.uuid, text: 'Jo again' }),
    ]);
    // Exactly one resumed the waiting session; the other found it completed.
    expect(outcomes.filter((outcome) => outcome.session?.status === 'completed')).toHaveLength(1);
    expect(outcomes.filter((outcome) => outcome.session === null)).toHaveLength(1);
    const messages = await flows.listMessages({ actor: asEditor, contact: contact.uuid });
    expect(messages.results.filter((message) => message.direction === 'in')).toHaveLength(2);
    expect(messages.results.filter((message) => message.text.startsWith('An agent'))).toHaveLength(1);
  });
});
