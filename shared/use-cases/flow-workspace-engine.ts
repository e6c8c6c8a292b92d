// The engine as one workspace's sprint sees it: the flows the sprint may
// enter (loaded transitively), the session assets (the workspace's fields,
// groups, topics, members), and the engine's ports (open_ticket through the
// ticket command function, send_email through the mail port). Used by the
// flow use cases (flows.ts) before every sprint.
import type { Contact } from '#domain/contact';
import { SessionAssets, type ChannelAsset, type FieldAsset } from '#flows/assets';
import type { ContactJSON, FieldValueJSON } from '#flows/contact';
import type { FlowJSON } from '#flows/definition/types';
import { CachingFlowReader, FlowEngine } from '#flows/engine';
import type { EngineServices, TicketService } from '#flows/ports';
import type { SessionJSON } from '#flows/session';
import { topicsReferencedBy } from './flow-imports';
import type { FlowRepository, StoredFlow, TicketCommandGateway } from './flow-ports';
import type { MailSender, WorkspaceDirectory } from './ports';

/**
 * Ticketer has no channels of its own: outgoing messages are stored for
 * whatever delivers them (the messages API). This stands in for a channel so
 * that the engine addresses messages to the contact's URN.
 */
export const TICKETER_CHANNEL: ChannelAsset = {
  uuid: '00000000-0000-7000-8000-000000000001',
  name: 'Ticketer',
  schemes: ['tel', 'whatsapp', 'telegram', 'facebook', 'instagram', 'viber', 'line', 'twitter', 'discord', 'slack', 'webchat', 'ext', 'mailto', 'vk', 'wechat', 'jiochat', 'freshchat', 'rocketchat'],
  roles: ['send', 'receive'],
};

/**
 * Definitions read (validated) once per container: the stored definition of
 * a flow version keeps its identity here, and its read Flow hangs off it in
 * the one reader every engine is given. An engine lives for one sprint (its
 * ports name the workspace), so a cache of its own would not outlive it.
 */
const readDefinitions = new Map<string, FlowJSON>();
const READ_CACHE_LIMIT = 500;
const flowReader = new CachingFlowReader();

export interface WorkspaceEngineDeps {
  flows: FlowRepository;
  ticketCommand: TicketCommandGateway;
  /** The send_email action's way out; without it send_email ends in an `error` event. */
  mail?: MailSender;
  now: () => string;
  nextId: () => string;
}

