// TicketCommand: the entry point for flow runtimes (Lambda Invoke,
// RequestResponse). It opens tickets for a flow's open_ticket action and
// answers in goflow's shapes. Bad input and refusals come back as data, never
// as a thrown error, so the flow can take its Failure path; only an
// infrastructure failure throws (the runtime then retries with the same
// idempotency key and gets the first answer). Contract: docs/ticket-command.md
// and shared/http/invoke-schemas.ts.
// What the command does: functions/handlers/ticket-command.ts.
import { observed } from '#adapters/observability/handler';
import { createTicketCommandHandler } from './handlers/ticket-command';
import { wireTicketCommand } from '#wiring/ticket-command';

// Wired on the first command (the wiring reads the environment; tests build the handler over their own use cases).
export const handler = observed(createTicketCommandHandler({ openTicket: (request) => wireTicketCommand().openTicket(request) }));
