// Storing what a sprint left behind — the session (conditioned on the
// version it started from), its messages, the contact changes, and the
// idempotency record, channel-message guard and ticket activity that must
// land with it — in one transaction (docs/flow-engine-service.md).
import { upsertContact, type Contact, type ContactInput } from '#domain/contact';
import { recordContactMessage, type Ticket } from '#domain/ticket';
import type { EventJSON } from '#flows/actions/action';
import type { FieldValueJSON } from '#flows/contact';
import type { SprintResult } from '#flows/engine';
import type { SessionJSON } from '#flows/session';
import {
  DuplicateChannelMessageError,
  SessionMovedError,
  SprintAlreadyRecordedError,
  type FlowRef,
  type FlowRepository,
  type FlowTimerScheduler,
  type MessageRecord,
  type SprintWrite,
  type StoredSession,
} from './flow-ports';
import { timerName, timersOf } from './flow-timers';
import type { Repositories } from './ports';
import { retryOnStaleWrite } from './retry';

/** One sprint to store (see storeSprint). */
export interface SprintToStore {
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
}

export function createSprintStore(deps: { repos: Repositories; flows: FlowRepository; now: () => string; timers?: FlowTimerScheduler }) {
  const { repos, flows, now, timers } = deps;

  /**
   * Stores a sprint's outcome: the session (conditioned on the version it
   * started from), the messages, and the contact when the flow changed it.
   * The contact is re-read here, after the sprint: an open_ticket of this
   * very sprint has changed it meanwhile (its open-ticket slot).
   *
   * A waiting session's timers are set first: a stored wait always has its
   * timers. A store that then loses its race clears them again (one left
   * behind would find the session elsewhere and do nothing). Once stored, the
   * timers of the wait the session left are cleared.
   */
  return async function storeSprint(options: SprintToStore): Promise<void> {
    const { workspace, result, startedFrom } = options;
    const messages = [...(options.inbound ? [options.inbound] : []), ...(result ? outgoingMessages(result, options.contact, options.flowAtStart, options.channel ?? null) : [])];
    const contactChanges = result ? contactChangesOf(result.events, options.contact) : null;
    const session = result && !options.keepStoredSession ? storedSession(workspace, options.contact, result.session, startedFrom, now()) : null;
    const set = timers && session ? timersOf(session) : [];
    for (const timer of set) await timers!.schedule(timer);
    try {
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
    } catch (error) {
      // Definitely not stored (another sprint landed first, or this one was taken already): the timers just set
      // are cleared unless the stored session waits with the very same ones (a sprint that landed in the same
      // millisecond names the same wait). Any other failure may have stored the sprint, so its timers stay.
      if (set.length && (error instanceof SessionMovedError || error instanceof SprintAlreadyRecordedError || error instanceof DuplicateChannelMessageError)) {
        const stored = await flows.getSession(workspace, options.contact).catch(() => undefined);
        if (stored !== undefined) {
          const live = new Set(stored ? timersOf(stored).map(timerName) : []);
          await Promise.all(set.filter((timer) => !live.has(timerName(timer))).map((timer) => timers!.cancel(timer).catch(() => undefined)));
        }
      }
      throw error;
    }
    if (timers && session && startedFrom) {
      // Best effort: a timer left behind fires, finds the session moved on, and does nothing.
      const kept = new Set(set.map(timerName));
      const left = timersOf(startedFrom).filter((timer) => !kept.has(timerName(timer)));
      await Promise.all(left.map((timer) => timers.cancel(timer).catch(() => undefined)));
    }
  };
}

/** An inbound message as stored, before routing sets its flow. */
export function inboundRecord(input: { uuid: string; contact: string; text: string; attachments: string[]; urn: string | null; createdOn: string }): MessageRecord {
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
