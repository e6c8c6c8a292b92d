// TicketCommand: opening tickets for flows, the ticket use cases.
import { createTicketUseCases } from '#use-cases/tickets';
import { useCaseContext } from './adapters';
import { once } from './once';

export const wireTicketCommand = once((): Pick<ReturnType<typeof createTicketUseCases>, 'openTicket'> => createTicketUseCases(useCaseContext()));
