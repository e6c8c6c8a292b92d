// TicketCommand: the entry point for flow runtimes (Lambda Invoke,
// RequestResponse). It opens tickets for a flow's open_ticket action and
// answers in goflow's shapes. Bad input and refusals come back as data, never
// as a thrown error, so the flow can take its Failure path; only an
// infrastructure failure throws (the runtime then retries with the same
// idempotency key and gets the first answer). Contract: docs/ticket-command.md.
import { logger } from '#adapters/observability/logger';
import { observed } from '#adapters/observability/handler';
import type { Context } from 'aws-lambda';
import { z } from 'zod';
import { useCases as defaultUseCases } from '#composition';
import { DomainError, ValidationError } from '#domain/errors';
import { requirePermission } from '#domain/permissions';
import {
  MAX_EMAIL_LENGTH,
  MAX_IDEMPOTENCY_KEY_LENGTH,
  MAX_MESSAGE_TEXT_LENGTH,
  MAX_NOTE_LENGTH,
  MAX_REFERENCE_NAME_LENGTH,
  MAX_TOPIC_NAME_LENGTH,
} from '#domain/limits';
import { guardInvoke } from '#http/invoke-entry';
import { describeIssues } from '#http/invoke-validation';
import { contactInputSchema } from '#http/schemas';
import type { OpenTicketResponse, TicketHistoryEvent, UseCases } from '#use-cases/index';

const uuid = z.uuid();

export const ticketCommandSchema = z.object({
  command: z.literal('open_ticket'),
  workspace: uuid,
  idempotency_key: z.string().min(1).max(MAX_IDEMPOTENCY_KEY_LENGTH),
  // The resource API's contact rules (limits from shared/domain/contact.ts).
  contact: contactInputSchema.extend({ uuid }),
  // goflow references carry a name beside the uuid; the uuid wins when both are given.
  topic: z.union([z.object({ uuid }), z.object({ name: z.string().max(MAX_TOPIC_NAME_LENGTH) })]).nullish(),
  assignee: z.union([z.object({ uuid }), z.object({ email: z.string().max(MAX_EMAIL_LENGTH) })]).nullish(),
  note: z.string().max(MAX_NOTE_LENGTH).nullish(),
  opened_in: z.object({ uuid, name: z.string().max(MAX_REFERENCE_NAME_LENGTH) }).nullish(),
  // The contact's latest inbound message, when the runtime knows it: the ticket list shows it (cut to 160 characters).
  last_message: z.object({ text: z.string().max(MAX_MESSAGE_TEXT_LENGTH), created_on: z.iso.datetime({ offset: true }) }).nullish(),
});

export type TicketCommandRequest = z.infer<typeof ticketCommandSchema>;

type UserRef = { uuid: string; email: string; name: string };
type TopicRef = { uuid: string; name: string };

export type GoflowTicketEvent =
  | { type: 'ticket_opened'; created_on: string; ticket: { uuid: string; status: string; topic: TopicRef; assignee?: UserRef } }
  | { type: 'ticket_note_added'; created_on: string; ticket_uuid: string; note: string };

export type TicketCommandResponse =
  | {
      ticket: { uuid: string; status: 'open' | 'closed'; topic: TopicRef; assignee: UserRef | null; contact: { uuid: string; name: string | null }; opened_on: string };
      events: GoflowTicketEvent[];
      /** Beside a ticket: it opened, but not entirely as asked (`unknown_assignee`). */
      error?: { code: string; message: string };
    }
  | { ticket: null; events: []; error: { code: string; message: string } };

function refusal(code: string, message: string): TicketCommandResponse {
  return { ticket: null, events: [], error: { code, message } };
}

function toGoflowEvents(opened: OpenTicketResponse): GoflowTicketEvent[] {
  const ticket = opened.ticket!;
  return opened.events.flatMap((event: TicketHistoryEvent): GoflowTicketEvent[] => {
    if (event.type === 'ticket_opened')
      return [
        {
          type: 'ticket_opened',
          created_on: event.created_on,
          ticket: { uuid: ticket.uuid, status: ticket.status, topic: ticket.topic, ...(ticket.assignee ? { assignee: ticket.assignee } : {}) },
        },
      ];
    if (event.type === 'ticket_note_added') return [{ type: 'ticket_note_added', created_on: event.created_on, ticket_uuid: ticket.uuid, note: event.note ?? '' }];
    return [];
  });
}

export function toCommandResponse(opened: OpenTicketResponse): TicketCommandResponse {
  if (!opened.ticket) return refusal(opened.error?.code ?? 'not_opened', opened.error?.message ?? 'No ticket was opened.');
  const { ticket } = opened;
  return {
    ticket: { uuid: ticket.uuid, status: ticket.status, topic: ticket.topic, assignee: ticket.assignee, contact: ticket.contact, opened_on: ticket.opened_on },
    events: toGoflowEvents(opened),
    ...(opened.error ? { error: opened.error } : {}),
  };
}

export function createTicketCommandHandler(useCases: Pick<UseCases, 'openTicket'>) {
  return guardInvoke({ logger, what: 'The ticket command', refuse: refusal }, async (event: unknown, context?: Context): Promise<TicketCommandResponse> => {
    const parsed = ticketCommandSchema.safeParse(event);
    if (!parsed.success) {
      const message = describeIssues(parsed.error);
      logger.warn('Invalid ticket command', { issues: message });
      return refusal('invalid_request', message);
    }
    const request = parsed.data;
    logger.appendKeys({ workspace: request.workspace, idempotencyKey: request.idempotency_key });
    try {
      // Flow runtimes act without a user; the permission table still decides what they may do.
      requirePermission('flow_runtime', 'tickets.open_from_flow');
      const opened = await useCases.openTicket({
        actor: { workspace: request.workspace, user: null },
        contact: {
          uuid: request.contact.uuid,
          ...(request.contact.name !== undefined ? { name: request.contact.name } : {}),
          ...(request.contact.urns !== undefined ? { urns: request.contact.urns } : {}),
          ...(request.contact.language !== undefined ? { language: request.contact.language } : {}),
          ...(request.contact.fields !== undefined ? { fields: request.contact.fields } : {}),
        },
        topic: request.topic == null ? null : 'uuid' in request.topic ? { uuid: request.topic.uuid } : { name: request.topic.name },
        assignee: request.assignee == null ? null : 'uuid' in request.assignee ? { uuid: request.assignee.uuid } : { email: request.assignee.email },
        ...(request.note != null ? { note: request.note } : {}),
        ...(request.opened_in ? { opened_in: request.opened_in } : {}),
        ...(request.last_message ? { last_message: request.last_message } : {}),
        idempotency_key: request.idempotency_key,
        // goflow's contract: the flow still gets its ticket, unassigned, with the error beside it.
        unknownAssignee: 'open_unassigned',
        // One answer per key: a flow's rerun re-evaluates its note (`@(now())`) yet is the same open; the mismatch is only logged.
        onKeyReusedWithOtherRequest: () => logger.warn('Idempotency key came back with a different request; answering its first answer'),
      });
      const response = toCommandResponse(opened);
      logger.info('Ticket command answered', { ticket: response.ticket?.uuid ?? null, error: response.error?.code ?? null });
      return response;
    } catch (error) {
      if (error instanceof ValidationError) return refusal('invalid_request', error.field ? `${error.field}: ${error.message}` : error.message);
      if (error instanceof DomainError) return refusal(error.code, error.message);
      throw error;
    } finally {
      logger.removeKeys(['workspace', 'idempotencyKey']);
    }
  });
}

export const handler = observed(createTicketCommandHandler(defaultUseCases));
