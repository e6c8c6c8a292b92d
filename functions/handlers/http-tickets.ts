// HttpTickets' handler over given use cases: what each of its routes
// (shared/http/routes/tickets.ts) calls, and the answer it makes of the result.
import { ConflictError, NotFoundError, ValidationError } from '#domain/errors';
import type { HttpTicketsUseCases } from '#wiring/http-tickets';
import { createHttpHandler, type HttpHandlerOptions } from '#http/handler';
import { created, ok } from '#http/response';
import { ticketRoutes } from '#http/routes/tickets';

export const createTicketsHandler = (useCases: HttpTicketsUseCases, options: HttpHandlerOptions) => createHttpHandler('resource', ticketRoutes, {
  folderCounts: async ({ actor }) => ok(await useCases.folderCounts({ actor })),

  listTickets: async ({ actor, query }) =>
    ok(
      await useCases.listFolder({
        actor,
        folder: query.folder === 'topic' ? { topic: query.topic! } : query.folder,
        status: query.status,
        limit: query.limit,
        cursor: query.cursor,
      }),
    ),

  openTicket: async ({ actor, body, headers }) => {
    const opened = await useCases.openTicket({
      actor,
      contact: body.contact,
      topic: body.topic ?? null,
      assignee: body.assignee ? { uuid: body.assignee } : null,
      note: body.note,
      idempotency_key: headers['idempotency-key'],
    });
    // Refusals come back as data (the flow runtime's contract); over HTTP they are errors.
    if (!opened.ticket) throw refusalError(opened.error);
    return created({ ticket: opened.ticket, events: opened.events });
  },

  getTicket: async ({ actor, params }) => ok(await useCases.getTicket({ actor, ticket: params.ticket })),

  assign: async ({ actor, params, body }) =>
    ok(await useCases.assignTicket({ actor, ticket: params.ticket, assignee: body.assignee, note: body.note })),
  addNote: async ({ actor, params, body }) => ok(await useCases.addNote({ actor, ticket: params.ticket, note: body.note })),
  changeTopic: async ({ actor, params, body }) =>
    ok(await useCases.changeTopic({ actor, ticket: params.ticket, topic: body.topic })),
  close: async ({ actor, params }) => ok(await useCases.closeTicket({ actor, ticket: params.ticket })),
  reopen: async ({ actor, params }) => ok(await useCases.reopenTicket({ actor, ticket: params.ticket })),
  replyToTicket: async ({ actor, params, body }) => created(await useCases.replyToTicket({ actor, ticket: params.ticket, input: body })),
  getConversation: async ({ actor, params, query }) => ok(await useCases.getConversation({ actor, ticket: params.ticket, ...(query.cursor ? { cursor: query.cursor } : {}) })),
  createAttachmentUpload: async ({ actor, body }) => created(await useCases.createAttachmentUpload({ actor, ...body })),
}, options);

/** Refusals recorded under an idempotency key replay as data; each keeps the status it has when thrown. */
const NOT_FOUND_REFUSALS = new Set(['topic_not_found', 'workspace_not_found']);
const CONFLICT_REFUSALS = new Set(['contact_has_open_ticket', 'topic_limit_reached', 'topic_name_taken', 'idempotency_key_reused']);

function refusalError(error: { code: string; message: string } | null) {
  const message = error?.message ?? 'The ticket could not be opened';
  if (error && NOT_FOUND_REFUSALS.has(error.code)) return new NotFoundError(error.code, message);
  if (error && CONFLICT_REFUSALS.has(error.code)) return new ConflictError(error.code, message);
  return new ValidationError(null, message, error?.code);
}
