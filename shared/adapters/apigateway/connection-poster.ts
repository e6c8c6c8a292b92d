// API Gateway's management API for WebSocket connections (@connections): the
// only code that talks to it. The endpoint is the stage's callback URL
// (`https://<api>.execute-api.<region>.amazonaws.com/<stage>`), which the
// template hands the functions as LIVE_CONNECTIONS_URL; the local stack
// resolves the same template to its own WebSocket server.
import { ApiGatewayManagementApiClient, GoneException, PostToConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi';
import type { ConnectionPoster } from '#use-cases/live';

export function createConnectionPoster(options: { endpoint: string; client?: ApiGatewayManagementApiClient }): ConnectionPoster {
  const client = options.client ?? new ApiGatewayManagementApiClient({ endpoint: options.endpoint });
  return {
    async post(connection, data) {
      try {
        await client.send(new PostToConnectionCommand({ ConnectionId: connection, Data: new TextEncoder().encode(data) }));
        return 'sent';
      } catch (error) {
        if (error instanceof GoneException || (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 410) return 'gone';
        throw error;
      }
    },
  };
}

/**
 * The management endpoint from the API's endpoint and stage: `wss://host` → `https://host/<stage>`
 * (a local `ws://` stays plain `http://`).
 */
export function callbackUrl(apiEndpoint: string, stage: string): string {
  return `${apiEndpoint.replace(/^ws(s?):\/\//, 'http$1://').replace(/\/+$/, '')}/${stage}`;
}
