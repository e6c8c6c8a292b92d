// HttpAuthorizer: API Gateway HTTP API REQUEST authorizer (payload 2.0, simple responses).
// `Authorization: Token <key>`, as RapidPro clients send it, where the key is an
// API token or a session token from signing in; it is looked up by its sha256
// and never logged. API Gateway caches the answer per Authorization header for
// 30 s, so a revoked or expired token may still be let in for up to 30 s.
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type {
  APIGatewayRequestAuthorizerEventV2,
  APIGatewaySimpleAuthorizerWithContextResult,
  Context,
} from 'aws-lambda';
import { useCases } from '#composition';
import { readTokenHeader, type Identity } from '#http/identity';
import { logger } from '#http/logger';

/**
 * API Gateway answers 401 when an authorizer fails with exactly this message
 * (a simple `isAuthorized: false` would be a 403, and the issue asks for 401).
 * Any other failure (the table unreachable, say) is a 500 there.
 */
export const UNAUTHORIZED = 'Unauthorized';

export const handler = middy<
  APIGatewayRequestAuthorizerEventV2,
  APIGatewaySimpleAuthorizerWithContextResult<Identity>,
  Error,
  Context
>()
  // Never log the event: it carries the key.
  .use(injectLambdaContext(logger, { resetKeys: true, logEvent: false }))
  .handler(async (event) => {
    const key = readTokenHeader(event.headers);
    const identity = key ? await useCases.resolveApiToken(key) : null;
    if (!identity) {
      logger.info('request refused', { reason: key ? 'unknown token' : 'missing or malformed Authorization header' });
      throw new Error(UNAUTHORIZED);
    }
    logger.appendKeys({ workspace: identity.workspace, user: identity.user });
    return { isAuthorized: true, context: identity };
  });
