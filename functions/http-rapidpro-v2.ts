// HttpRapidProV2: the RapidPro API v2 endpoints for tickets and topics, with
// RapidPro's shapes, paging and error bodies (docs/api.md, "API v2"), and the
// workspace's users (users.json).
import { useCases } from '#composition';
import { ConflictError, NotFoundError, ValidationError } from '#domain/errors';
import { mayBeAssigned } from '#domain/permissions';
import { workspaceRateLimit } from '#http/admission';
import { createHttpHandler, type ParsedRequest } from '#http/handler';
import { created, noContent, ok } from '#http/response';
import { nextPageUrl, toV2Ticket, toV2Topic, toV2User } from '#http/rapidpro-v2';
import { V2_PAGE_SIZE, type V2TicketAction } from '#http/rapidpro-v2-schemas';
import { rapidProV2Routes } from '#http/routes/rapidpro-v2';

const ACTION_CONCURRENCY = 10;

type Actor = ParsedRequest<typeof rapidProV2Routes.ticketActions>['actor'];

export const handler = createHttpHandler('rapidpro-v2', rapidProV2Routes, {
  listTickets: async ({ actor, query, event }) => {
    const page = await useCases.listTickets({ actor, ...query, limit: V2_PAGE_SIZE });
    return ok({ next: nextPageUrl(event, page.next_cursor), previous: null, results: page.results.map(toV2Ticket) });
  },

  ticketActions: async ({ actor, body }) => {
    const failures = await applyTicketAction(actor, body);
    return failures.length === 0 ? noContent() : ok({ failures });
  },

  listTopics: async ({ actor, query }) => {
    const topics = await useCases.listTopics({ actor, uuid: query.uuid });
    return ok({ next: null, previous: null, results: topics.map(toV2Topic) });
  },

  writeTopic: async ({ actor, query, body }) => {
    if (query.uuid) return ok(toV2Topic(await useCases.renameTopic({ actor, topic: query.uuid, name: body.name })));
    return created(toV2Topic(await useCases.createTopic({ actor, name: body.name })));
  },

  listUsers: async ({ actor, query }) => {
    const members = await useCases.listMembers({ actor });
    const results = members.filter((member) => query.role === undefined || member.role === query.role).map(toV2User);
    return ok({ next: null, previous: null, results });
  },
}, workspaceRateLimit);

/**
 * Validates the whole request first (every ticket exists, the assignee is a
 * member, the topic exists) so a bad request changes nothing, then applies the
 * action ticket by ticket. Returns the tickets the action did not change.
 */
async function applyTicketAction(actor: Actor, action: V2TicketAction): Promise<string[]> {
  const tickets = [...new Set(action.tickets)];
  await requireTicketsExist(actor, tickets);
  const apply = await prepareAction(actor, action);

  const failed = async (ticket: string): Promise<boolean> => {
    try {
      return !(await apply(ticket)).changed;
    } catch (error) {
      // Refused by the ticket's state (another open ticket for the contact), or gone meanwhile.
      if (error instanceof ConflictError || error instanceof NotFoundError) return true;
      throw error;
    }
  };
  const outcomes = await mapInBatches(tickets, failed);
  return tickets.filter((_, index) => outcomes[index]);
}

/**
 * Tickets are independent items, so a few at a time keeps a 100-ticket request
 * short without a burst of 100 parallel calls. Results keep the input order.
 */
async function mapInBatches<T, R>(items: T[], map: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (let start = 0; start < items.length; start += ACTION_CONCURRENCY) {
    results.push(...(await Promise.all(items.slice(start, start + ACTION_CONCURRENCY).map(map))));
  }
  return results;
}

async function requireTicketsExist(actor: Actor, tickets: string[]): Promise<void> {
  const found = await mapInBatches(
    tickets,
    async (uuid) => (await useCases.listTickets({ actor, uuid, limit: 1 })).results.length > 0,
  );
  const unknown = tickets.filter((_, index) => !found[index]);
  if (unknown.length > 0) throw new ValidationError('tickets', `No such ticket: ${unknown.join(', ')}`, 'ticket_not_found');
}

async function prepareAction(actor: Actor, action: V2TicketAction) {
  switch (action.action) {
    case 'assign': {
      const assignee = action.assignee === null ? null : await memberByEmail(actor, action.assignee);
      return (ticket: string) => useCases.assignTicket({ actor, ticket, assignee });
    }
    case 'add_note':
      return (ticket: string) => useCases.addNote({ actor, ticket, note: action.note });
    case 'change_topic': {
      const [topic] = await useCases.listTopics({ actor, uuid: action.topic });
      if (!topic) throw new ValidationError('topic', `No such topic: ${action.topic}`, 'topic_not_found');
      return (ticket: string) => useCases.changeTopic({ actor, ticket, topic: topic.uuid });
    }
    case 'close':
      return (ticket: string) => useCases.closeTicket({ actor, ticket });
    case 'reopen':
      return (ticket: string) => useCases.reopenTicket({ actor, ticket });
  }
}

async function memberByEmail(actor: Actor, email: string): Promise<string> {
  const members = await useCases.listMembers({ actor });
  const member = members.find((candidate) => candidate.email.toLowerCase() === email.toLowerCase());
  if (!member) throw new ValidationError('assignee', `No such user: ${email}`, 'unknown_assignee');
  if (!mayBeAssigned(member.role)) throw new ValidationError('assignee', `${email} is a ${member.role} and may not work tickets`, 'assignee_cannot_work_tickets');
  return member.uuid;
}
