// The flow engine service: import and list definitions, start a flow for a
// contact, resume its waiting session with an inbound message, list its
// messages. Each sprint runs the engine core (shared/flows) in process and
// then stores what it left behind — session, messages, contact changes — in
// one transaction (docs/flow-engine-service.md).
import { v5 as uuidv5 } from 'uuid';
import { backoffDelayMs, sleep } from '#domain/backoff';
import { contactStatus, upsertContact, type Contact, type ContactInput } from '#domain/contact';
import { recordContactMessage, type Ticket } from '#domain/ticket';
import { pausesBotDuringTickets } from '#domain/workspace';
import { NotFoundError, ValidationError } from '#domain/errors';
import { newId } from '#domain/ids';
import type { EventJSON } from '#flows/actions/action';
import { SessionAssets, type ChannelAsset, type FieldAsset, type GroupAsset } from '#flows/assets';
import type { ContactJSON, FieldValueJSON } from '#flows/contact';
import { FlowReadError, readFlow, type Flow } from '#flows/definition/flow';
import type { FlowJSON, Reference } from '#flows/definition/types';
import { FlowEngine, type SprintResult } from '#flows/engine';
import type { EngineServices, TicketService } from '#flows/ports';
import type { SessionJSON } from '#flows/session';
import type { TriggerJSON } from '#flows/triggers';
import { findMessageTrigger, readExportTriggers, sessionContactGroups, type TriggerStore, type TriggerUseCases, type TriggerView } from './closed-ticket-triggers';
import { saveContactInput } from './contacts';
import { createUseCaseContext, type Actor } from './context';
import type { RoutedChannelMessage } from './conversations';
import {
  SessionMovedError,
  SprintAlreadyRecordedError,
  type FlowAssetsRecord,
  type FlowRef,
  type FlowRepository,
  type MessageRecord,
  type StoredFlow,
  type SprintWrite,
  type StoredSession,
  type TicketCommandGateway,
} from './flow-ports';
import type { MailSender, Repositories, WorkspaceDirectory } from './ports';
import { retryOnStaleWrite } from './retry';
import { createAttachmentLinks, VIEW_LINK_SECONDS, type AttachmentReader } from './attachments';

export interface FlowUseCaseDeps {
  repos: Repositories;
  flows: FlowRepository;
  ticketCommand: TicketCommandGateway;
  /** The send_email action's way out, one mail per recipient; without it send_email ends in an `error` event. */
  mail?: MailSender;
  /** Stores the closed-ticket triggers of an imported export (docs/triggers.md); without it they are not imported. */
  triggers?: Pick<TriggerUseCases, 'importTriggers'>;
  /** The workspace's triggers, read by channel messages for keyword and catch-all triggers; without it none start. */
  triggerStore?: Pick<TriggerStore, 'readSet'>;
  /** The attachments bucket: listed messages answer its objects as short-lived presigned GETs; without it, as stored. */
  attachments?: AttachmentReader;
  /** Defaults to the system clock and UUID v7 (tests and the benchmark may pass their own). */
  clock?: () => Date;
  uuids?: () => string;
}

export interface SprintOutcome {
  session: { uuid: string; status: string } | null;
  /** goflow-shaped events of the sprint. */
  events: EventJSON[];
}

/** A stored message as the APIs show it: the contact with its name. */
export type MessageView = Omit<MessageRecord, 'contact'> & { contact: { uuid: string; name: string | null } };

export interface FlowSummaryView {
  uuid: string;
  name: string;
  type: string;
  spec_version: string;
  revision: number | null;
  imported_on: string;
  modified_on: string;
}

/** A definition larger than this cannot be stored in one item (DynamoDB's limit is 400 KB). */
export const MAX_DEFINITION_BYTES = 350_000;
export const MAX_FLOWS_PER_IMPORT = 50;
/** An import is stored in one transaction (DynamoDB: at most 4 MB); this leaves room for the assets item and the attributes. */
export const MAX_IMPORT_BYTES = 3_500_000;
export const MAX_MESSAGE_LENGTH = 4096;

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
 * Session uuids of starts made under an idempotency key are derived from it
 * (UUID v5 in this namespace), so every attempt of one logical start — a
 * rerun after a lost race, a duplicate delivery — is the same session, and
 * its open_ticket keys (session:run:action:visit) are the same too.
 */
const KEYED_SESSION_NAMESPACE = '5b0f3c52-7d3e-4c1a-9a57-1f0e2d6c8b41';

/** A sprint that lost the race for the contact's session is run again from the new state; a few rounds are plenty. */
const SPRINT_ATTEMPTS = 5;
/**
 * A gateway may deliver a burst of one contact's messages at once (a contact
 * pasting lines, a retry storm); each round at least one lands, so as many rounds
 * as ticket commands get (retry.ts) let a burst of 20 through.
 */
