// Closed-ticket triggers (docs/triggers.md): their configuration (HTTP API and
// RapidPro export files), and what happens when a ticket closes — find the
// one trigger that matches the contact and start its flow through the flow
// engine function, with an idempotency key named after the close so that the
// engine starts at most one session per close, whatever is retried.
import { ConflictError, NotFoundError, ValidationError } from '#domain/errors';
import { newId } from '#domain/ids';
import { formatTimestamp } from '#domain/time';
import {
  MAX_TRIGGERS_PER_WORKSPACE,
  assertNoTwin,
  closedTicketStartKey,
  groupSignature,
  matchingTrigger,
  messageTrigger,
  RAPIDPRO_TRIGGER_TYPE,
  triggerType,
  validateTriggerInput,
  type MatchType,
  type TriggerType,
  type ClosedTicketTrigger,
  type GroupRef,
  type TriggerInput,
} from '#domain/triggers';
import type { Actor } from './context';
import type { FlowRepository } from './flow-ports';
import type { WorkspaceRepository } from './ports';
import { retryOnStaleWrite } from './retry';

export interface TriggerSet {
  triggers: ClosedTicketTrigger[];
  /** 0 while the workspace never had a trigger. */
  version: number;
}

export interface TriggerStore {
  readSet(workspace: string, options?: { consistent?: boolean }): Promise<TriggerSet>;
  /** Writes and deletes triggers and bumps the set's version; StaleWriteError when the version moved. */
  saveSet(change: { workspace: string; put: ClosedTicketTrigger[]; remove: string[]; expectedVersion: number }): Promise<void>;
}

/** The flow engine function's `start_flow` with a trigger and an idempotency key (docs/flow-engine-service.md). */
export interface FlowStartRequest {
  command: 'start_flow';
  workspace: string;
  flow: { uuid: string };
  contact: { uuid: string };
  trigger: TicketTriggerJSON;
  idempotency_key: string;
}

export interface TicketRefJSON {
  uuid: string;
  status: 'closed';
  topic: { uuid: string; name: string } | null;
  assignee: { uuid: string; email: string; name: string } | null;
}

/** goflow's `ticket` trigger: `@trigger.type` is `ticket`, `@trigger.ticket` the closed ticket. */
export interface TicketTriggerJSON {
  type: 'ticket';
  event: { type: 'ticket_closed'; created_on: string; ticket: TicketRefJSON };
  ticket: TicketRefJSON;
}

export type FlowStartAnswer = { session: { uuid: string; status: string } | null; events: unknown[] } | { error: { code: string; message: string } };

/** Throws when the engine cannot be reached or fails; the queue then redelivers the close. */
export interface FlowStarter {
  startFlow(request: FlowStartRequest): Promise<FlowStartAnswer>;
}

/** A close as the table stream reports it: the ticket's new image. */
export interface TicketClose {
  workspace: string;
  ticket: string;
  contact: string;
  topic: string;
  assignee: string | null;
  closed_on: string;
  /** The ticket's version after the close: with the ticket it names this close. */
  version: number;
}

export type CloseOutcome =
  | { outcome: 'started'; trigger: string; flow: string; session: { uuid: string; status: string } | null }
  /** The engine refused for good (the flow was deleted, say): retrying cannot help. */
  | { outcome: 'refused'; trigger: string; flow: string; error: { code: string; message: string } }
  | { outcome: 'no_trigger' };

export interface TriggerView {
  uuid: string;
  type: TriggerType;
  /** keyword triggers only */
  keywords?: string[];
  match_type?: MatchType;
  flow: { uuid: string; name: string };
  groups: GroupRef[];
  exclude_groups: GroupRef[];
  created_on: string;
  modified_on: string;
}

/** RapidPro export files list triggers as `{trigger_type, flow, groups, exclude_groups, …}`; `T` is "ticket closed". */
export const CLOSED_TICKET_TRIGGER_TYPE = 'T';

/** Flow types a close may start: no voice flows, there is no call to run them in. */
const STARTABLE_FLOW_TYPES = new Set(['messaging', 'messaging_background']);

export interface TriggerUseCaseDeps {
  triggers: TriggerStore;
  flows: Pick<FlowRepository, 'getFlows' | 'getSession' | 'getAssets'>;
  workspaces: Pick<WorkspaceRepository, 'loadDirectory'>;
  /** Only the close handling needs it (the HTTP API and imports do not start flows). */
  engine?: FlowStarter;
  clock?: () => Date;
  uuids?: () => string;
}

