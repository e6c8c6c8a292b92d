// LiveConnections (and LiveUpdatesConsumer): the live-update use cases over
// DynamoDB and API Gateway's @connections.
import { callbackUrl, createConnectionPoster } from '#adapters/apigateway/connection-poster';
import { createLiveConnectionRepository } from '#adapters/dynamodb/live-connection-repository';
import { logger } from '#adapters/observability/logger';
import { config, requiredSetting } from '#config';
import { createLiveUseCases, type LiveUseCases } from '#use-cases/live';
import { attachmentsIfConfigured, tableClient, useCaseContext } from './adapters';
import { once } from './once';

export const wireLiveConnections = once((): LiveUseCases => {
  const context = useCaseContext();
  const { tickets, contacts, counts } = context.repos;
  return createLiveUseCases({
    connections: createLiveConnectionRepository(tableClient()),
    poster: createConnectionPoster({
      endpoint: callbackUrl(
        requiredSetting(config, 'LIVE_API_ENDPOINT', 'the WebSocket API whose connections live updates post to'),
        requiredSetting(config, 'LIVE_STAGE', 'the WebSocket API stage'),
      ),
    }),
    tickets,
    contacts,
    counts,
    directory: (workspace) => context.directory(workspace),
    ...attachmentsIfConfigured(),
    onPostError: (connection, error) => logger.warn('post to a connection failed; the event is dropped for it', { connection, error }),
  });
});
