// The primary port: every use case of Ticketer, wired to storage
// (docs/architecture.md, "Code layout"; the HTTP shapes are in docs/api.md).
import { createAccessUseCases } from './access';
import { createContactUseCases } from './contacts';
import { createConversationUseCases } from './conversations';
import { createUseCaseContext, type UseCaseDeps } from './context';
import { createInvitationUseCases } from './invitations';
import { createTicketUseCases } from './tickets';
import { createTopicUseCases } from './topics';

export type { Actor } from './context';
export type { Folder, OpenTicketRequest, OpenTicketResponse, TicketAction } from './tickets';
export type * from './views';
export type { ApiTokenView, ResolvedToken, SessionView, WorkspaceView } from './access';
export type { InvitationView } from './invitations';
export type { AttachmentStore, AttachmentUpload, ChannelMessageIn, ChannelMessageReceived, InboundRouter, ReplyInput } from './conversations';

export function createUseCases(deps: UseCaseDeps) {
  const context = createUseCaseContext(deps);
  return {
    ...createTicketUseCases(context),
    ...createTopicUseCases(context),
    ...createContactUseCases(context),
    ...createAccessUseCases(context),
    ...createInvitationUseCases(context),
    ...createConversationUseCases(context),
  };
}

export type UseCases = ReturnType<typeof createUseCases>;
