// LiveAuthorizer: the WebSocket API's REQUEST authorizer on $connect
// (docs/live-updates.md). The same credentials as the HTTP API's authorizer,
// resolved by the same use case: the inbox's session cookie (sent with the
// handshake, as the page is on the same origin), or, for non-browser clients,
// `?token=<API token>` (a WebSocket client in a browser cannot set headers) or
// `Authorization: Token <key>`. A handshake is a GET, so no CSRF token is asked
// for; another site's page cannot open the socket with the cookie because the
// cookie is SameSite=Strict. WebSocket authorizers answer with an IAM policy;
// the context reaches every later frame of the connection.
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent, Context } from 'aws-lambda';
import { readTokenHeader, type Identity } from '#http/identity';
import { logger } from '#http/logger';
import { readCredential } from '#http/session-cookie';
import { wireLiveAuthorizer } from '#wiring/live-authorizer';

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

const { resolveApiToken } = wireLiveAuthorizer();

export const handler = middy<APIGatewayRequestAuthorizerEvent, APIGatewayAuthorizerResult, Error, Context>()
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
