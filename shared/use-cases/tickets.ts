// Ticket use cases: open (from a flow runtime or by hand), the agent
// commands, the ticket detail, folders and their counts, and the RapidPro v2
// ticket list.
import { upsertContact, validateContactInput, type Contact, type ContactInput } from '#domain/contact';
import { DomainError, NotFoundError, ValidationError } from '#domain/errors';
import { mayBeAssigned } from '#domain/permissions';
import * as tickets from '#domain/ticket';
import { findTopicByName, newTopic, validateTopicName, type Topic } from '#domain/topic';
import { MAX_IDEMPOTENCY_KEY_LENGTH } from '#domain/limits';
import { normalizeEmail } from '#domain/workspace';
import { PAGE_SIZE, type Actor, type UseCaseContext } from './context';
import type { FolderQuery, IdempotencyRecord, TicketCommandName, WorkspaceDirectory } from './ports';
import { requestFingerprint } from './request-fingerprint';
import { retryOnStaleWrite } from './retry';
import { sessionContactGroupRefs } from './closed-ticket-triggers';
import { contactView, folderCountsView, ViewContext, type CommandResult, type ContactDetailsView, type Page, type TicketHistoryEvent, type TicketView } from './views';

export type TopicChoice = { uuid: string } | { name: string } | null;
export type AssigneeChoice = { uuid: string } | { email: string } | null;

export interface OpenTicketRequest {
  actor: Actor;
  contact: ContactInput;
  topic: TopicChoice;
  assignee: AssigneeChoice;
  note?: string;
  opened_in?: { uuid: string; name: string };
  /** The contact's latest inbound message, when the caller knows it (a flow's input). */
  last_message?: { text: string; created_on: string };
  idempotency_key?: string;
  /**
   * What an assignee who is not a member who may work tickets does: `refuse`
   * the open (400 `assignee`, as the HTTP API answers), or open it unassigned
   * with a `unknown_assignee` warning (the flow runtime's contract, so a flow
   * still gets its ticket). Default `refuse`.
   */
  unknownAssignee?: 'refuse' | 'open_unassigned';
  /**
   * The key came back with a different request. Absent: refused with
   * `idempotency_key_reused` (the HTTP API answers 409). Given: the key's
   * first answer is replayed and this is called so the caller can log the
   * mismatch — the ticket command's contract is one answer per key, because a
   * flow's rerun re-evaluates its templates (a note with `@(now())` differs)
   * although it is the same open.
   */
  onKeyReusedWithOtherRequest?: () => void;
}

export interface OpenTicketResponse {
  ticket: TicketView | null;
  events: TicketHistoryEvent[];
  error: { code: string; message: string } | null;
}

type UnknownAssignee = NonNullable<OpenTicketRequest['unknownAssignee']>;
/** An open made under an idempotency key: the key, the fingerprint of the request, and what a mismatch does (OpenTicketRequest). */
type IdempotencyClaim = { key: string; requestHash: string; onOtherRequest?: () => void };

/** What makes two opens the same request: everything that decides the outcome, nothing of the transport. */
function openRequestMeaning(request: OpenTicketRequest, unknownAssignee: UnknownAssignee) {
  const { actor, contact, topic, assignee, note, opened_in } = request;
  return { user: actor.user, contact, topic, assignee, note: note ?? null, opened_in: opened_in ?? null, unknownAssignee };
}

/** One action of RapidPro's ticket_actions.json, for many tickets at once. */
export type TicketAction =
  | { action: 'assign'; assignee: { email: string } | null }
  | { action: 'add_note'; note: string }
  | { action: 'change_topic'; topic: string }
  | { action: 'close' }
  | { action: 'reopen' };

/** Tickets changed at once by a ticket action: a few at a time keeps 100 tickets short without a burst of 100 transactions. */
const TICKET_ACTION_CONCURRENCY = 10;

export type Folder = 'all' | 'unassigned' | 'mine' | { topic: string };

