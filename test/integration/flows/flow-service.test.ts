// The flow engine service over DynamoDB Local: imports, sprints stored in one
// transaction, the open_ticket action reaching the real ticket use cases
// through the ticket command handler, contact changes, and messages.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFlowRepository } from '#adapters/dynamodb/flow-repository';
import { createDynamoDbRepositories } from '#adapters/dynamodb/index';
import { createTableClient } from '#adapters/dynamodb/table-client';
import { ValidationError } from '#domain/errors';
import { SessionMovedError, type FlowRepository, type TicketCommandGateway, type TicketCommandRequest } from '#use-cases/flow-ports';
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
let gateway: TicketCommandGateway;

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
  const { createTicketCommandHandler } = await import('../../../functions/handlers/ticket-command');
  useCases = useCasesOver(table);
  ws = await seedWorkspace(useCases);
  asEditor = { workspace: ws.workspace.uuid, user: ws.ann.uuid };
  const ticketCommand = createTicketCommandHandler(useCases);
  gateway = {
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

// ------------------------------------------------------------ review fixes

/** A current-spec flow whose first node runs the given actions and ends. */
function actionsFlow(name: string, actions: Record<string, unknown>[]) {
  return { uuid: randomUUID(), name, spec_version: '14.4.2', language: 'eng', type: 'messaging', nodes: [{ uuid: randomUUID(), actions, exits: [{ uuid: randomUUID() }] }] };
}

describe('malformed definitions', () => {
  it.each([
    ['actions: "x"', (flow: any) => (flow.nodes[0].actions = 'x'), /node\[0\]: field 'actions' must be a list/],
    ['nodes: [null]', (flow: any) => (flow.nodes = [null]), /node\[0\] must be an object/],
    ['actions: [null]', (flow: any) => (flow.nodes[0].actions = [null]), /node\[0\]\.actions\[0\] must be an object/],
    ['categories: 5', (flow: any) => (flow.nodes[1].router.categories = 5), /node\[1\]\.router: field 'categories' must be a list/],
  ])('refuses %s as invalid_definition naming the place, also through the FlowEngine function', async (_label, spoil, message) => {
    const flow = supportFlow13() as any;
    spoil(flow);
    const attempt = flows.importFlows({ actor: asEditor, definitions: flow });
    await expect(attempt).rejects.toMatchObject({ code: 'invalid_definition', field: 'definitions' });
    await expect(attempt).rejects.toThrow(message);
    const { createFlowEngineHandler } = await import('../../../functions/handlers/flow-engine');
    const answer = await createFlowEngineHandler(async () => flows)({ command: 'import_flows', workspace: asEditor.workspace, definitions: flow });
    expect(answer).toMatchObject({ error: { code: 'invalid_definition', message: expect.stringMatching(message) } });
  });

  it('refuses an import larger than one transaction can store, asking for parts', async () => {
    const big = () => ({ ...actionsFlow('Big', [{ uuid: randomUUID(), type: 'send_msg', text: 'hi' }]), localization: { spa: { [randomUUID()]: { text: ['x'.repeat(330_000)] } } } });
    const attempt = flows.importFlows({ actor: asEditor, definitions: { version: '13', flows: Array.from({ length: 11 }, big) } });
    await expect(attempt).rejects.toMatchObject({ code: 'invalid_definition', field: 'definitions' });
    await expect(attempt).rejects.toThrow(/import in parts/);
  });
});

describe('contact changes merge onto the stored contact', () => {
  it('keeps a field an agent changed between start and resume when the flow changes another one', async () => {
    const flow = {
      uuid: randomUUID(),
      name: 'Ask City',
      spec_version: '14.4.2',
      language: 'eng',
      type: 'messaging',
      nodes: [
        {
          uuid: 'b1000000-0000-4000-8000-000000000001',
          actions: [{ uuid: randomUUID(), type: 'send_msg', text: 'Your city?' }],
          router: { type: 'switch', wait: { type: 'msg' }, operand: '@input.text', categories: [{ uuid: 'b1000000-0000-4000-8000-0000000000c1', name: 'All', exit_uuid: 'b1000000-0000-4000-8000-0000000000e1' }], default_category_uuid: 'b1000000-0000-4000-8000-0000000000c1', cases: [] },
          exits: [{ uuid: 'b1000000-0000-4000-8000-0000000000e1', destination_uuid: 'b1000000-0000-4000-8000-000000000002' }],
        },
        {
          uuid: 'b1000000-0000-4000-8000-000000000002',
          actions: [{ uuid: randomUUID(), type: 'set_contact_field', field: { key: 'city', name: 'City' }, value: '@input.text' }],
          exits: [{ uuid: 'b1000000-0000-4000-8000-0000000000e2' }],
        },
      ],
    };
    await flows.importFlows({ actor: asEditor, definitions: flow });
    const contact = { ...newContact('Kim'), fields: { age: '30' } };
    await flows.startFlow({ actor: asEditor, flow: flow.uuid, contact });
    await useCases.upsertContact({ actor: ws.asAnn, contact: { uuid: contact.uuid, name: 'Kim Agent-Edited', fields: { age: '31' } } });
    const answered = await flows.receiveMsg({ actor: asEditor, contact: contact.uuid, text: 'Kigali' });
    expect(answered.session?.status).toBe('completed');
    const stored = await useCases.getContact({ actor: ws.asAnn, contact: contact.uuid });
    expect(stored).toMatchObject({ name: 'Kim Agent-Edited', fields: { age: '31', city: 'Kigali' } });
  });
});

describe('retries', () => {
  it('runs concurrent starts under one idempotency key as one session: one ticket, one answer', async () => {
    const flow = actionsFlow('Ticket At Once', [{ uuid: randomUUID(), type: 'open_ticket', topic: null, assignee: null, note: 'from a flow' }]);
    await flows.importFlows({ actor: asEditor, definitions: flow });
    const contact = newContact('Lou');
    const before = invokes.length;
    const outcomes = await Promise.all([1, 2, 3].map(() => flows.startFlow({ actor: asEditor, flow: flow.uuid, contact, idempotencyKey: `lou-${contact.uuid}` })));
    expect(new Set(outcomes.map((outcome) => JSON.stringify(outcome))).size).toBe(1);
    const keys = new Set(invokes.slice(before).map((invoke) => invoke.idempotency_key));
    expect(keys.size).toBe(1);
    expect([...keys][0]!.startsWith(`${outcomes[0]!.session!.uuid}:0:`)).toBe(true);
    const opened = outcomes[0]!.events.find((event) => event.type === 'ticket_opened');
    expect(opened).toBeDefined();
    const again = await flows.startFlow({ actor: asEditor, flow: flow.uuid, contact, idempotencyKey: `lou-${contact.uuid}` });
    expect(again).toEqual(outcomes[0]);
  });

  it('a sprint run again after a lost race re-evaluates its note (@(now())) and still gets the ticket it opened (its Success path): one ticket', async () => {
    const flow = actionsFlow('Ticket Noted Now', [{ uuid: randomUUID(), type: 'open_ticket', topic: null, assignee: null, note: 'asked at @(now())' }]);
    await flows.importFlows({ actor: asEditor, definitions: flow });
    // The first sprint's store loses the race for the session (as when another message of the contact landed first).
    const repository = createFlowRepository(createTableClient({ client: table.client, tableName: table.tableName }));
    let lost = false;
    const racing: FlowRepository = {
      ...repository,
      async saveSprint(write) {
        if (!lost) {
          lost = true;
          throw new SessionMovedError('another sprint landed first');
        }
        return repository.saveSprint(write);
      },
    };
    const rerunning = createFlowUseCases({ repos: createDynamoDbRepositories({ client: table.client, tableName: table.tableName }), flows: racing, ticketCommand: gateway });
    const contact = newContact('Rita');
    const before = invokes.length;
    const outcome = await rerunning.startFlow({ actor: asEditor, flow: flow.uuid, contact });
    const attempts = invokes.slice(before);
    expect(attempts).toHaveLength(2);
    expect(new Set(attempts.map((invoke) => invoke.idempotency_key)).size).toBe(1);
    expect(attempts[0]!.note).not.toEqual(attempts[1]!.note);
    expect(outcome.events.some((event) => event.type === 'error')).toBe(false);
    const opened = await useCases.listTickets({ actor: ws.asAnn, contact: contact.uuid });
    expect(opened.results).toHaveLength(1);
    expect(outcome.events.find((event) => event.type === 'ticket_opened')).toMatchObject({ ticket: { uuid: opened.results[0]!.uuid } });
  });

  it('takes a message given with its uuid once: a retry answers the first outcome and stores nothing new', async () => {
    const contact = newContact('Max');
    const started = await flows.startFlow({ actor: asEditor, flow: SUPPORT_FLOW.uuid, contact });
    const uuid = randomUUID();
    const first = await flows.receiveMsg({ actor: asEditor, contact: contact.uuid, text: 'Max', uuid });
    expect(first.session).toEqual({ uuid: started.session!.uuid, status: 'completed' });
    expect(first.events[0]).toMatchObject({ type: 'msg_received', msg: { uuid, text: 'Max' } });
    const retried = await flows.receiveMsg({ actor: asEditor, contact: contact.uuid, text: 'Max', uuid });
    expect(retried).toEqual(first);
    const messages = await flows.listMessages({ actor: asEditor, contact: contact.uuid });
    expect(messages.results.filter((message) => message.direction === 'in')).toEqual([expect.objectContaining({ uuid, text: 'Max' })]);
  });

  it('records a message nobody waits for under its uuid too', async () => {
    const contact = newContact('Ned');
    const uuid = randomUUID();
    await flows.receiveMsg({ actor: asEditor, contact: contact.uuid, text: 'hello', uuid });
    await flows.receiveMsg({ actor: asEditor, contact: contact.uuid, text: 'hello', uuid });
    expect((await flows.listMessages({ actor: asEditor, contact: contact.uuid })).results).toHaveLength(1);
  });
});

describe('a sprint with more messages than one transaction holds', () => {
  it('stores every message, the overflow after the sprint landed', async () => {
    const flow = actionsFlow('Chatty', Array.from({ length: 120 }, (_, i) => ({ uuid: randomUUID(), type: 'send_msg', text: `message ${i + 1}` })));
    await flows.importFlows({ actor: asEditor, definitions: flow });
    const contact = newContact('Oli');
    const started = await flows.startFlow({ actor: asEditor, flow: flow.uuid, contact });
    expect(texts(started.events)).toHaveLength(120);
    const first = await flows.listMessages({ actor: asEditor, contact: contact.uuid, limit: 250 });
    expect(first.results).toHaveLength(120);
  });
});

describe('send_email', () => {
  it('sends one mail per recipient through the mail port', async () => {
    const sent: { to: string; subject: string; text: string }[] = [];
    const withMail = createFlowUseCases({
      repos: createDynamoDbRepositories({ client: table.client, tableName: table.tableName }),
      flows: createFlowRepository(createTableClient({ client: table.client, tableName: table.tableName })),
      ticketCommand: { openTicket: () => Promise.reject(new Error('no tickets here')) },
      mail: { send: async (message) => void sent.push(message) },
    });
    const flow = actionsFlow('Mail', [{ uuid: randomUUID(), type: 'send_email', addresses: ['a@example.com', 'b@example.com'], subject: 'About @contact.name', body: 'Please call @contact.name' }]);
    await withMail.importFlows({ actor: asEditor, definitions: flow });
    const started = await withMail.startFlow({ actor: asEditor, flow: flow.uuid, contact: newContact('Pat') });
    expect(started.events.find((event) => event.type === 'email_sent')).toMatchObject({ to: ['a@example.com', 'b@example.com'] });
    expect(sent).toEqual([
      { to: 'a@example.com', subject: 'About Pat', text: 'Please call Pat' },
      { to: 'b@example.com', subject: 'About Pat', text: 'Please call Pat' },
    ]);
  });
});
