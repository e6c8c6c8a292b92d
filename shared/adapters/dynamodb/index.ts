// The DynamoDB implementation of every storage port, over one table.
import type { Repositories } from '#use-cases/ports';
import { createContactRepository } from './contact-repository';
import { createCountsRepository } from './counts-repository';
import { createIdempotencyRepository } from './idempotency-repository';
import { createTableClient, type TableOptions } from './table-client';
import { createTicketRepository } from './ticket-repository';
import { createTopicRepository } from './topic-repository';
import { createWorkspaceRepository } from './workspace-repository';

export type { ConsumedCapacityReport, OnConsumedCapacity, TableOptions } from './table-client';

export function createDynamoDbRepositories(options: TableOptions): Repositories {
  const table = createTableClient(options);
  return {
    workspaces: createWorkspaceRepository(table),
    contacts: createContactRepository(table),
    topics: createTopicRepository(table),
    tickets: createTicketRepository(table),
    idempotency: createIdempotencyRepository(table),
    counts: createCountsRepository(options),
  };
}
