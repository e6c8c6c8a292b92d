// The Invoke contracts, beside the HTTP ones: what TicketCommand
// (docs/ticket-command.md), FlowEngine (docs/flow-engine-service.md) and
// FlowTimers (its "Timers") accept, and how bad input is described. Those entry
// points answer bad input as data rather than a 400, so every schema issue goes
// into one message. scripts/probe.ts and the tests walk these schemas.
import * as z from 'zod';
import {
  MAX_ATTACHMENT_LENGTH,
  MAX_CODE_LENGTH,
  MAX_EMAIL_LENGTH,
  MAX_FLOW_START_KEY_LENGTH,
  MAX_IDEMPOTENCY_KEY_LENGTH,
  MAX_MESSAGE_TEXT_LENGTH,
  MAX_NOTE_LENGTH,
  MAX_REFERENCE_NAME_LENGTH,
  MAX_TOPIC_NAME_LENGTH,
} from '#domain/limits';
import { contactInputSchema } from './contact-schemas';

const uuid = z.uuid();

/** `contact.uuid: Invalid UUID; note: …` — each issue with its dotted path. */
export function describeIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.length ? issue.path.join('.') : 'request'}: ${issue.message}`).join('; ');
}

// TicketCommand ---------------------------------------------------------------

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

// FlowEngine ------------------------------------------------------------------

export const flowEngineCommandSchema = z.discriminatedUnion('command', [
  z.object({ command: z.literal('import_flows'), workspace: uuid, definitions: z.unknown().refine((value) => value !== undefined, 'Required') }),
  z.object({
    command: z.literal('start_flow'),
    workspace: uuid,
    flow: z.object({ uuid }),
    contact: contactInputSchema.extend({ uuid }),
    // A closed-ticket trigger (docs/triggers.md) starts with a goflow `ticket` trigger and an idempotency key named after the close.
    trigger: z
      .object({
        type: z.literal('ticket'),
        event: z.looseObject({ type: z.literal('ticket_closed'), created_on: z.string().max(MAX_CODE_LENGTH) }),
        ticket: z.looseObject({ uuid, status: z.string().max(MAX_CODE_LENGTH).optional(), topic: z.looseObject({ uuid, name: z.string().max(MAX_TOPIC_NAME_LENGTH) }).nullable() }),
      })
      .optional(),
    idempotency_key: z.string().min(1).max(MAX_FLOW_START_KEY_LENGTH).optional(),
  }),
  z.object({
    command: z.literal('receive_msg'),
    workspace: uuid,
    contact: z.object({ uuid }),
    // The caller's message uuid: a retry with the same uuid answers the first outcome (docs/flow-engine-service.md).
    uuid: uuid.optional(),
    text: z.string().max(MAX_MESSAGE_TEXT_LENGTH),
    attachments: z.array(z.string().max(MAX_ATTACHMENT_LENGTH)).optional(),
  }),
]);

export type FlowEngineCommand = z.infer<typeof flowEngineCommandSchema>;
export type FlowEngineError = { error: { code: string; message: string } };

// FlowTimers ------------------------------------------------------------------

/** What a timer's schedule invokes FlowTimers with (shared/adapters/scheduler/flow-timer-scheduler.ts builds it). */
export const flowTimerEventSchema = z.object({
  command: z.literal('fire_timer'),
  timer: z.object({
    kind: z.enum(['timeout', 'expiration']),
    workspace: uuid,
    contact: uuid,
    session: uuid,
    version: z.number().int().positive(),
    at: z.iso.datetime({ offset: true }),
  }),
});