export function validatePageLimit(limit: number | undefined, fallback: number, max: number): number {
  if (limit === undefined) return fallback;
  if (!Number.isInteger(limit) || limit < 1 || limit > max) throw new ValidationError('limit', `The limit must be a whole number from 1 to ${max}.`);
  return limit;
}

/** What a command does to a ticket: the domain's transition, given the workspace's directory. */
type Decision = (ticket: tickets.Ticket, directory: WorkspaceDirectory, at: tickets.Actor) => tickets.TransitionResult;

/** The transition of a ticket action, its command name, and what it does to the contact's open-ticket slot. */
function actionDecision(action: TicketAction, resolved: { assignee: string | null; topic: string | null }): {
  name: TicketCommandName;
  decide: Decision;
  contactOpenTicket?: 'claim' | 'release';
} {
  switch (action.action) {
    case 'assign':
      return { name: 'assign', decide: (ticket, _directory, at) => tickets.assignTicket(ticket, resolved.assignee, null, at) };
    case 'add_note':
      return { name: 'add_note', decide: (ticket, _directory, at) => tickets.addNote(ticket, action.note, at) };
    case 'change_topic':
      return { name: 'change_topic', decide: (ticket, _directory, at) => tickets.changeTopic(ticket, resolved.topic!, at) };
    case 'close':
      return { name: 'close', decide: (ticket, _directory, at) => tickets.closeTicket(ticket, at), contactOpenTicket: 'release' };
    case 'reopen':
      return { name: 'reopen', decide: (ticket, _directory, at) => tickets.reopenTicket(ticket, at), contactOpenTicket: 'claim' };
  }
}

/** Maps items a few at a time (`concurrency` at once); results keep the input order. */
async function mapInBatches<T, R>(items: T[], concurrency: number, map: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (let start = 0; start < items.length; start += concurrency) results.push(...(await Promise.all(items.slice(start, start + concurrency).map(map))));
  return results;
}

function ticketNotFound(): NotFoundError {
  return new NotFoundError('ticket_not_found', 'No such ticket.');
}