const CHANNEL_SPRINT_ATTEMPTS = 40;

/**
 * Definitions read (validated) once per container: the stored definition of
 * a flow version keeps its identity here, and its read Flow hangs off it.
 * An engine lives for one sprint (its ports name the workspace), so the
 * engine's own per-instance cache would not outlive the sprint.
 */
const readDefinitions = new Map<string, FlowJSON>();
const READ_CACHE_LIMIT = 500;
const readFlows = new WeakMap<object, Flow>();

function readFlowOnce(json: object): Flow {
  let flow = readFlows.get(json);
  if (!flow) {
    flow = readFlow(json);
    readFlows.set(json, flow);
  }
  return flow;
}

export function createFlowUseCases(deps: FlowUseCaseDeps) {
  const context = createUseCaseContext({ ...deps.repos, ...(deps.clock ? { clock: deps.clock } : {}) });
  const { now } = context;
  const directory = (workspace: string) => context.directory(workspace);
  const upsert = (workspace: string, input: ContactInput) => saveContactInput(context, workspace, input);
  const nextId = deps.uuids ?? newId;
  const { repos, flows } = deps;

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
    const engine = new FlowEngine(services);
    engine.readFlow = readFlowOnce;
    return engine;
  }

  /**
   * Stores a sprint's outcome: the session (conditioned on the version it
   * started from), the messages, and the contact when the flow changed it.
   * The contact is re-read here, after the sprint: an open_ticket of this
   * very sprint has changed it meanwhile (its open-ticket slot).
   */
  async function persist(options: {
    workspace: string;
    contact: string;
    result: SprintResult | null;
    startedFrom: StoredSession | null;
    inbound: MessageRecord | null;
    flowAtStart: FlowRef | null;
    /** A background flow's sprint: the session the contact waits in (if any) stays stored as it was. */
    keepStoredSession?: boolean;
    /** A start or message under an idempotency key: its answer, recorded in the same transaction. */
    idempotency?: SprintWrite['idempotency'];
    /** The channel the sprint's outgoing messages go out through (null: delivery picks one for the URN). */
    channel?: FlowRef | null;
    /** An inbound channel message with the gateway's id: its guard joins the transaction. */
    channelMessage?: SprintWrite['channel_message'];
    /** The open ticket an inbound message joined: its last_activity_on and last_message move in the same transaction (re-read on a lost race). */
    ticketActivity?: { ticket: string; at: string; text: string };
    /** A change to the contact as stored (null: none), applied to a fresh read in the same transaction. */
    contactPatch?: (stored: Contact) => Contact | null;
  }): Promise<void> {
    const { workspace, result, startedFrom } = options;
    const messages = [...(options.inbound ? [options.inbound] : []), ...(result ? outgoingMessages(result, options.contact, options.flowAtStart, options.channel ?? null) : [])];
    const contactChanges = result ? contactChangesOf(result.events, options.contact) : null;
    const session = result && !options.keepStoredSession ? storedSession(workspace, options.contact, result.session, startedFrom, now()) : null;
    await retryOnStaleWrite(async () => {
      let contactChange: Contact | null = null;
      if (contactChanges || options.contactPatch) {
        // Only what the sprint changed lands on the contact as stored now: an agent's edit made meanwhile survives.
        const stored = await repos.contacts.get(workspace, options.contact, { consistent: true });
        let next = stored;
        let changed = false;
        if (contactChanges) ({ contact: next, changed } = upsertContact(stored, workspace, contactChanges, now()));
        const patched = next && options.contactPatch ? options.contactPatch(next) : null;
        if (patched) [next, changed] = [patched, true];
        if (changed && next) contactChange = { ...next, version: next.version + 1 };
      }
      let ticketActivity: Ticket | undefined;
      if (options.ticketActivity) {
        const held = await repos.tickets.get(workspace, options.ticketActivity.ticket);
        if (held?.status === 'open') ticketActivity = recordContactMessage(held, options.ticketActivity.at, options.ticketActivity.text);
      }
      await flows.saveSprint({
        workspace,
        contact: options.contact,
        session,
        expectedSessionVersion: startedFrom?.version ?? 0,
        messages,
        contact_change: contactChange,
        ...(options.idempotency ? { idempotency: options.idempotency } : {}),
        ...(options.channelMessage ? { channel_message: options.channelMessage } : {}),
        ...(ticketActivity ? { ticket_activity: ticketActivity } : {}),
      });
    });
  }

  function sprintOutcome(result: SprintResult, prefix: EventJSON[] = []): SprintOutcome {
    return { session: { uuid: result.session.uuid, status: result.session.status }, events: [...prefix, ...result.events] };
  }

  async function againIfSessionMoved<T>(attempt: () => Promise<T>, rounds = SPRINT_ATTEMPTS): Promise<T> {
    for (let round = 1; ; round++) {
      try {
        return await attempt();
      } catch (error) {
        if (!(error instanceof SessionMovedError) || round >= rounds) throw error;
        // Jittered, so a burst of one contact's messages spreads out instead of colliding again.
        if (round > 1) await sleep(backoffDelayMs(round, 5, 200));
      }
    }
  }


  /**
   * Resumes the contact's waiting session with an inbound message (receive_msg
   * and channel messages alike). A wait past its expiry ends the run first; the
   * message then finds no session waiting. Sets the message's flow when it resumed one.
   */
  async function resumeWaiting(options: {
    workspace: string;
    dir: WorkspaceDirectory;
    fresh: Contact;
    current: StoredSession;
    waiting: SessionJSON;
    inbound: MessageRecord;
    channel?: FlowRef;
  }): Promise<{ result: SprintResult; flowAtStart: FlowRef; outcome: SprintOutcome }> {
    const { workspace, fresh, current, waiting, inbound } = options;
    const receivedOn = inbound.created_on;
    waiting.contact = engineContact(fresh, waiting.contact);
    const waitingRun = waiting.runs.find((run) => run.uuid === waiting.wait?.run_uuid);
    const flowAtStart = waitingRun ? { uuid: waitingRun.flow.uuid, name: waitingRun.flow.name } : current.flow;
    const stored = await loadFlowsFor(workspace, flowAtStart.uuid);
    const { assets, workspaceTopics } = await sessionAssets(workspace, options.dir, [...stored, ...(await otherRunFlows(workspace, waiting, stored))], fresh);
    const engine = engineFor(workspace, workspaceTopics);
    if (current.expires_on && current.expires_on < receivedOn) {
      const expired = await engine.resume({ assets, session: waiting, resume: { type: 'wait_expiration', resumed_on: receivedOn } });
      return { result: expired, flowAtStart, outcome: { session: null, events: [] } };
    }
    const msg = {
      uuid: inbound.uuid,
      ...(inbound.urn ? { urn: inbound.urn } : {}),
      ...(options.channel ? { channel: { uuid: options.channel.uuid, name: options.channel.name } } : {}),
      text: inbound.text,
      ...(inbound.attachments.length ? { attachments: inbound.attachments } : {}),
    };
    const result = await engine.resume({ assets, session: waiting, resume: { type: 'msg', resumed_on: receivedOn, msg } });
    inbound.flow = flowAtStart;
    return { result, flowAtStart, outcome: sprintOutcome(result, [{ uuid: nextId(), type: 'msg_received', created_on: receivedOn, msg }]) };
  }

  /** Parent runs of the waiting run may belong to flows that the waiting flow does not enter. */
  async function otherRunFlows(workspace: string, session: SessionJSON, loaded: StoredFlow[]): Promise<StoredFlow[]> {
    const missing = [...new Set(session.runs.map((run) => run.flow.uuid))].filter((uuid) => !loaded.some((flow) => flow.uuid === uuid));
    return missing.length ? (await Promise.all(missing.map((uuid) => loadFlowsFor(workspace, uuid)))).flat() : [];
  }

  return {
    async importFlows({ actor, definitions }: { actor: Actor; definitions: unknown }): Promise<{ flows: FlowRef[]; triggers: TriggerView[] }> {
      await directory(actor.workspace);
      const bundle = readImport(definitions);
      const exportTriggers = readExportTriggers(Array.isArray((definitions as { flows?: unknown }).flows) ? (definitions as { triggers?: unknown }).triggers : undefined);
      const imported = await retryOnStaleWrite(async () => {
        const [existing, assets] = await Promise.all([
          flows.getFlows(actor.workspace, bundle.flows.map(({ flow }) => flow.uuid)),
          flows.getAssets(actor.workspace),
        ]);
        const timestamp = now();
        const stored: StoredFlow[] = bundle.flows.map(({ flow, importedSpecVersion }) => {
          const previous = existing.find((candidate) => candidate.uuid === flow.uuid);
          return {
            workspace: actor.workspace,
            uuid: flow.uuid,
            name: flow.name,
            type: flow.type,
            imported_spec_version: importedSpecVersion,
            revision: flow.revision ?? null,
            definition: flow.json,
            dependencies: flowsEnteredBy(flow.json),
            imported_on: previous?.imported_on ?? timestamp,
            modified_on: timestamp,
            version: (previous?.version ?? 0) + 1,
          };
        });
        await flows.saveImport({
          workspace: actor.workspace,
          flows: stored,
          assets: { fields: mergeBy(assets.fields, bundle.fields, (field) => field.key), groups: mergeBy(assets.groups, bundle.groups, (group) => group.uuid), version: assets.version + 1 },
        });
        return { flows: stored.map((flow) => ({ uuid: flow.uuid, name: flow.name })) };
      });
      // After the flows: a trigger may name a flow of this very export.
      const triggers = deps.triggers ? await deps.triggers.importTriggers({ actor, triggers: exportTriggers }) : [];
      return { ...imported, triggers };
    },

    async listFlows({ actor }: { actor: Actor }): Promise<FlowSummaryView[]> {
      const stored = await flows.listFlows(actor.workspace);
      return stored
        .map((flow) => ({
          uuid: flow.uuid,
          name: flow.name,
          type: flow.type,
          spec_version: flow.imported_spec_version,
          revision: flow.revision,
          imported_on: flow.imported_on,
          modified_on: flow.modified_on,
        }))
        .sort((a, b) => a.name.localeCompare(b.name));
    },

    /**
     * Starts the flow for the contact (upserted first). A messaging flow
     * interrupts the session the contact was waiting in; a background flow
     * runs beside it and leaves it stored. `trigger` defaults to `manual`
     * (a closed-ticket trigger passes a `ticket` one). Under an
     * `idempotencyKey` the answer is recorded in the sprint's transaction and
     * every later start with the key answers it again, running nothing.
     */
    async startFlow({ actor, flow, contact, trigger, idempotencyKey }: { actor: Actor; flow: string; contact: ContactInput; trigger?: StartTrigger; idempotencyKey?: string }): Promise<SprintOutcome> {
      const { workspace } = actor;
      const recordKey = idempotencyKey || null;
      const recorded = async () => (recordKey ? (((await repos.idempotency.get(workspace, 'start_flow', recordKey))?.response ?? null) as SprintOutcome | null) : null);
      const earlier = await recorded();
      if (earlier) return earlier;
      const dir = await directory(workspace);
      const stored = await loadFlowsFor(workspace, flow);
      const target = stored.find((candidate) => candidate.uuid === flow);
      if (!target) throw new NotFoundError('flow_not_found', 'No flow with this uuid in the workspace.');
      const saved = await upsert(workspace, contact);
      // Chosen once for every attempt of this start (see KEYED_SESSION_NAMESPACE).
      const sessionUuid = recordKey ? uuidv5(`${workspace}/${recordKey}`, KEYED_SESSION_NAMESPACE) : nextId();
      return againIfSessionMoved(async () => {
        // A duplicate start that won the race while this one ran (its session write moved ours).
        const raced = await recorded();
        if (raced) return raced;
        const current = await flows.getSession(workspace, contact.uuid);
        const { assets, workspaceTopics } = await sessionAssets(workspace, dir, stored, saved);
        const result = await engineFor(workspace, workspaceTopics).start({
          sessionUuid,
          assets,
          // Flow-only state (groups, status) carries over from the contact's last session: closed-ticket triggers match on its groups.
          contact: engineContact(saved, (current?.session as SessionJSON | undefined)?.contact ?? null),
          trigger: { type: 'manual', ...trigger, flow: { uuid: target.uuid, name: target.name }, triggered_on: now() },
        });
        const outcome = sprintOutcome(result);
        try {
          await persist({
            workspace,
            contact: contact.uuid,
            result,
            startedFrom: current,
            inbound: null,
            flowAtStart: null,
            channel: saved.last_channel ?? null,
            keepStoredSession: target.type === 'messaging_background',
            ...(recordKey ? { idempotency: { scope: 'start_flow' as const, key: recordKey, response: outcome } } : {}),
          });
        } catch (error) {
          if (error instanceof SprintAlreadyRecordedError) return (await recorded()) ?? outcome;
          throw error;
        }
        return outcome;
      });
    },

    /**
     * An inbound message: resumes the contact's waiting session, or (none
     * waiting, or its wait expired) is stored alone and answers `session: null`.
     * A message given with its `uuid` is taken once: the answer is recorded
     * (scope `receive_msg`, key the uuid) in the sprint's transaction, and a retry of the
     * same uuid answers it again without storing or running anything.
     */
    async receiveMsg({ actor, contact, text, attachments = [], uuid }: { actor: Actor; contact: string; text: string; attachments?: string[]; uuid?: string }): Promise<SprintOutcome> {
      const { workspace } = actor;
      validateInboundText(text, attachments);
      const recordKey = uuid ?? null;
      const recorded = async () => (recordKey ? (((await repos.idempotency.get(workspace, 'receive_msg', recordKey))?.response ?? null) as SprintOutcome | null) : null);
      const earlier = await recorded();
      if (earlier) return earlier;
      const messageUuid = uuid ?? nextId();
      /** Stores the sprint with the answer recorded under the message's key; a retry that won meanwhile answers instead. */
      const store = async (sprint: Parameters<typeof persist>[0], outcome: SprintOutcome): Promise<SprintOutcome> => {
        try {
          await persist({ ...sprint, ...(recordKey ? { idempotency: { scope: 'receive_msg' as const, key: recordKey, response: outcome } } : {}) });
          return outcome;
        } catch (error) {
          if (error instanceof SprintAlreadyRecordedError) return (await recorded()) ?? outcome;
          throw error;
        }
      };
      const dir = await directory(workspace);
      const known = await upsert(workspace, { uuid: contact });
      let firstRound = true;
      return againIfSessionMoved(async () => {
        // The upsert just read the contact; a sprint run again after a lost race reads it afresh.
        const fresh = firstRound ? known : ((await repos.contacts.get(workspace, contact, { consistent: true })) ?? known);
        firstRound = false;
        // A retry of the same message that landed while this attempt ran.
        const raced = await recorded();
        if (raced) return raced;
        const current = await flows.getSession(workspace, contact);
        const receivedOn = now();
        const inbound = inboundRecord({ uuid: messageUuid, contact, text, attachments, urn: fresh.urns[0] ?? null, createdOn: receivedOn });
        const channel = fresh.last_channel ?? null;
        const waiting = current?.status === 'waiting' ? (current.session as SessionJSON) : null;
        if (!current || !waiting) return store({ workspace, contact, result: null, startedFrom: current, inbound, flowAtStart: null, channel }, { session: null, events: [] });
        const resumed = await resumeWaiting({ workspace, dir, fresh, current, waiting, inbound });
        return store({ workspace, contact, result: resumed.result, startedFrom: current, inbound, flowAtStart: resumed.flowAtStart, channel }, resumed.outcome);
      });
    },

    /**
     * A contact's message through a channel (conversations.ts receiveFromChannel
     * calls it once the contact is found by its URN): stored once — with the
     * gateway's id, its guard item joins the transaction — and routed. With an
     * open ticket the message joins it (the ticket's `last_activity_on` moves in
     * the same transaction) and, while the workspace pauses the bot during
     * tickets, nothing else happens. Otherwise a keyword trigger starts its flow
     * (interrupting a waiting session, as RapidPro does), else the waiting
     * session is resumed, else a catch-all trigger starts its flow, else the
     * message is stored alone. A blocked contact's message is stored and not routed.
     * Outgoing messages of the sprint go out through the same channel.
     */
    async routeChannelMessage(input: RoutedChannelMessage): Promise<{ ticket_uuid: string | null; outcome: SprintOutcome | null }> {
      const { workspace, contact, channel } = input;
      validateInboundText(input.text, input.attachments);
      const dir = await directory(workspace);
      const pause = pausesBotDuringTickets(dir.workspace);
      return againIfSessionMoved(async () => {
        const fresh = await repos.contacts.get(workspace, contact, { consistent: true });
        if (!fresh) throw new NotFoundError('contact_not_found', 'No such contact.');
        const held = fresh.open_ticket ? await repos.tickets.get(workspace, fresh.open_ticket) : null;
        const ticket = held?.status === 'open' ? held : null;
        const current = await flows.getSession(workspace, contact);
        const receivedOn = now();
        const inbound: MessageRecord = {
          ...inboundRecord({ uuid: input.msg_uuid, contact, text: input.text, attachments: input.attachments, urn: input.urn, createdOn: receivedOn }),
          origin: 'channel',
          channel,
          ticket_uuid: ticket?.uuid ?? null,
          external_id: input.external_id,
        };
        const base = {
          workspace,
          contact,
          startedFrom: current,
          inbound,
          channel,
          ...(input.external_id
            ? { channelMessage: { channel: channel.uuid, external_id: input.external_id, record: { msg_uuid: input.msg_uuid, contact_uuid: contact, ticket_uuid: ticket?.uuid ?? null, received_on: input.received_on } } }
            : {}),
          ...(ticket ? { ticketActivity: { ticket: ticket.uuid, at: receivedOn, text: input.text } } : {}),
          // The channel it wrote in is where answers go; writing in again ends a stop (RapidPro unstops a contact that writes).
          contactPatch: (stored: Contact) =>
            stored.last_channel?.uuid === channel.uuid && stored.last_channel.name === channel.name && contactStatus(stored) === 'active'
              ? null
              : { ...stored, last_channel: channel, status: contactStatus(stored) === 'stopped' ? ('active' as const) : contactStatus(stored), modified_on: receivedOn },
        };
        const answer = (outcome: SprintOutcome | null) => ({ ticket_uuid: ticket?.uuid ?? null, outcome });
        if (contactStatus(fresh) === 'blocked' || (ticket && pause)) {
          await persist({ ...base, result: null, flowAtStart: null });
          return answer(null);
        }
        const waiting = current?.status === 'waiting' ? (current.session as SessionJSON) : null;
        const waitingLive = waiting !== null && !(current?.expires_on && current.expires_on < receivedOn);
        const match = deps.triggerStore
          ? await findMessageTrigger(deps.triggerStore, { workspace, text: input.text, groups: sessionContactGroups(current?.session), sessionWaiting: waitingLive })
          : null;
        const stored = match ? await loadFlowsFor(workspace, match.trigger.flow.uuid) : [];
        const target = match ? stored.find((flow) => flow.uuid === match.trigger.flow.uuid) : undefined;
        if (match && target) {
          const { assets, workspaceTopics } = await sessionAssets(workspace, dir, stored, fresh);
          const msg = { uuid: inbound.uuid, urn: input.urn, channel: { uuid: channel.uuid, name: channel.name }, text: input.text, ...(input.attachments.length ? { attachments: input.attachments } : {}) };
          const result = await engineFor(workspace, workspaceTopics).start({
            sessionUuid: nextId(),
            assets,
            contact: engineContact(fresh, (current?.session as SessionJSON | undefined)?.contact ?? null),
            trigger: {
              type: 'msg',
              flow: { uuid: target.uuid, name: target.name },
              triggered_on: receivedOn,
              msg,
              ...(match.keyword ? { keyword_match: { type: match.match === 'O' ? 'only_word' : 'first_word', keyword: match.keyword } } : {}),
            },
          });
          inbound.flow = { uuid: target.uuid, name: target.name };
          await persist({ ...base, result, flowAtStart: null, keepStoredSession: target.type === 'messaging_background' });
          return answer(sprintOutcome(result));
        }
        if (!current || !waiting) {
          await persist({ ...base, result: null, flowAtStart: null });
          return answer(null);
        }
        const resumed = await resumeWaiting({ workspace, dir, fresh, current, waiting, inbound, channel });
        await persist({ ...base, result: resumed.result, flowAtStart: resumed.flowAtStart });
        return answer(resumed.outcome);
      }, CHANNEL_SPRINT_ATTEMPTS);
    },

    /** A contact's messages, in and out, newest first. */
    async listMessages({ actor, contact, limit = 50, cursor }: { actor: Actor; contact: string; limit?: number; cursor?: string }): Promise<{ results: MessageView[]; next_cursor: string | null }> {
      if (!Number.isInteger(limit) || limit < 1 || limit > 250) throw new ValidationError('limit', 'The limit must be between 1 and 250.');
      const [found, page] = await Promise.all([
        repos.contacts.get(actor.workspace, contact),
        flows.listMessages({ workspace: actor.workspace, contact, limit, ...(cursor ? { cursor } : {}) }),
      ]);
      if (!found) throw new NotFoundError('contact_not_found', 'No such contact.');
      const ref = { uuid: found.uuid, name: found.name };
      const links = createAttachmentLinks(deps.attachments);
      return {
        results: await Promise.all(
          page.results.map(async ({ contact: _contact, ...message }) => ({
            ...message,
            attachments: await links.readableAll(actor.workspace, message.attachments, VIEW_LINK_SECONDS),
            contact: ref,
          })),
        ),
        next_cursor: page.next_cursor,
      };
    },
  };
}