export function createWorkspaceEngines(deps: WorkspaceEngineDeps) {
  const { flows, now, nextId } = deps;

  /** The flow and every flow it can enter, transitively: what a sprint may need. */
  async function loadFlowsFor(workspace: string, uuid: string): Promise<StoredFlow[]> {
    const loaded = new Map<string, StoredFlow>();
    const requested = new Set([uuid]);
    let wanted = [uuid];
    while (wanted.length > 0) {
      const found = await flows.getFlows(workspace, wanted);
      for (const flow of found) loaded.set(flow.uuid, flow);
      // A dependency that is not imported stays missing: the engine fails the session at that enter_flow.
      wanted = [...new Set(found.flatMap((flow) => flow.dependencies))].filter((dependency) => !requested.has(dependency));
      for (const dependency of wanted) requested.add(dependency);
    }
    return [...loaded.values()];
  }

  function cachedDefinition(flow: StoredFlow): FlowJSON {
    const key = `${flow.workspace}/${flow.uuid}/${flow.version}`;
    let definition = readDefinitions.get(key);
    if (!definition) {
      definition = flow.definition;
      if (readDefinitions.size >= READ_CACHE_LIMIT) readDefinitions.delete(readDefinitions.keys().next().value!);
      readDefinitions.set(key, definition);
    }
    return definition;
  }

  async function sessionAssets(workspace: string, directory: WorkspaceDirectory, stored: StoredFlow[], contact: Contact) {
    const assets = await flows.getAssets(workspace);
    const definitions = stored.map(cachedDefinition);
    const workspaceTopics = directory.topics.map((topic) => ({ uuid: topic.uuid, name: topic.name }));
    const referencedTopics = definitions.flatMap(topicsReferencedBy).filter((topic) => !workspaceTopics.some((known) => known.uuid === topic.uuid));
    const knownFields = new Set(assets.fields.map((field) => field.key));
    const contactFields: FieldAsset[] = Object.keys(contact.fields)
      .filter((key) => !knownFields.has(key))
      .map((key) => ({ key, name: key, type: 'text' }));
    return {
      assets: new SessionAssets({
        flows: definitions,
        fields: [...assets.fields, ...contactFields],
        groups: assets.groups,
        topics: [...workspaceTopics, ...referencedTopics],
        users: directory.members.map((member) => ({ uuid: member.uuid, email: member.email, name: member.name })),
        channels: [TICKETER_CHANNEL],
      }),
      workspaceTopics: new Set(workspaceTopics.map((topic) => topic.uuid)),
    };
  }

  /** The open_ticket port: the ticket command function, asked by topic uuid when the workspace has it, else by name. */
  function ticketService(workspace: string, workspaceTopics: Set<string>): TicketService {
    return {
      async open(request) {
        const answer = await deps.ticketCommand.openTicket({
          command: 'open_ticket',
          workspace,
          idempotency_key: request.idempotencyKey,
          contact: { uuid: request.contactUuid },
          topic: workspaceTopics.has(request.topic.uuid) ? { uuid: request.topic.uuid } : { name: request.topic.name },
          assignee: request.assignee ? { uuid: request.assignee.uuid } : null,
          note: request.note,
          opened_in: { uuid: request.flow.uuid, name: request.flow.name },
          ...(request.input ? { last_message: request.input } : {}),
        });
        if (!answer.ticket) return { opened: false, reason: answer.error?.code ?? 'not_opened' };
        const { ticket } = answer;
        return {
          opened: true,
          ticket: { uuid: ticket.uuid, status: ticket.status, topic: ticket.topic, ...(ticket.assignee ? { assignee: { uuid: ticket.assignee.uuid, name: ticket.assignee.name } } : {}) },
        };
      },
    };
  }

  function engineFor(workspace: string, workspaceTopics: Set<string>): FlowEngine {
    const services: EngineServices = {
      tickets: ticketService(workspace, workspaceTopics),
      email: {
        async send({ to, subject, body }) {
          const { mail } = deps;
          if (!mail) throw new Error('sending email from flows is not configured');
          for (const recipient of to) await mail.send({ to: recipient, subject, text: body });
        },
      },
      clock: { now },
      uuids: { next: nextId },
    };
    return new FlowEngine(services, flowReader);
  }

  /** Parent runs of the waiting run may belong to flows that the waiting flow does not enter. */
  async function otherRunFlows(workspace: string, session: SessionJSON, loaded: StoredFlow[]): Promise<StoredFlow[]> {
    const missing = [...new Set(session.runs.map((run) => run.flow.uuid))].filter((uuid) => !loaded.some((flow) => flow.uuid === uuid));
    return missing.length ? (await Promise.all(missing.map((uuid) => loadFlowsFor(workspace, uuid)))).flat() : [];
  }

  return { loadFlowsFor, otherRunFlows, sessionAssets, engineFor };
}

export type WorkspaceEngines = ReturnType<typeof createWorkspaceEngines>;

/**
 * The engine's view of a stored contact. Flow-only state (groups, status,
 * time zone) is kept from the session's copy; what Ticketer stores (name,
 * language, URNs, fields, the open ticket) is taken fresh.
 */
export function engineContact(contact: Contact, previous: ContactJSON | null): ContactJSON {
  const fields: Record<string, FieldValueJSON> = {};
  for (const [key, text] of Object.entries(contact.fields)) {
    if (text === null) continue;
    const kept = previous?.fields?.[key];
    fields[key] = kept?.text === text ? kept : { text, ...(/^-?\d+(\.\d+)?$/.test(text) ? { number: Number(text) } : {}) };
  }
  const keptTicket = previous?.tickets?.find((ticket) => ticket.uuid === contact.open_ticket);
  return {
    ...(previous ?? { status: 'active' }),
    uuid: contact.uuid,
    created_on: contact.created_on,
    // undefined, not absent: a name or language cleared in Ticketer must not survive from the session's copy.
    name: contact.name ?? undefined,
    language: contact.language ?? undefined,
    urns: contact.urns,
    fields,
    tickets: contact.open_ticket ? [keptTicket ?? { uuid: contact.open_ticket, status: 'open', topic: null }] : [],
  };
}