function view({ workspace: _workspace, type, keywords, match_type, ...trigger }: ClosedTicketTrigger): TriggerView {
  const kind = triggerType({ type });
  const { uuid, ...rest } = trigger;
  return { uuid, type: kind, ...(kind === 'keyword' ? { keywords: keywords ?? [], match_type: match_type ?? 'F' } : {}), ...rest };
}

/** The contact's groups as the flow engine last saw them: the contact of its stored session (none: no groups). */
export function sessionContactGroupRefs(session: unknown): GroupRef[] {
  const groups = (session as { contact?: { groups?: { uuid?: unknown; name?: unknown }[] } } | undefined)?.contact?.groups ?? [];
  return groups
    .filter((group): group is { uuid: string; name?: unknown } => typeof group?.uuid === 'string')
    .map((group) => ({ uuid: group.uuid, name: typeof group.name === 'string' ? group.name : '' }));
}

/** The uuids of the contact's groups (sessionContactGroupRefs), what triggers match on. */
export function sessionContactGroups(session: unknown): Set<string> {
  return new Set(sessionContactGroupRefs(session).map((group) => group.uuid));
}

/** Import key: triggers of an export replace the stored ones of the same type, keywords and groups. */
function importSignature(trigger: Pick<ClosedTicketTrigger, 'type' | 'keywords' | 'groups' | 'exclude_groups'>): string {
  return `${triggerType(trigger)}|${[...(trigger.keywords ?? [])].sort().join(',')}|${groupSignature(trigger)}`;
}