export type FlowUseCases = ReturnType<typeof createFlowUseCases>;

/** RapidPro's limits on an inbound message (HEAD allows longer texts; 4096 is what Telegram and most gateways carry in one part). */
export const MAX_ATTACHMENTS = 10;

function validateInboundText(text: string, attachments: string[]): void {
  if (text.length > MAX_MESSAGE_LENGTH) throw new ValidationError('text', `The text is longer than ${MAX_MESSAGE_LENGTH} characters.`);
  if (attachments.length > MAX_ATTACHMENTS) throw new ValidationError('attachments', `A message has at most ${MAX_ATTACHMENTS} attachments.`);
  if (text.trim() === '' && attachments.length === 0) throw new ValidationError('text', 'A message needs text or attachments.');
}

function inboundRecord(input: { uuid: string; contact: string; text: string; attachments: string[]; urn: string | null; createdOn: string }): MessageRecord {
  return {
    uuid: input.uuid,
    contact: input.contact,
    direction: 'in',
    type: 'text',
    status: 'handled',
    text: input.text,
    attachments: input.attachments,
    urn: input.urn,
    flow: null,
    created_on: input.createdOn,
    modified_on: input.createdOn,
  };
}

/** What starts a session besides the flow: a `ticket` trigger carries the closed ticket and its `ticket_closed` event. */
export type StartTrigger = Omit<TriggerJSON, 'flow' | 'triggered_on'>;

