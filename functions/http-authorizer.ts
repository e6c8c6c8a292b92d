// HttpAuthorizer: API Gateway HTTP API REQUEST authorizer (payload 2.0, simple responses).
// `Authorization: Token <key>`, as RapidPro clients send it, where the key is an
// API token or a session token from signing in — or, for the agent inbox, the
// session cookie, whose changes must carry the session's CSRF token
// (shared/http/session-cookie.ts). The key is looked up by its sha256 and never
// logged. API Gateway does not cache the answer (a request with only a cookie
// has no Authorization header to key a cache on), so a revoked token or an
// ended session stops working at once.
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
import { wireHttpAuthorizer } from '#wiring/http-authorizer';

/**
 * API Gateway answers 401 when an authorizer fails with exactly this message
 * (a simple `isAuthorized: false` would be a 403, and the issue asks for 401).
 * Any other failure (the table unreachable, say) is a 500 there.
 */
export const UNAUTHORIZED = 'Unauthorized';

const { resolveApiToken } = wireHttpAuthorizer();

export const handler = middy<
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
