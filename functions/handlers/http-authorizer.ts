// HttpAuthorizer's handler over given use cases: the credential read from the
// request (the Authorization header or the session cookie), the identity the
// access use case resolves from it, and API Gateway's simple answer — a
// failure for no identity (401), a refusal for a change with the session
// cookie but without its CSRF token (403), else the identity as context.
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type {
  APIGatewayRequestAuthorizerEventV2,
  APIGatewaySimpleAuthorizerWithContextResult,
  Context,
} from 'aws-lambda';
import { readTokenHeader, type Identity } from '#http/identity';
import { logger } from '#http/logger';
import { readCredential } from '#http/session-cookie';
import type { wireHttpAuthorizer } from '#wiring/http-authorizer';

/**
 * API Gateway answers 401 when an authorizer fails with exactly this message
 * (a simple `isAuthorized: false` would be a 403, and the issue asks for 401).
 * Any other failure (the table unreachable, say) is a 500 there.
 */
export const UNAUTHORIZED = 'Unauthorized';

export function createHttpAuthorizerHandler({ resolveApiToken }: ReturnType<typeof wireHttpAuthorizer>) {
  return middy<
    APIGatewayRequestAuthorizerEventV2,
    APIGatewaySimpleAuthorizerWithContextResult<Identity>,
    Error,
    Context
  >()
    // Never log the event: it carries the key.
    .use(injectLambdaContext(logger, { resetKeys: true, logEvent: false }))
    .handler(async (event) => {
      const credential = readCredential(event, readTokenHeader);
      const identity = credential ? await resolveApiToken(credential.key) : null;
      if (!identity) {
        logger.info('request refused', { reason: credential ? `unknown token (${credential.kind})` : 'no Authorization header or session cookie' });
        throw new Error(UNAUTHORIZED);
      }
      logger.appendKeys({ workspace: identity.workspace, user: identity.user });
      if (credential?.kind === 'cookie' && !credential.csrfOk) {
        // A change with the session cookie but without the session's CSRF token: 403.
        logger.info('request refused', { reason: 'missing or wrong X-CSRF-Token with a session cookie' });
        return { isAuthorized: false, context: identity };
      }
      return { isAuthorized: true, context: identity };
    });
}