// ----------------------------------------------------------------- imports

interface ImportBundle {
  flows: { flow: Flow; importedSpecVersion: string }[];
  fields: FieldAsset[];
  groups: GroupAsset[];
}

/**
 * A RapidPro export (`{version, flows, fields, groups, …}`) or a single
 * definition. Every flow is read (migrated and validated) before anything is
 * stored; all problems are reported at once, each with its flow.
 */
export function readImport(input: unknown): ImportBundle {
  if (typeof input !== 'object' || input === null || Array.isArray(input))
    throw new ValidationError('definitions', 'Expected a flow export ({"flows": [...]}) or a single flow definition (an object).', 'invalid_definition');
  const json = input as Record<string, unknown>;
  const isExport = Array.isArray(json.flows);
  const rawFlows = isExport ? (json.flows as unknown[]) : [json];
  if (rawFlows.length === 0) throw new ValidationError('definitions.flows', 'The export has no flows.', 'invalid_definition');
  if (rawFlows.length > MAX_FLOWS_PER_IMPORT)
    throw new ValidationError('definitions.flows', `At most ${MAX_FLOWS_PER_IMPORT} flows can be imported at once.`, 'invalid_definition');

  const problems: string[] = [];
  const read: ImportBundle['flows'] = [];
  rawFlows.forEach((raw, index) => {
    const where = isExport ? `flows[${index}]` : 'flow';
    const label = describeFlow(raw, where);
    try {
      const flow = readFlow(raw);
      if (Buffer.byteLength(JSON.stringify(flow.json)) > MAX_DEFINITION_BYTES) problems.push(`${label}: the definition is larger than ${MAX_DEFINITION_BYTES} bytes`);
      else read.push({ flow, importedSpecVersion: String((raw as Record<string, unknown>).spec_version) });
    } catch (error) {
      if (!(error instanceof FlowReadError)) throw error;
      problems.push(...error.problems.map((problem) => `${label}: ${problem}`));
    }
  });
  const uuids = read.map(({ flow }) => flow.uuid);
  for (const duplicate of new Set(uuids.filter((uuid, index) => uuids.indexOf(uuid) !== index))) problems.push(`flow ${duplicate} appears more than once`);
  if (problems.length)
    throw new ValidationError(isExport ? 'definitions.flows' : 'definitions', `Invalid flow definition: ${problems.join('; ')}`, 'invalid_definition');
  const importBytes = read.reduce((total, { flow }) => total + Buffer.byteLength(JSON.stringify(flow.json)), 0);
  if (importBytes > MAX_IMPORT_BYTES)
    throw new ValidationError(
      'definitions',
      `The flows add up to ${importBytes} bytes, more than the ${MAX_IMPORT_BYTES} one import can store: import in parts (a few flows at a time; a flow's dependencies may come in a later part).`,
      'invalid_definition',
    );

  return {
    flows: read,
    fields: isExport ? readAssetList<FieldAsset>(json.fields, (field) => typeof field.key === 'string' && typeof field.name === 'string').map((field) => ({ ...field, type: fieldType(field) })) : [],
    groups: isExport ? readAssetList<GroupAsset>(json.groups, (group) => typeof group.uuid === 'string' && typeof group.name === 'string') : [],
  };
}

