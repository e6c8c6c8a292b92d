// LiveAuthorizer's handler over given use cases: the handshake's credential
// (header, `?token=` or session cookie), the identity the access use case
// resolves from it, and the IAM policy answer that allows the connection and
// carries the identity as its context — or a failure, which refuses it (401).
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent, Context } from 'aws-lambda';
import { readTokenHeader, type Identity } from '#http/identity';
import { logger } from '#http/logger';
import { readCredential } from '#http/session-cookie';
import type { wireLiveAuthorizer } from '#wiring/live-authorizer';

/** API Gateway refuses the handshake with 401 when the authorizer fails with exactly this message. */
export const UNAUTHORIZED = 'Unauthorized';

/** The key of a handshake: `Authorization: Token`, else `?token=`, else the session cookie. */
export function handshakeCredential(event: Pick<APIGatewayRequestAuthorizerEvent, 'headers' | 'queryStringParameters'>) {
  // WebSocket events keep the header names as sent; the shared readers expect them lowercased.
  const headers = Object.fromEntries(Object.entries(event.headers ?? {}).map(([name, value]) => [name.toLowerCase(), value]));
  const queryToken = event.queryStringParameters?.token;
  const fromQuery = queryToken && /^[A-Za-z0-9._~+/=-]+$/.test(queryToken) ? queryToken : null;
  return readCredential({ headers, requestContext: { http: { method: 'GET' } } }, (all) => readTokenHeader(all) ?? fromQuery);
}

export function createLiveAuthorizerHandler({ resolveApiToken }: ReturnType<typeof wireLiveAuthorizer>) {
  return middy<APIGatewayRequestAuthorizerEvent, APIGatewayAuthorizerResult, Error, Context>()
    // Never log the event: it carries the key.
    .use(injectLambdaContext(logger, { resetKeys: true, logEvent: false }))
    .handler(async (event) => {
      const credential = handshakeCredential(event);
      const identity: Identity | null = credential ? await resolveApiToken(credential.key) : null;
      if (!identity) {
        logger.info('connection refused', { reason: credential ? `unknown token (${credential.kind})` : 'no token or session cookie' });
        throw new Error(UNAUTHORIZED);
      }
      logger.appendKeys({ workspace: identity.workspace, user: identity.user });
      return {
        principalId: identity.user,
        policyDocument: { Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: event.methodArn }] },
        // Context values must be strings, numbers or booleans.
        context: { workspace: identity.workspace, user: identity.user, role: identity.role },
      };
    });
}
