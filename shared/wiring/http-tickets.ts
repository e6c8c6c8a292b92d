// HttpTickets: the ticket use cases, and the conversation ones (replies,
// attachment uploads) over the attachments bucket.
import type { HttpHandlerOptions } from '#http/handler';
import { createConversationUseCases } from '#use-cases/conversations';
import { createTicketUseCases } from '#use-cases/tickets';
import { apiAdmission, attachmentsIfConfigured, useCaseContext } from './adapters';
import { once } from './once';

export type HttpTicketsUseCases = ReturnType<typeof createTicketUseCases> & ReturnType<typeof createConversationUseCases>;

export const wireHttpTickets = once((): { useCases: HttpTicketsUseCases; admission: HttpHandlerOptions } => {
  const context = useCaseContext(attachmentsIfConfigured());
  return { useCases: { ...createTicketUseCases(context), ...createConversationUseCases(context) }, admission: apiAdmission() };
});