function describeFlow(raw: unknown, where: string): string {
  const json = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  return typeof json.name === 'string' ? `${where} "${json.name}"` : where;
}

/** RapidPro exports name a field's type `value_type` (text, numeric, datetime, state, …); the engine's assets say `type`. */
function fieldType(field: FieldAsset & { value_type?: string }): string {
  const type = field.type ?? field.value_type ?? 'text';
  return type === 'numeric' ? 'number' : type;
}

function readAssetList<T>(value: unknown, valid: (item: T) => boolean): T[] {
  return Array.isArray(value) ? (value.filter((item) => typeof item === 'object' && item !== null && valid(item as T)) as T[]) : [];
}

function mergeBy<T>(existing: T[], incoming: T[], key: (item: T) => string): T[] {
  const merged = new Map(existing.map((item) => [key(item), item]));
  for (const item of incoming) merged.set(key(item), item);
  return [...merged.values()];
}

function actionsOf(definition: FlowJSON): Record<string, unknown>[] {
  return (definition.nodes ?? []).flatMap((node) => ((node as { actions?: Record<string, unknown>[] }).actions ?? []));
}

function flowsEnteredBy(definition: FlowJSON): string[] {
  const entered = actionsOf(definition)
    .filter((action) => action.type === 'enter_flow')
    .map((action) => (action.flow as { uuid?: string } | undefined)?.uuid)
    .filter((uuid): uuid is string => typeof uuid === 'string');
  return [...new Set(entered)];
}

