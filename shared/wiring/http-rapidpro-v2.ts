// HttpRapidProV2: RapidPro's tickets, topics and users: the ticket, topic and
// access (members) use cases.
import type { HttpHandlerOptions } from '#http/handler';
import { createAccessUseCases } from '#use-cases/access';
import { createTicketUseCases } from '#use-cases/tickets';
import { createTopicUseCases } from '#use-cases/topics';
import { apiAdmission, useCaseContext } from './adapters';
import { once } from './once';

export type HttpRapidProV2UseCases = ReturnType<typeof createTicketUseCases> & ReturnType<typeof createTopicUseCases> & Pick<ReturnType<typeof createAccessUseCases>, 'listMembers'>;

export const wireHttpRapidProV2 = once((): { useCases: HttpRapidProV2UseCases; admission: HttpHandlerOptions } => {
  const context = useCaseContext();
  const { listMembers } = createAccessUseCases(context);
  return { useCases: { ...createTicketUseCases(context), ...createTopicUseCases(context), listMembers }, admission: apiAdmission() };
});