export function createTriggerUseCases(deps: TriggerUseCaseDeps) {
  const now = () => formatTimestamp((deps.clock ?? (() => new Date()))());
  const nextId = deps.uuids ?? newId;

  async function startableFlow(workspace: string, uuid: string, field: string) {
    const [flow] = await deps.flows.getFlows(workspace, [uuid]);
    if (!flow) throw new ValidationError(field, `No flow ${uuid} in this workspace; import it first.`);
    if (!STARTABLE_FLOW_TYPES.has(flow.type))
      throw new ValidationError(field, `A ${flow.type} flow cannot be started by a trigger; use a messaging or background flow.`);
    return { uuid: flow.uuid, name: flow.name };
  }

  function normalized(input: TriggerInput) {
    validateTriggerInput(input);
    const unique = (groups: GroupRef[] | undefined) => [...new Map((groups ?? []).map((group) => [group.uuid, group])).values()];
    const type = input.type ?? 'closed_ticket';
    return {
      ...(type === 'closed_ticket' ? {} : { type }),
      ...(type === 'keyword' ? { keywords: [...new Set((input.keywords ?? []).map((keyword) => keyword.toLowerCase()))], match_type: input.match_type ?? ('F' as const) } : {}),
      groups: unique(input.groups),
      exclude_groups: unique(input.exclude_groups),
    };
  }

  async function findTrigger(workspace: string, uuid: string, set: TriggerSet): Promise<ClosedTicketTrigger> {
    const found = set.triggers.find((trigger) => trigger.uuid === uuid);
    if (!found) throw new NotFoundError('trigger_not_found', 'No such trigger.');
    return found;
  }

  /** The contact's groups as the flow engine last saw them: its session's contact (no session, no groups). */
  async function contactGroups(workspace: string, contact: string): Promise<Set<string>> {
    return sessionContactGroups((await deps.flows.getSession(workspace, contact))?.session);
  }

  return {
    /** `GET /groups`: the workspace's groups, the flow assets merged from imported exports, by name. */
    async listGroups({ actor }: { actor: Actor }): Promise<GroupRef[]> {
      const { groups } = await deps.flows.getAssets(actor.workspace);
      return groups.map((group) => ({ uuid: group.uuid, name: group.name })).sort((a, b) => a.name.localeCompare(b.name));
    },

    async listTriggers({ actor }: { actor: Actor }): Promise<TriggerView[]> {
      const { triggers } = await deps.triggers.readSet(actor.workspace);
      return triggers.sort((a, b) => a.created_on.localeCompare(b.created_on)).map(view);
    },

    async createTrigger({ actor, input }: { actor: Actor; input: TriggerInput }): Promise<TriggerView> {
      const groups = normalized(input);
      const flow = await startableFlow(actor.workspace, input.flow.uuid, 'flow.uuid');
      return retryOnStaleWrite(async () => {
        const set = await deps.triggers.readSet(actor.workspace, { consistent: true });
        if (set.triggers.length >= MAX_TRIGGERS_PER_WORKSPACE)
          throw new ValidationError(null, `A workspace holds at most ${MAX_TRIGGERS_PER_WORKSPACE} triggers.`, 'trigger_limit_reached');
        const timestamp = now();
        const trigger: ClosedTicketTrigger = { workspace: actor.workspace, uuid: nextId(), ...groups, flow, created_on: timestamp, modified_on: timestamp };
        assertNoTwin(trigger, set.triggers);
        await deps.triggers.saveSet({ workspace: actor.workspace, put: [trigger], remove: [], expectedVersion: set.version });
        return view(trigger);
      });
    },

    /** A change without `type` keeps the trigger's type (and a keyword trigger's keywords and match type unless given). */
    async updateTrigger({ actor, trigger: uuid, input }: { actor: Actor; trigger: string; input: TriggerInput }): Promise<TriggerView> {
      if (input.type !== undefined) normalized(input);
      const flow = await startableFlow(actor.workspace, input.flow.uuid, 'flow.uuid');
      return retryOnStaleWrite(async () => {
        const set = await deps.triggers.readSet(actor.workspace, { consistent: true });
        const { type, keywords, match_type, ...existing } = await findTrigger(actor.workspace, uuid, set);
        const kept = input.type ?? triggerType({ type });
        const groups = normalized({
          ...input,
          type: kept,
          ...(kept === 'keyword' && input.keywords === undefined ? { keywords } : {}),
          ...(kept === 'keyword' && input.match_type === undefined ? { match_type } : {}),
        });
        const trigger: ClosedTicketTrigger = { ...existing, flow, ...groups, modified_on: now() };
        assertNoTwin(trigger, set.triggers);
        await deps.triggers.saveSet({ workspace: actor.workspace, put: [trigger], remove: [], expectedVersion: set.version });
        return view(trigger);
      });
    },

    async deleteTrigger({ actor, trigger: uuid }: { actor: Actor; trigger: string }): Promise<void> {
      await retryOnStaleWrite(async () => {
        const set = await deps.triggers.readSet(actor.workspace, { consistent: true });
        await findTrigger(actor.workspace, uuid, set);
        await deps.triggers.saveSet({ workspace: actor.workspace, put: [], remove: [uuid], expectedVersion: set.version });
      });
    },

    /**
     * Stores the closed-ticket triggers read from an export (readExportTriggers),
     * after its flows are stored. A trigger for the same groups as an existing
     * one replaces its flow, so importing an export twice changes nothing.
     */
    async importTriggers({ actor, triggers: wanted }: { actor: Actor; triggers: TriggerInput[] }): Promise<TriggerView[]> {
      if (wanted.length === 0) return [];
      const flows = await Promise.all(wanted.map((input, index) => startableFlow(actor.workspace, input.flow.uuid, `definitions.triggers.${index}.flow`)));

      return retryOnStaleWrite(async () => {
        const set = await deps.triggers.readSet(actor.workspace, { consistent: true });
        const timestamp = now();
        const bySignature = new Map(set.triggers.map((trigger) => [importSignature(trigger), trigger]));
        const touched = new Set<string>();
        for (const [index, input] of wanted.entries()) {
          const groups = normalized(input);
          const signature = importSignature(groups);
          touched.add(signature);
          const existing = bySignature.get(signature);
          bySignature.set(signature, {
            workspace: actor.workspace,
            uuid: existing?.uuid ?? nextId(),
            ...groups,
            flow: flows[index]!,
            created_on: existing?.created_on ?? timestamp,
            modified_on: timestamp,
          });
        }
        const changed = [...touched].map((signature) => bySignature.get(signature)!);
        if (bySignature.size > MAX_TRIGGERS_PER_WORKSPACE)
          throw new ValidationError('definitions.triggers', `A workspace holds at most ${MAX_TRIGGERS_PER_WORKSPACE} triggers.`, 'invalid_definition');
        // A keyword shared with another trigger of other keywords (same groups) would tie for that keyword.
        for (const trigger of changed) {
          try {
            assertNoTwin(trigger, [...bySignature.values()]);
          } catch (error) {
            if (error instanceof ConflictError) throw new ValidationError('definitions.triggers', error.message, 'invalid_definition');
            throw error;
          }
        }
        await deps.triggers.saveSet({ workspace: actor.workspace, put: changed, remove: [], expectedVersion: set.version });
        return changed.map(view);
      });
    },

    /**
     * A ticket closed: starts the flow of the matching trigger for its
     * contact. The engine answers the same for the same idempotency key, so
     * handling one close twice starts one session.
     */
    async handleClose(close: TicketClose): Promise<CloseOutcome> {
      if (!deps.engine) throw new Error('handleClose needs the flow engine (deps.engine)');
      const triggers = (await deps.triggers.readSet(close.workspace)).triggers.filter((trigger) => triggerType(trigger) === 'closed_ticket');
      if (triggers.length === 0) return { outcome: 'no_trigger' };
      const trigger = matchingTrigger(triggers, await contactGroups(close.workspace, close.contact));
      if (!trigger) return { outcome: 'no_trigger' };

      const directory = await deps.workspaces.loadDirectory(close.workspace);
      const topic = directory?.topics.find((candidate) => candidate.uuid === close.topic);
      const assignee = close.assignee ? directory?.members.find((member) => member.uuid === close.assignee) : undefined;
      const ticket: TicketRefJSON = {
        uuid: close.ticket,
        status: 'closed',
        topic: topic ? { uuid: topic.uuid, name: topic.name } : null,
        assignee: assignee ? { uuid: assignee.uuid, email: assignee.email, name: assignee.name } : null,
      };
      const answer = await deps.engine.startFlow({
        command: 'start_flow',
        workspace: close.workspace,
        flow: { uuid: trigger.flow.uuid },
        contact: { uuid: close.contact },
        trigger: { type: 'ticket', event: { type: 'ticket_closed', created_on: close.closed_on, ticket }, ticket },
        idempotency_key: closedTicketStartKey(close.ticket, close.version),
      });
      if ('error' in answer) return { outcome: 'refused', trigger: trigger.uuid, flow: trigger.flow.uuid, error: answer.error };
      return { outcome: 'started', trigger: trigger.uuid, flow: trigger.flow.uuid, session: answer.session };
    },
  };
}

