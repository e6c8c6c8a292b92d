// HttpAccess' handler over given use cases: what each of its routes
// (shared/http/routes/access.ts) calls, and the answer it makes of the result
// — a session in the body or as cookies, the invitation accept page for a
// browser.
import type { APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { UnauthorizedError } from '#domain/errors';
import type { HttpAccessUseCases } from '#wiring/http-access';
import { APP_ACCEPT_PATH, appUrl } from '#http/app-url';
import { createHttpHandler, type HttpEvent, type HttpHandlerOptions } from '#http/handler';
import { readTokenHeader } from '#http/identity';
import { asAcceptPage, prefersHtml } from '#http/invitation-page';
import { created, noContent, ok } from '#http/response';
import { routeKey } from '#http/route-spec';
import { accessRoutes } from '#http/routes/access';
import { clearedSessionCookies, readCredential, sessionCookies, wantsCookieSession } from '#http/session-cookie';
import { publicUrl } from '#http/urls';

/** The token the request was made with, from the header or the session cookie (the authorizer has already accepted it). */
function requestToken(event: HttpEvent): string {
  const credential = readCredential(event, readTokenHeader);
  if (!credential) throw new UnauthorizedError('unauthorized', 'Missing or invalid token');
  return credential.key;
}

/**
 * A new session as the caller asked for it: the token in the body (API
 * clients), or, for the inbox (`X-Ticketer-Session: cookie`), as an HttpOnly
 * cookie with its CSRF cookie and without the token in the body.
 */
function sessionResult<S extends { token?: string | undefined; expires_on: string }>(status: 200 | 201, session: S, event: HttpEvent) {
  if (!wantsCookieSession(event.headers) || !session.token) return status === 200 ? ok(session) : created(session);
  const { token, ...rest } = session;
  return { status, body: rest, cookies: sessionCookies(token, session.expires_on, event.headers.host), headers: { 'cache-control': 'no-store' } };
}

/** The handler over given use cases and admission (tests inject a mail outbox). */
export function createAccessHandler(useCases: HttpAccessUseCases, options: HttpHandlerOptions) {
  const api = createHttpHandler(
    'resource',
    accessRoutes,
    {
      signIn: async ({ body, event }) => sessionResult(200, await useCases.signIn(body), event),
      describeInvitation: async ({ query }) => ok(await useCases.describeInvitation({ secret: query.secret })),
      acceptInvitation: async ({ body, event }) => sessionResult(201, await useCases.acceptInvitation(body), event),
      signOut: async ({ actor, event }) => {
        await useCases.signOut({ actor, secret: requestToken(event) });
        return { ...noContent(), cookies: clearedSessionCookies(event.headers.host) };
      },
      me: async ({ actor, identity }) => {
        const [workspace, members] = await Promise.all([useCases.getWorkspace({ actor }), useCases.listMembers({ actor })]);
        const me = members.find((member) => member.uuid === actor.user);
        if (!me) throw new UnauthorizedError('unauthorized', 'No longer a member of this workspace');
        return ok({ user: { uuid: me.uuid, email: me.email, name: me.name }, workspace, role: identity.role });
      },
      listMembers: async ({ actor }) => ok({ results: await useCases.listMembers({ actor }) }),
      changeRole: async ({ actor, params, body }) => ok(await useCases.updateMember({ actor, user: params.user, ...body })),
      removeMember: async ({ actor, params }) => {
        await useCases.removeMember({ actor, user: params.user });
        return noContent();
      },
      listInvitations: async ({ actor }) => ok({ results: await useCases.listInvitations({ actor }) }),
      invite: async ({ actor, body, event }) => {
        // Without a configured accept page (INVITATION_ACCEPT_URL), links lead to the inbox's accept page when the
        // invitation was made in the inbox, else to this API's own accept route.
        const acceptUrl = (appUrl(event, APP_ACCEPT_PATH) ?? publicUrl(event, accessRoutes.acceptInvitation.path)).toString();
        return created({ results: await useCases.inviteMembers({ actor, emails: body.emails, role: body.role, acceptUrl }) });
      },
      revokeInvitation: async ({ actor, params }) => {
        await useCases.revokeInvitation({ actor, invitation: params.invitation });
        return noContent();
      },
      listTokens: async ({ actor }) => ok({ results: await useCases.listApiTokens({ actor }) }),
      createToken: async ({ actor, body }) => created(await useCases.issueApiToken({ workspace: actor.workspace, user: actor.user, name: body.name })),
      revokeToken: async ({ actor, params }) => {
        await useCases.revokeApiToken({ actor, token: params.token });
        return noContent();
      },
      getWorkspace: async ({ actor }) => ok(await useCases.getWorkspace({ actor })),
      updateWorkspace: async ({ actor, body }) => ok(await useCases.updateWorkspace({ actor, ...body })),
    },
    options,
  );
  // A browser following the invitation link gets the accept page (its answer, or its error, as HTML) instead of JSON.
  const acceptPageRoute = routeKey(accessRoutes.describeInvitation);
  return async (event: HttpEvent, context: Context): Promise<APIGatewayProxyStructuredResultV2> => {
    const result = await api(event, context);
    return event.routeKey === acceptPageRoute && prefersHtml(event.headers.accept) ? asAcceptPage(result) : result;
  };
}
