// The flow engine service's use cases: import and list definitions, start a
// flow for a contact, resume its waiting session with an inbound message or
// a fired timer, list its messages. Each sprint runs the engine core
// (shared/flows) in process — built by flow-workspace-engine.ts — and then
// stores what it left behind — session, messages, contact changes, the
// wait's timers — through flow-sprint-store.ts (docs/flow-engine-service.md).
// Exports are read by flow-imports.ts.
import { v5 as uuidv5 } from 'uuid';
import { backoffDelayMs, sleep } from '#domain/backoff';
import { contactStatus, type Contact, type ContactInput } from '#domain/contact';
import { pausesBotDuringTickets } from '#domain/workspace';
import { NotFoundError, ValidationError } from '#domain/errors';
import { newId } from '#domain/ids';
import type { EventJSON } from '#flows/actions/action';
import type { SprintResult } from '#flows/engine';
import type { SessionJSON } from '#flows/session';
import type { TriggerJSON } from '#flows/triggers';
import { findMessageTrigger, readExportTriggers, sessionContactGroups, type TriggerStore, type TriggerUseCases, type TriggerView } from './closed-ticket-triggers';
import { saveContactInput } from './contacts';
import { createUseCaseContext, type Actor } from './context';
import type { RoutedChannelMessage } from './conversations';
import { flowsEnteredBy, mergeBy, readImport } from './flow-imports';
import { SessionMovedError, SprintAlreadyRecordedError, type FlowRef, type FlowRepository, type FlowTimer, type FlowTimerScheduler, type MessageRecord, type StoredFlow, type StoredSession, type TicketCommandGateway } from './flow-ports';
import { timerIsCurrent } from './flow-timers';
import { createSprintStore, inboundRecord, type SprintToStore } from './flow-sprint-store';
import { createWorkspaceEngines, engineContact } from './flow-workspace-engine';
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
  /** Sets the timers of waiting sessions (wait timeouts, expirations); without it waits time out only when a message finds them expired. */
  timers?: FlowTimerScheduler;
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

export const MAX_MESSAGE_LENGTH = 4096;

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

export function createFlowUseCases(deps: FlowUseCaseDeps) {
  const context = createUseCaseContext({ ...deps.repos, ...(deps.clock ? { clock: deps.clock } : {}) });
  const { now } = context;
  const directory = (workspace: string) => context.directory(workspace);
  const upsert = (workspace: string, input: ContactInput) => saveContactInput(context, workspace, input);
  const nextId = deps.uuids ?? newId;
  const { repos, flows } = deps;

  const { loadFlowsFor, otherRunFlows, sessionAssets, engineFor } = createWorkspaceEngines({
    flows,
    ticketCommand: deps.ticketCommand,
    ...(deps.mail ? { mail: deps.mail } : {}),
    now,
    nextId,
  });
  const persist = createSprintStore({ repos, flows, now, ...(deps.timers ? { timers: deps.timers } : {}) });

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


  /** The engine and assets to resume a waiting session with, and the flow it waits in. */
  async function resumption(workspace: string, dir: WorkspaceDirectory, fresh: Contact, current: StoredSession, waiting: SessionJSON) {
    waiting.contact = engineContact(fresh, waiting.contact);
    const waitingRun = waiting.runs.find((run) => run.uuid === waiting.wait?.run_uuid);
    const flowAtStart = waitingRun ? { uuid: waitingRun.flow.uuid, name: waitingRun.flow.name } : current.flow;
    const stored = await loadFlowsFor(workspace, flowAtStart.uuid);
    const { assets, workspaceTopics } = await sessionAssets(workspace, dir, [...stored, ...(await otherRunFlows(workspace, waiting, stored))], fresh);
    return { engine: engineFor(workspace, workspaceTopics), assets, flowAtStart };
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
    const { engine, assets, flowAtStart } = await resumption(workspace, options.dir, fresh, current, waiting);
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
      const store = async (sprint: SprintToStore, outcome: SprintOutcome): Promise<SprintOutcome> => {
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

    /**
     * A wait's timer fired (the FlowTimers function, docs/flow-engine-service.md
     * "Timers"): its timeout resumes the session down the wait's timeout
     * category, its expiration ends the waiting run. A timer whose wait the
     * session has left (a message came first, it fired before) does nothing;
     * two firings of one timer resume once, as the store is conditioned on the
     * session version the timer names.
     */
    async fireTimer(timer: FlowTimer): Promise<{ fired: boolean; outcome: SprintOutcome | null }> {
      const { workspace, contact } = timer;
      const skipped = { fired: false, outcome: null };
      return againIfSessionMoved(async () => {
        const current = await flows.getSession(workspace, contact);
        if (!current || !timerIsCurrent(timer, current)) return skipped;
        const fresh = await repos.contacts.get(workspace, contact, { consistent: true });
        if (!fresh) return skipped;
        const waiting = current.session as SessionJSON;
        const { engine, assets, flowAtStart } = await resumption(workspace, await directory(workspace), fresh, current, waiting);
        const result = await engine.resume({ assets, session: waiting, resume: { type: timer.kind === 'timeout' ? 'wait_timeout' : 'wait_expiration', resumed_on: now() } });
        await persist({ workspace, contact, result, startedFrom: current, inbound: null, flowAtStart, channel: fresh.last_channel ?? null });
        return { fired: true, outcome: sprintOutcome(result) };
      });
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

/** What starts a session besides the flow: a `ticket` trigger carries the closed ticket and its `ticket_closed` event. */
export type StartTrigger = Omit<TriggerJSON, 'flow' | 'triggered_on'>;