export function createTicketUseCases(context: UseCaseContext) {
  const { repos } = context;

  /** Views for tickets of one workspace: names from the directory, contact names by one BatchGet. */
  async function viewsOf(directory: WorkspaceDirectory, list: tickets.Ticket[]): Promise<TicketView[]> {
    const contacts = list.length ? await repos.contacts.getMany(directory.workspace.uuid, [...new Set(list.map((t) => t.contact))]) : [];
    return viewsWith(directory, list, contacts);
  }

  /** Views of a page, whose contacts the repository read with its tickets. */
  function viewsWith(directory: WorkspaceDirectory, list: tickets.Ticket[], contacts: Contact[]): TicketView[] {
    const views = new ViewContext(directory, contacts);
    return list.map((ticket) => views.ticket(ticket));
  }

  function resolveTopic(directory: WorkspaceDirectory, choice: TopicChoice, now: string): { topic: Topic; isNew: boolean } {
    if (choice === null) {
      const system = directory.topics.find((topic) => topic.system);
      if (!system) throw new NotFoundError('topic_not_found', 'The workspace has no default topic.');
      return { topic: system, isNew: false };
    }
    if ('uuid' in choice) {
      const topic = directory.topics.find((candidate) => candidate.uuid === choice.uuid);
      if (!topic) throw new NotFoundError('topic_not_found', 'No such topic.');
      return { topic, isNew: false };
    }
    const existing = findTopicByName(directory.topics, choice.name);
    if (existing) return { topic: existing, isNew: false };
    return { topic: newTopic(directory.workspace.uuid, choice.name, directory.topics, now, 'topic.name'), isNew: true };
  }

  /** The member to assign, or undefined when there is none who may work tickets (unknown, or a viewer). */
  function resolveAssignee(directory: WorkspaceDirectory, choice: AssigneeChoice): string | null | undefined {
    if (choice === null) return null;
    const member =
      'uuid' in choice
        ? directory.members.find((candidate) => candidate.uuid === choice.uuid)
        : directory.members.find((candidate) => candidate.email === normalizeEmail(choice.email));
    return member && mayBeAssigned(member.role) ? member.uuid : undefined;
  }

  /** The open's idempotency record: a retry gets the stored answer; the key reused for another request is refused, or answered the same and reported. */
  function replay(record: IdempotencyRecord, { requestHash, onOtherRequest }: IdempotencyClaim): OpenTicketResponse {
    if (record.requestHash !== null && record.requestHash !== requestHash) {
      if (onOtherRequest) {
        onOtherRequest();
        return record.response as OpenTicketResponse;
      }
      return {
        ticket: null,
        events: [],
        error: { code: 'idempotency_key_reused', message: 'The idempotency key was used before for a different request.' },
      };
    }
    return record.response as OpenTicketResponse;
  }

  /** Answers a refused open, recording the refusal under the idempotency key so a retry gets the same answer. */
  async function refuse(actor: Actor, idempotency: IdempotencyClaim | null, error: OpenTicketResponse['error']): Promise<OpenTicketResponse> {
    const response: OpenTicketResponse = { ticket: null, events: [], error };
    if (idempotency === null) return response;
    const { key, requestHash } = idempotency;
    if (await repos.idempotency.putIfAbsent(actor.workspace, 'open_ticket', key, { response, requestHash })) return response;
    return replay((await repos.idempotency.get(actor.workspace, 'open_ticket', key))!, idempotency);
  }

  /**
   * The command pattern shared by every agent command: read the ticket, let
   * the domain decide, store the change conditioned on the version read, and
   * start over when another writer got there first.
   */
  async function command(
    name: TicketCommandName,
    actor: Actor,
    ticketId: string,
    decide: Decision,
    contactOpenTicket?: 'claim' | 'release',
  ): Promise<CommandResult> {
    return retryOnStaleWrite(async () => {
      const [ticket, directory] = await Promise.all([
        repos.tickets.get(actor.workspace, ticketId),
        repos.workspaces.loadDirectory(actor.workspace, { consistent: true }),
      ]);
      if (!ticket || !directory) throw ticketNotFound();
      const result = decide(ticket, directory, { user: actor.user, now: context.now() });
      // The contact (for its name in the view) is read alongside the write.
      const [contact] = await Promise.all([
        repos.contacts.get(actor.workspace, ticket.contact),
        result.changed
          ? repos.tickets.update({ command: name, ticket: result.ticket, events: result.events, ...(contactOpenTicket ? { contactOpenTicket } : {}) })
          : undefined,
      ]);
      const views = new ViewContext(directory, contact ? [contact] : []);
      return { changed: result.changed, ticket: views.ticket(result.ticket), events: result.events.map((event) => views.event(event)) };
    });
  }

  /**
   * A ticket action's step for one ticket: decided on the ticket as read
   * (BatchGet) and the directory loaded once, stored conditioned on its
   * version; only when another writer got there first is the ticket read again.
   */
  async function applyToLoadedTicket(
    name: TicketCommandName,
    actor: Actor,
    loaded: tickets.Ticket,
    directory: WorkspaceDirectory,
    decide: Decision,
    contactOpenTicket?: 'claim' | 'release',
  ): Promise<boolean> {
    let ticket: tickets.Ticket | null = loaded;
    return retryOnStaleWrite(async () => {
      if (ticket === null) {
        ticket = await repos.tickets.get(actor.workspace, loaded.uuid);
        if (!ticket) throw ticketNotFound();
      }
      const result = decide(ticket, directory, { user: actor.user, now: context.now() });
      ticket = null;
      if (result.changed)
        await repos.tickets.update({ command: name, ticket: result.ticket, events: result.events, ...(contactOpenTicket ? { contactOpenTicket } : {}) });
      return result.changed;
    });
  }

  /** One attempt at an open, from reading the workspace to the transaction; a lost race throws StaleWriteError. */
  async function openOnce(request: OpenTicketRequest, unknownAssignee: UnknownAssignee, idempotency: IdempotencyClaim | null): Promise<OpenTicketResponse> {
    const { actor } = request;
    const now = context.now();
    const directory = await context.directory(actor.workspace, { consistent: true });
    const { topic, isNew } = resolveTopic(directory, request.topic, now);
    const assignee = resolveAssignee(directory, request.assignee);
    if (assignee === undefined && unknownAssignee === 'refuse')
      throw new ValidationError('assignee', 'The assignee is not a member of the workspace who may work tickets.', 'unknown_assignee');
    const stored = await repos.contacts.get(actor.workspace, request.contact.uuid, { consistent: true });
    const { contact, changed: contactChanged } = upsertContact(stored, actor.workspace, request.contact, now);

    if (contact.open_ticket) {
      if (contactChanged) await repos.contacts.save({ ...contact, version: contact.version + 1 });
      return refuse(actor, idempotency, { code: 'contact_has_open_ticket', message: 'The contact already has an open ticket.' });
    }

    const opened = tickets.openTicket(
      {
        workspace: actor.workspace,
        contact: contact.uuid,
        topic: topic.uuid,
        assignee: assignee ?? null,
        note: request.note ?? null,
        opened_in: request.opened_in ?? null,
        last_message: request.last_message ? tickets.lastMessage(request.last_message.text, 'in', request.last_message.created_on) : null,
      },
      { user: actor.user, now },
    );
    const views = new ViewContext({ ...directory, topics: isNew ? [...directory.topics, topic] : directory.topics }, [contact]);
    const response: OpenTicketResponse = {
      ticket: views.ticket(opened.ticket),
      events: opened.events.map((event) => views.event(event)),
      error: assignee === undefined ? { code: 'unknown_assignee', message: 'The assignee is not a member of the workspace who may work tickets; the ticket was opened unassigned.' } : null,
    };
    const outcome = await repos.tickets.open({
      ticket: opened.ticket,
      events: opened.events,
      contact: { ...contact, open_ticket: opened.ticket.uuid, version: contact.version + 1 },
      ...(isNew ? { newTopic: topic } : {}),
      ...(idempotency ? { idempotency: { ...idempotency, response } } : {}),
    });
    if (outcome === 'opened') {
      // URNs new to the contact lead channel messages to it, unless another contact holds them already.
      const added = contact.urns.filter((urn) => !stored?.urns.includes(urn));
      if (added.length) await repos.conversations.claimFreeUrns({ ...contact, urns: added });
      return response;
    }
    if (outcome === 'idempotency_key_taken') return replay((await repos.idempotency.get(actor.workspace, 'open_ticket', idempotency!.key))!, idempotency!);
    return refuse(actor, idempotency, { code: 'contact_has_open_ticket', message: 'The contact already has an open ticket.' });
  }

  return {
    async openTicket(request: OpenTicketRequest): Promise<OpenTicketResponse> {
      const { actor } = request;
      // Input errors first, before anything is read or stored.
      tickets.normalizeNote(request.note, false);
      if (request.topic && 'name' in request.topic) validateTopicName(request.topic.name, 'topic.name');
      validateContactInput(request.contact);
      const key = request.idempotency_key;
      if (key !== undefined && (key.length === 0 || key.length > MAX_IDEMPOTENCY_KEY_LENGTH))
        throw new ValidationError('idempotency_key', `The idempotency key must have 1 to ${MAX_IDEMPOTENCY_KEY_LENGTH} characters.`);
      const unknownAssignee = request.unknownAssignee ?? 'refuse';
      const idempotency: IdempotencyClaim | null =
        key === undefined
          ? null
          : {
              key,
              requestHash: requestFingerprint(openRequestMeaning(request, unknownAssignee)),
              ...(request.onKeyReusedWithOtherRequest ? { onOtherRequest: request.onKeyReusedWithOtherRequest } : {}),
            };

      if (idempotency) {
        const stored = await repos.idempotency.get(actor.workspace, 'open_ticket', idempotency.key);
        if (stored) return replay(stored, idempotency);
      }

      try {
        return await retryOnStaleWrite(() => openOnce(request, unknownAssignee, idempotency));
      } catch (error) {
        // A refusal by the workspace's state (no such topic, the topic limit…)
        // is an answer like contact_has_open_ticket: recorded, so a retry gets
        // it again. Bad input (ValidationError) is refused alike every time, without a record.
        if (idempotency && error instanceof DomainError && !(error instanceof ValidationError))
          return refuse(actor, idempotency, { code: error.code, message: error.message });
        throw error;
      }
    },

    async assignTicket({ actor, ticket, assignee, note }: { actor: Actor; ticket: string; assignee: string | null; note?: string }) {
      tickets.normalizeNote(note, false);
      return command('assign', actor, ticket, (current, directory, at) => {
        if (assignee !== null) {
          const member = directory.members.find((candidate) => candidate.uuid === assignee);
          if (!member) throw new ValidationError('assignee', 'The assignee is not a member of the workspace.', 'unknown_assignee');
          if (!mayBeAssigned(member.role))
            throw new ValidationError('assignee', `The assignee is a ${member.role}, and a ${member.role} may not work tickets.`, 'assignee_cannot_work_tickets');
        }
        return tickets.assignTicket(current, assignee, note, at);
      });
    },

    /**
     * RapidPro's ticket_actions.json. The whole request is checked first —
     * every ticket exists (one BatchGet), the assignee is a member who may
     * work tickets, the topic exists — so a bad request changes nothing. Then
     * the action is applied ticket by ticket; `failures` are the tickets it
     * left unchanged or whose state refused it (never an error once some
     * ticket has changed).
     */
    async applyTicketAction({ actor, tickets: requested, action }: { actor: Actor; tickets: string[]; action: TicketAction }): Promise<{ failures: string[] }> {
      const uuids = [...new Set(requested)];
      if (action.action === 'add_note') tickets.normalizeNote(action.note, true);
      const [found, directory] = await Promise.all([
        repos.tickets.getMany(actor.workspace, uuids),
        repos.workspaces.loadDirectory(actor.workspace, { consistent: true }),
      ]);
      if (!directory) throw new NotFoundError('workspace_not_found', 'No such workspace.');
      const byUuid = new Map(found.map((ticket) => [ticket.uuid, ticket]));
      const unknown = uuids.filter((uuid) => !byUuid.has(uuid));
      if (unknown.length > 0) throw new ValidationError('tickets', `No such ticket: ${unknown.join(', ')}`, 'ticket_not_found');

      const resolved = { assignee: null as string | null, topic: null as string | null };
      if (action.action === 'assign' && action.assignee !== null) {
        const email = action.assignee.email;
        const member = directory.members.find((candidate) => candidate.email === normalizeEmail(email));
        if (!member) throw new ValidationError('assignee', `No such user: ${email}`, 'unknown_assignee');
        if (!mayBeAssigned(member.role))
          throw new ValidationError('assignee', `${email} is a ${member.role} and may not work tickets`, 'assignee_cannot_work_tickets');
        resolved.assignee = member.uuid;
      }
      if (action.action === 'change_topic') {
        if (!directory.topics.some((topic) => topic.uuid === action.topic)) throw new ValidationError('topic', `No such topic: ${action.topic}`, 'topic_not_found');
        resolved.topic = action.topic;
      }

      const { name, decide, contactOpenTicket } = actionDecision(action, resolved);
      const changed = await mapInBatches(uuids, TICKET_ACTION_CONCURRENCY, async (uuid) => {
        try {
          return await applyToLoadedTicket(name, actor, byUuid.get(uuid)!, directory, decide, contactOpenTicket);
        } catch (error) {
          // Refused by this ticket's state (another open ticket for the contact), or gone meanwhile.
          if (error instanceof DomainError) return false;
          throw error;
        }
      });
      return { failures: uuids.filter((_, index) => !changed[index]) };
    },

    async addNote({ actor, ticket, note }: { actor: Actor; ticket: string; note: string }) {
      tickets.normalizeNote(note, true);
      return command('add_note', actor, ticket, (current, _directory, at) => tickets.addNote(current, note, at));
    },

    async changeTopic({ actor, ticket, topic }: { actor: Actor; ticket: string; topic: string }) {
      return command('change_topic', actor, ticket, (current, directory, at) => {
        if (!directory.topics.some((candidate) => candidate.uuid === topic)) throw new NotFoundError('topic_not_found', 'No such topic.');
        return tickets.changeTopic(current, topic, at);
      });
    },

    async closeTicket({ actor, ticket }: { actor: Actor; ticket: string }) {
      return command('close', actor, ticket, (current, _directory, at) => tickets.closeTicket(current, at), 'release');
    },

    async reopenTicket({ actor, ticket }: { actor: Actor; ticket: string }) {
      return command('reopen', actor, ticket, (current, _directory, at) => tickets.reopenTicket(current, at), 'claim');
    },

    async getTicket({ actor, ticket }: { actor: Actor; ticket: string }): Promise<{ ticket: TicketView; history: TicketHistoryEvent[]; contact: ContactDetailsView }> {
      const [found, directory] = await Promise.all([
        repos.tickets.getWithHistory(actor.workspace, ticket),
        repos.workspaces.loadDirectory(actor.workspace),
      ]);
      if (!found || !directory) throw ticketNotFound();
      const [contact, session] = await Promise.all([
        repos.contacts.get(actor.workspace, found.ticket.contact),
        repos.flowSessions.getSession(actor.workspace, found.ticket.contact),
      ]);
      if (!contact) throw new NotFoundError('contact_not_found', 'The ticket’s contact is missing.');
      const views = new ViewContext(directory, [contact]);
      return {
        ticket: views.ticket(found.ticket),
        history: found.history.map((event) => views.event(event)),
        contact: { ...contactView(contact), groups: sessionContactGroupRefs(session?.session) },
      };
    },

    async listFolder({ actor, folder, status, limit, cursor }: { actor: Actor; folder: Folder; status: tickets.TicketStatus; limit?: number; cursor?: string }): Promise<Page<TicketView>> {
      const pageSize = validatePageLimit(limit, PAGE_SIZE.folderDefault, PAGE_SIZE.folderMax);
      if (status !== 'open' && status !== 'closed') throw new ValidationError('status', 'The status must be open or closed.');
      const directory = await context.directory(actor.workspace);
      let query: FolderQuery;
      if (folder === 'all') query = { kind: 'all' };
      else if (folder === 'unassigned') query = { kind: 'assignee', assignee: null };
      else if (folder === 'mine') {
        if (actor.user === null) throw new ValidationError('folder', 'The folder "mine" needs a user.');
        query = { kind: 'assignee', assignee: actor.user };
      } else {
        if (!directory.topics.some((topic) => topic.uuid === folder.topic)) throw new NotFoundError('topic_not_found', 'No such topic.');
        query = { kind: 'topic', topic: folder.topic };
      }
      const page = await repos.tickets.listFolder({ workspace: actor.workspace, folder: query, status, limit: pageSize, ...(cursor ? { cursor } : {}) });
      return { results: viewsWith(directory, page.tickets, page.contacts), next_cursor: page.nextCursor };
    },

    async folderCounts({ actor }: { actor: Actor }) {
      const [directory, counts] = await Promise.all([context.directory(actor.workspace), repos.counts.readCounts(actor.workspace)]);
      return folderCountsView(directory, counts, actor.user);
    },

    async listTickets({ actor, uuid, contact, limit, cursor }: { actor: Actor; uuid?: string; contact?: string; limit?: number; cursor?: string }): Promise<Page<TicketView>> {
      const pageSize = validatePageLimit(limit, PAGE_SIZE.apiDefault, PAGE_SIZE.apiMax);
      const directory = await context.directory(actor.workspace);
      if (uuid !== undefined) {
        const ticket = await repos.tickets.get(actor.workspace, uuid);
        const matches = ticket && (contact === undefined || ticket.contact === contact);
        return { results: matches ? await viewsOf(directory, [ticket]) : [], next_cursor: null };
      }
      const page = await repos.tickets.listByModified({ workspace: actor.workspace, limit: pageSize, ...(contact ? { contact } : {}), ...(cursor ? { cursor } : {}) });
      return { results: viewsWith(directory, page.tickets, page.contacts), next_cursor: page.nextCursor };
    },
  };
}
