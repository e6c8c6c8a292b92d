// A workspace on DynamoDB Local wired as the deployed functions are: the use
// cases with channel messages routed through the flow use cases, the flow
// engine's open_ticket reaching the real ticket use cases through the ticket
// command handler, and the workspace's triggers. Flows for the tests: one that
// says something and waits for an answer.
import { randomUUID } from 'node:crypto';
import { createFlowRepository } from '#adapters/dynamodb/flow-repository';
import { createDynamoDbRepositories } from '#adapters/dynamodb/index';
import { createTableClient } from '#adapters/dynamodb/table-client';
import { createTriggerRepository } from '#adapters/dynamodb/trigger-repository';
import { createTriggerUseCases } from '#use-cases/closed-ticket-triggers';
import type { TicketCommandGateway } from '#use-cases/flow-ports';
import { createFlowUseCases } from '#use-cases/flows';
import { createUseCases } from '#use-cases/index';
import { createTestTable, seedWorkspace, type TestTable } from '../storage/support';

export const CHANNEL = { uuid: '0a000000-0000-4000-8000-00000000c001', name: 'Gateway' };
export const OTHER_CHANNEL = { uuid: '0a000000-0000-4000-8000-00000000c002', name: 'Telegram Bot' };

export async function createConversationWorld(prefix = 'conversations') {
  const table: TestTable = await createTestTable(prefix);
  process.env.TABLE_NAME = table.tableName;
  const options = { client: table.client, tableName: table.tableName };
  const repos = createDynamoDbRepositories(options);
  const plain = createUseCases(repos);
  const { createTicketCommandHandler } = await import('../../../functions/handlers/ticket-command');
  const ticketCommand = createTicketCommandHandler(plain);
  const gateway: TicketCommandGateway = { openTicket: async (request) => (await ticketCommand(request)) as never };
  const flowRepository = createFlowRepository(createTableClient(options));
  const triggerStore = createTriggerRepository(options);
  const triggers = createTriggerUseCases({ triggers: triggerStore, flows: flowRepository, workspaces: repos.workspaces });
  const flows = createFlowUseCases({ repos, flows: flowRepository, ticketCommand: gateway, triggers, triggerStore });
  const useCases = createUseCases({ ...repos, inbound: flows });
  const ws = await seedWorkspace(useCases);
  return { table, repos, useCases, flows, triggers, ws, asAdmin: await administrator(useCases, ws.workspace.uuid) };
}

async function administrator(useCases: ReturnType<typeof createUseCases>, workspace: string) {
  const admin = await useCases.addMember({ workspace, email: `admin-${randomUUID()}@example.com`, name: 'Ada', role: 'administrator' });
  return { workspace, user: admin.uuid };
}

export type ConversationWorld = Awaited<ReturnType<typeof createConversationWorld>>;

/** A 13.1 flow: says `text`, waits for a message, then answers `Got <answer>` (when `wait`). */
export function sayFlow(name: string, text: string, options: { wait?: boolean; type?: string } = {}): Record<string, unknown> & { uuid: string; name: string } {
  const id = () => randomUUID();
  const [n1, n2, n3, e1, e2, c] = [id(), id(), id(), id(), id(), id()];
  const wait = options.wait ?? true;
  return {
    uuid: id(),
    name,
    spec_version: '13.1.0',
    language: 'eng',
    type: options.type ?? 'messaging',
    revision: 1,
    expire_after_minutes: 1440,
    localization: {},
    nodes: [
      { uuid: n1, actions: [{ uuid: id(), type: 'send_msg', text, quick_replies: ['Yes', 'No'] }], exits: [{ uuid: e1, ...(wait ? { destination_uuid: n2 } : {}) }] },
      ...(wait
        ? [
            {
              uuid: n2,
              router: {
                type: 'switch',
                wait: { type: 'msg' },
                operand: '@input.text',
                result_name: 'Answer',
                cases: [],
                categories: [{ uuid: c, name: 'All Responses', exit_uuid: e2 }],
                default_category_uuid: c,
              },
              exits: [{ uuid: e2, destination_uuid: n3 }],
            },
            { uuid: n3, actions: [{ uuid: id(), type: 'send_msg', text: `${name} got @results.answer` }], exits: [{ uuid: id() }] },
          ]
        : []),
    ],
  };
}

let counter = 0;
/** A channel message as the channels part hands it over: a fresh URN and external id unless given. */
export function inbound(world: ConversationWorld, overrides: Partial<Parameters<ConversationWorld['useCases']['receiveFromChannel']>[0]> = {}) {
  counter += 1;
  return {
    workspace: world.ws.workspace.uuid,
    channel: CHANNEL,
    urn: `tel:+2547${String(Date.now() % 1e8).padStart(8, '0')}${counter}`,
    text: 'hello',
    attachments: [],
    external_id: `ext-${randomUUID()}`,
    received_on: new Date().toISOString(),
    ...overrides,
  };
}
