// HttpRapidProV2's handler over given use cases: what each of its routes
// (shared/http/routes/rapidpro-v2.ts) calls, and the RapidPro v2 answer it makes of the result.
import { createHttpHandler, type HttpHandlerOptions } from '#http/handler';
import { created, noContent, ok } from '#http/response';
import { nextPageUrl, toV2Ticket, toV2Topic, toV2User } from '#http/rapidpro-v2';
import { V2_PAGE_SIZE } from '#http/rapidpro-v2-envelopes';
import type { V2TicketAction } from '#http/rapidpro-v2-schemas';
import { rapidProV2Routes } from '#http/routes/rapidpro-v2';
import type { TicketAction } from '#use-cases/index';
import type { HttpRapidProV2UseCases } from '#wiring/http-rapidpro-v2';

export const createRapidProV2Handler = (useCases: HttpRapidProV2UseCases, options: HttpHandlerOptions) => createHttpHandler('rapidpro-v2', rapidProV2Routes, {
  listTickets: async ({ actor, query, event }) => {
    const page = await useCases.listTickets({ actor, ...query, limit: V2_PAGE_SIZE });
    return ok({ next: nextPageUrl(event, page.next_cursor), previous: null, results: page.results.map(toV2Ticket) });
  },

  ticketActions: async ({ actor, body }) => {
    const { failures } = await useCases.applyTicketAction({ actor, tickets: body.tickets, action: toTicketAction(body) });
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
}, options);

/** The v2 body as the use case's action: the assignee is named by email. */
function toTicketAction(body: V2TicketAction): TicketAction {
  switch (body.action) {
    case 'assign':
      return { action: 'assign', assignee: body.assignee === null ? null : { email: body.assignee } };
    case 'add_note':
      return { action: 'add_note', note: body.note };
    case 'change_topic':
      return { action: 'change_topic', topic: body.topic };
    case 'close':
    case 'reopen':
      return { action: body.action };
  }
}
