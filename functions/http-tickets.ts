// HttpTickets: folders, the ticket list and detail, and the ticket commands.
// What each route does: shared/http/handlers/http-tickets.ts.
import { createTicketsHandler } from '#http/handlers/http-tickets';
import { wireHttpTickets } from '#wiring/http-tickets';

const { useCases, admission } = wireHttpTickets();
export const handler = createTicketsHandler(useCases, admission);
