// The live-update use cases wired to DynamoDB and API Gateway's @connections,
// created once per Lambda container (LiveConnections, LiveUpdatesConsumer).
import { callbackUrl, createConnectionPoster } from '#adapters/apigateway/connection-poster';
import { createLiveConnectionRepository } from '#adapters/dynamodb/live-connection-repository';
import { createTableClient } from '#adapters/dynamodb/table-client';
import { attachmentStore, documentClient } from '#composition';
import { config, requiredSetting } from '#config';
import { createDynamoDbRepositories } from '#adapters/dynamodb/index';
import { NotFoundError } from '#domain/errors';
import { logger } from '#http/logger';
import { createLiveUseCases } from '#use-cases/live';

const table = createTableClient({ client: documentClient, tableName: config.TABLE_NAME });
const repos = createDynamoDbRepositories({ client: documentClient, tableName: config.TABLE_NAME });

export const liveUseCases = createLiveUseCases({
  connections: createLiveConnectionRepository(table),
  poster: createConnectionPoster({
    endpoint: callbackUrl(
      requiredSetting(config, 'LIVE_API_ENDPOINT', 'the WebSocket API whose connections live updates post to'),
      requiredSetting(config, 'LIVE_STAGE', 'the WebSocket API stage'),
    ),
  }),
  tickets: repos.tickets,
  contacts: repos.contacts,
  counts: repos.counts,
  async directory(workspace) {
    const directory = await repos.workspaces.loadDirectory(workspace);
    if (!directory) throw new NotFoundError('workspace_not_found', 'No such workspace.');
    return directory;
  },
  ...(attachmentStore ? { attachments: attachmentStore } : {}),
  onPostError: (connection, error) => logger.warn('post to a connection failed; the event is dropped for it', { connection, error }),
});
