// HttpAccess: the access use cases (sign-in, members, tokens, workspace) and
// the invitations, which mail their links through SES.
import { config } from '#config';
import type { HttpHandlerOptions } from '#http/handler';
import { createAccessUseCases } from '#use-cases/access';
import { createInvitationUseCases } from '#use-cases/invitations';
import { apiAdmission, mailSender, useCaseContext } from './adapters';
import { once } from './once';

export type HttpAccessUseCases = ReturnType<typeof createAccessUseCases> & ReturnType<typeof createInvitationUseCases>;

export const wireHttpAccess = once((): { useCases: HttpAccessUseCases; admission: HttpHandlerOptions } => {
  const acceptUrl = config.INVITATION_ACCEPT_URL;
  const context = useCaseContext({ mail: mailSender(), ...(acceptUrl ? { invitationAcceptUrl: acceptUrl } : {}) });
  return { useCases: { ...createAccessUseCases(context), ...createInvitationUseCases(context) }, admission: apiAdmission() };
});