function topicsReferencedBy(definition: FlowJSON): Reference[] {
  return actionsOf(definition)
    .filter((action) => action.type === 'open_ticket' && action.topic)
    .map((action) => action.topic as Reference);
}

// ---------------------------------------------------------- contacts and sprints

/**
 * The engine's view of a stored contact. Flow-only state (groups, status,
 * time zone) is kept from the session's copy; what Ticketer stores (name,
 * language, URNs, fields, the open ticket) is taken fresh.
 */
function engineContact(contact: Contact, previous: ContactJSON | null): ContactJSON {
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

/**
 * What the sprint changed on the things Ticketer stores (name, language,
 * URNs, fields), as a contact upsert: only the contact_*_changed events
 * count, later ones win, and "" or a null field value clears. Null when the
 * sprint changed none of them. Groups, status and time zone stay in the
 * session's copy of the contact.
 */
function contactChangesOf(events: EventJSON[], contact: string): ContactInput | null {
  const changes: ContactInput = { uuid: contact };
  let changed = false;
  for (const event of events) {
    if (event.type === 'contact_name_changed') changes.name = (event.name as string | undefined) || null;
    else if (event.type === 'contact_language_changed') changes.language = (event.language as string | undefined) || null;
    else if (event.type === 'contact_urns_changed') changes.urns = (event.urns as string[] | undefined) ?? [];
    else if (event.type === 'contact_field_changed') {
      const { field, value } = event as unknown as { field: { key: string }; value: FieldValueJSON | null };
      changes.fields = { ...changes.fields, [field.key]: value?.text ?? null };
    } else continue;
    changed = true;
  }
  return changed ? changes : null;
}

function storedSession(workspace: string, contact: string, session: SessionJSON, previous: StoredSession | null, timestamp: string): StoredSession {
  const first = session.runs[0];
  return {
    workspace,
    contact,
    uuid: session.uuid,
    status: session.status,
    flow: first ? { uuid: first.flow.uuid, name: first.flow.name } : { uuid: '', name: '' },
    session,
    expires_on: session.status === 'waiting' ? (session.wait?.expires_on ?? null) : null,
    timeout_on: session.status === 'waiting' ? (session.wait?.timeout_on ?? null) : null,
    modified_on: timestamp,
    version: (previous?.version ?? 0) + 1,
  };
}

/**
 * The sprint's msg_created events as stored messages. Events carry no run, so
 * the flow of each message is followed through run_started/run_ended.
 */
function outgoingMessages(result: SprintResult, contact: string, flowAtStart: FlowRef | null, channel: FlowRef | null): MessageRecord[] {
  const flowStack: FlowRef[] = flowAtStart ? [flowAtStart] : [];
  const messages: MessageRecord[] = [];
  for (const event of result.events) {
    if (event.type === 'run_started') {
      const flow = event.flow as FlowRef;
      flowStack.push({ uuid: flow.uuid, name: flow.name });
    } else if (event.type === 'run_ended') flowStack.pop();
    else if (event.type === 'msg_created') {
      const msg = event.msg as { uuid?: string; urn?: string; text?: string; attachments?: string[]; quick_replies?: (string | { text?: unknown })[]; unsendable_reason?: string };
      messages.push({
        uuid: msg.uuid ?? String(event.uuid),
        contact,
        direction: 'out',
        type: 'text',
        status: msg.unsendable_reason ? 'failed' : 'queued',
        text: msg.text ?? '',
        attachments: msg.attachments ?? [],
        urn: msg.urn ?? null,
        flow: flowStack.at(-1) ?? null,
        created_on: String(event.created_on),
        modified_on: String(event.created_on),
        origin: 'flow',
        channel,
        // The engine's quick replies are `{type, text}` (spec 14.x) or plain strings (older): stored as their texts.
        ...(msg.quick_replies?.length ? { quick_replies: msg.quick_replies.map((reply) => (typeof reply === 'string' ? reply : String(reply.text ?? ''))) } : {}),
      });
    }
  }
  return messages;
}
