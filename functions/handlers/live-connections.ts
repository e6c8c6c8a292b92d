// LiveConnections' handler over given use cases: the identity $connect's
// authorizer put in the context, and the route's answer — $connect stores the
// connection (403 when the use case refuses it), $disconnect removes it, and
// any other route's frame gets the answer the live use cases make of it.
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { APIGatewayProxyResultV2, APIGatewayProxyWebsocketEventV2, Context } from 'aws-lambda';
import { identitySchema } from '#http/identity';
import { logger } from '#http/logger';
import type { LiveIdentity, LiveUseCases } from '#use-cases/live';

type WebSocketEvent = APIGatewayProxyWebsocketEventV2 & { requestContext: { authorizer?: Record<string, unknown> } };

/** The identity $connect's authorizer put in the context, which API Gateway passes with every frame. */
function identityOf(event: WebSocketEvent): LiveIdentity | null {
  const parsed = identitySchema.safeParse(event.requestContext.authorizer ?? {});
  return parsed.success ? { workspace: parsed.data.workspace, user: parsed.data.user, role: parsed.data.role } : null;
}

export function createLiveConnectionsHandler(liveUseCases: LiveUseCases) {
  return middy<WebSocketEvent, APIGatewayProxyResultV2, Error, Context>()
    .use(injectLambdaContext(logger, { resetKeys: true, logEvent: false }))
    .handler(async (event) => {
      const { routeKey, connectionId } = event.requestContext;
      const identity = identityOf(event);
      // Without an authorizer context the API is misconfigured: refuse rather than guess a workspace.
      if (!identity) {
        logger.error('no authorizer context on a WebSocket event', { routeKey });
        return { statusCode: 403 };
      }
      logger.appendKeys({ workspace: identity.workspace, user: identity.user, connectionId, routeKey });
      if (routeKey === '$connect') return { statusCode: (await liveUseCases.connect(identity, connectionId)) ? 200 : 403 };
      if (routeKey === '$disconnect') {
        await liveUseCases.disconnect(identity, connectionId);
        return { statusCode: 200 };
      }
      const answer = await liveUseCases.frame(identity, connectionId, event.body);
      return answer ? { statusCode: 200, body: JSON.stringify(answer) } : { statusCode: 200 };
    });
}
