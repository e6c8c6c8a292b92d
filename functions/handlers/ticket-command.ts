// TicketCommand's handler over given use cases: the command parsed against its
// schema (shared/http/invoke-schemas.ts), the open it asks of the ticket use
// cases, and the answer in goflow's shapes — a refusal too, as data.
import { logger } from '#adapters/observability/logger';
import type { Context } from 'aws-lambda';
import { DomainError, ValidationError } from '#domain/errors';
import { requirePermission } from '#domain/permissions';
import type { OpenTicketResponse, TicketHistoryEvent } from '#use-cases/index';
import type { wireTicketCommand } from '#wiring/ticket-command';
import { guardInvoke } from '#http/invoke-entry';
import { describeIssues, ticketCommandSchema, type GoflowTicketEvent, type TicketCommandResponse } from '#http/invoke-schemas';

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

export function createTicketCommandHandler(useCases: ReturnType<typeof wireTicketCommand>) {
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
