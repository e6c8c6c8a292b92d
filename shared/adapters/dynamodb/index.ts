// The DynamoDB implementation of every storage port, over one table.
import type { Repositories } from '#use-cases/ports';
import { createApiRequestLimiter } from './api-request-limiter';
import { createContactRepository } from './contact-repository';
import { createConversationRepository } from './conversation-repository';
import { createCountsRepository } from './counts-repository';
import { createFlowRepository } from './flow-repository';
import { createIdempotencyRepository } from './idempotency-repository';
import { createPeopleRepository } from './people-repository';
import { createRateLimitCounter } from './rate-limit-counter';
import { createTableClient, type TableOptions } from './table-client';
import { createTicketRepository } from './ticket-repository';
import { createTokenRepository } from './token-repository';
import { createTopicRepository } from './topic-repository';
import { createWorkspaceRepository } from './workspace-repository';

export type { ConsumedCapacityReport, OnConsumedCapacity, TableOptions } from './table-client';

export function createDynamoDbRepositories(options: TableOptions): Repositories {
  const table = createTableClient(options);
  return {
    workspaces: createWorkspaceRepository(table),
    people: createPeopleRepository(table),
    tokens: createTokenRepository(table),
    rateLimits: createRateLimitCounter(table),
    apiRequests: createApiRequestLimiter(table),
    contacts: createContactRepository(table),
    topics: createTopicRepository(table),
    tickets: createTicketRepository(table),
    idempotency: createIdempotencyRepository(table),
    counts: createCountsRepository(options),
    conversations: createConversationRepository(table),
    flowSessions: createFlowRepository(table),
  };
}
