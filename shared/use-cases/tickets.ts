// Ticket use cases: open (from a flow runtime or by hand), the agent
// commands, the ticket detail, folders and their counts, and the RapidPro v2
// ticket list.
import { upsertContact, validateContactInput, type ContactInput } from '#domain/contact';
import { NotFoundError, ValidationError } from '#domain/errors';
import { mayBeAssigned } from '#domain/permissions';
import { countKey } from '#domain/folder-counts';
import * as tickets from '#domain/ticket';
import { findTopicByName, newTopic, validateTopicName, type Topic } from '#domain/topic';
import { normalizeEmail } from '#domain/workspace';
import { PAGE_SIZE, type Actor, type UseCaseContext } from './context';
import type { FolderQuery, TicketCommandName, WorkspaceDirectory } from './ports';
import { retryOnStaleWrite } from './retry';
import { contactView, ViewContext, type CommandResult, type ContactView, type Page, type TicketHistoryEvent, type TicketView } from './views';

export type TopicChoice = { uuid: string } | { name: string } | null;
export type AssigneeChoice = { uuid: string } | { email: string } | null;

export interface OpenTicketRequest {
  actor: Actor;
  contact: ContactInput;
  topic: TopicChoice;
  assignee: AssigneeChoice;
  note?: string;
  opened_in?: { uuid: string; name: string };
  idempotency_key?: string;
}

export interface OpenTicketResponse {
  ticket: TicketView | null;
  events: TicketHistoryEvent[];
  error: { code: string; message: string } | null;
}

export type Folder = 'all' | 'unassigned' | 'mine' | { topic: string };

export const MAX_IDEMPOTENCY_KEY_LENGTH = 128;

export function validatePageLimit(limit: number | undefined, fallback: number, max: number): number {
  if (limit === undefined) return fallback;
  if (!Number.isInteger(limit) || limit < 1 || limit > max) throw new ValidationError('limit', `The limit must be a whole number from 1 to ${max}.`);
  return limit;
}

function ticketNotFound(): NotFoundError {
  return new NotFoundError('ticket_not_found', 'No such ticket.');
}

export function createTicketUseCases(context: UseCaseContext) {
  const { repos } = context;

  /** Views for tickets of one workspace: names from the directory, contact names by one BatchGet. */
  async function viewsOf(directory: WorkspaceDirectory, list: tickets.Ticket[]): Promise<TicketView[]> {
    const contacts = list.length ? await repos.contacts.getMany(directory.workspace.uuid, [...new Set(list.map((t) => t.contact))]) : [];
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

  /** Answers a refused open, recording the refusal under the idempotency key so a retry gets the same answer. */
  async function refuse(actor: Actor, key: string | undefined, error: OpenTicketResponse['error']): Promise<OpenTicketResponse> {
    const response: OpenTicketResponse = { ticket: null, events: [], error };
    if (key === undefined || (await repos.idempotency.putIfAbsent(actor.workspace, key, response))) return response;
    return (await repos.idempotency.get(actor.workspace, key)) as OpenTicketResponse;
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
    decide: (ticket: tickets.Ticket, directory: WorkspaceDirectory, at: tickets.Actor) => tickets.TransitionResult,
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

      if (key !== undefined) {
        const stored = await repos.idempotency.get(actor.workspace, key);
        if (stored) return stored as OpenTicketResponse;
      }

      return retryOnStaleWrite(async () => {
        const now = context.now();
        const directory = await context.directory(actor.workspace, { consistent: true });
        const { topic, isNew } = resolveTopic(directory, request.topic, now);
        const assignee = resolveAssignee(directory, request.assignee);
        const stored = await repos.contacts.get(actor.workspace, request.contact.uuid, { consistent: true });
        const { contact, changed: contactChanged } = upsertContact(stored, actor.workspace, request.contact, now);

        if (contact.open_ticket) {
          if (contactChanged) await repos.contacts.save({ ...contact, version: contact.version + 1 });
          return refuse(actor, key, { code: 'contact_has_open_ticket', message: 'The contact already has an open ticket.' });
        }

        const opened = tickets.openTicket(
          { workspace: actor.workspace, contact: contact.uuid, topic: topic.uuid, assignee: assignee ?? null, note: request.note ?? null, opened_in: request.opened_in ?? null },
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
          ...(key !== undefined ? { idempotency: { key, response } } : {}),
        });
        if (outcome === 'opened') return response;
        if (outcome === 'idempotency_key_taken') return (await repos.idempotency.get(actor.workspace, key!)) as OpenTicketResponse;
        return refuse(actor, key, { code: 'contact_has_open_ticket', message: 'The contact already has an open ticket.' });
      });
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

    async getTicket({ actor, ticket }: { actor: Actor; ticket: string }): Promise<{ ticket: TicketView; history: TicketHistoryEvent[]; contact: ContactView }> {
      const [found, directory] = await Promise.all([
        repos.tickets.getWithHistory(actor.workspace, ticket),
        repos.workspaces.loadDirectory(actor.workspace),
      ]);
      if (!found || !directory) throw ticketNotFound();
      const contact = await repos.contacts.get(actor.workspace, found.ticket.contact);
      if (!contact) throw new NotFoundError('contact_not_found', 'The ticket’s contact is missing.');
      const views = new ViewContext(directory, [contact]);
      return { ticket: views.ticket(found.ticket), history: found.history.map((event) => views.event(event)), contact: contactView(contact) };
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
      return { results: await viewsOf(directory, page.tickets), next_cursor: page.nextCursor };
    },

    async folderCounts({ actor }: { actor: Actor }) {
      const [directory, counts] = await Promise.all([context.directory(actor.workspace), repos.counts.readCounts(actor.workspace)]);
      // A count can lag the tickets briefly (the stream consumer keeps it), never below zero.
      const count = (key: string) => Math.max(0, counts.get(key) ?? 0);
      return {
        all: count(countKey.status('open')),
        unassigned: count(countKey.assignee(null, 'open')),
        mine: actor.user === null ? 0 : count(countKey.assignee(actor.user, 'open')),
        topics: directory.topics.map((topic) => ({ uuid: topic.uuid, name: topic.name, open: count(countKey.topic(topic.uuid, 'open')) })),
      };
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
      return { results: await viewsOf(directory, page.tickets), next_cursor: page.nextCursor };
    },
  };
}
