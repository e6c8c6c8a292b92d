// HttpTickets: folders, the ticket list and detail, and the ticket commands.
// What each route does: functions/handlers/http-tickets.ts.
import { createTicketsHandler } from './handlers/http-tickets';
import { wireHttpTickets } from '#wiring/http-tickets';

const { useCases, admission } = wireHttpTickets();
export const handler = createTicketsHandler(useCases, admission);