export type TriggerUseCases = ReturnType<typeof createTriggerUseCases>;

/** The keyword or catch-all trigger an inbound message starts (domain `messageTrigger`) over the workspace's stored triggers. */
export async function findMessageTrigger(
  store: Pick<TriggerStore, 'readSet'>,
  query: { workspace: string; text: string; groups: ReadonlySet<string>; sessionWaiting: boolean },
) {
  const { triggers } = await store.readSet(query.workspace);
  return messageTrigger(triggers, query.text, query.groups, query.sessionWaiting);
}

/**
 * The triggers of a RapidPro export's `triggers` list Ticketer runs
 * (`trigger_type` "T" closed ticket, "K" keyword, "C" catch-all; other types
 * — schedules, calls, opt-ins… — are not Ticketer's and are skipped), checked before anything of the export is stored.
 */
export function readExportTriggers(triggers: unknown): TriggerInput[] {
  if (triggers === undefined || triggers === null) return [];
  if (!Array.isArray(triggers)) throw new ValidationError('definitions.triggers', 'The triggers of an export are a list.', 'invalid_definition');
  const read: TriggerInput[] = [];
  triggers.forEach((raw: unknown, index) => {
    const where = `definitions.triggers.${index}`;
    const entry = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
    const type = (Object.keys(RAPIDPRO_TRIGGER_TYPE) as TriggerType[]).find((candidate) => RAPIDPRO_TRIGGER_TYPE[candidate] === entry.trigger_type);
    if (!type) return;
    const flow = entry.flow as { uuid?: unknown } | undefined;
    if (typeof flow?.uuid !== 'string') throw new ValidationError(`${where}.flow`, 'A trigger names its flow by uuid.', 'invalid_definition');
    const groupList = (value: unknown, field: string): GroupRef[] => {
      if (value === undefined || value === null) return [];
      if (!Array.isArray(value)) throw new ValidationError(`${where}.${field}`, 'Expected a list of groups.', 'invalid_definition');
      return value.map((group: { uuid?: unknown; name?: unknown } | null) => ({ uuid: String(group?.uuid ?? ''), name: String(group?.name ?? '') }));
    };
    // RapidPro exports list a keyword trigger's words in `keywords` (older ones: one `keyword`).
    const keywords = type !== 'keyword' ? [] : Array.isArray(entry.keywords) ? entry.keywords.map(String) : typeof entry.keyword === 'string' ? [entry.keyword] : [];
    const input: TriggerInput = {
      ...(type === 'closed_ticket' ? {} : { type }),
      ...(type === 'keyword' ? { keywords: keywords.map((keyword) => keyword.toLowerCase()), match_type: entry.match_type === 'O' ? 'O' : 'F' } : {}),
      flow: { uuid: flow.uuid },
      groups: groupList(entry.groups, 'groups'),
      exclude_groups: groupList(entry.exclude_groups, 'exclude_groups'),
    };
    try {
      validateTriggerInput(input);
    } catch (error) {
      if (error instanceof ValidationError) throw new ValidationError(`${where}.${error.field}`, error.message, 'invalid_definition');
      throw error;
    }
    read.push(input);
  });
  return read;
}
