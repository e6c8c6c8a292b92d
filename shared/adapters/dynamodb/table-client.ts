// The one gateway to the table: every call asks for ReturnConsumedCapacity
// TOTAL and reports it through `onConsumedCapacity` (the benchmark sums it per
// operation), and TransactWriteItems cancellations come back as labelled
// reasons that repositories map to domain outcomes.
import type { AttributeValue, ConsumedCapacity, DynamoDBClient, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
  type QueryCommandInput,
  type TransactWriteCommandInput,
  type UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { backoffDelayMs, sleep } from '#domain/backoff';
import type { TableKey } from './keys';

export type Item = Record<string, unknown>;

export interface ConsumedCapacityReport {
  /** The DynamoDB operation, e.g. `TransactWriteItems`. */
  command: 'GetItem' | 'Query' | 'BatchGetItem' | 'PutItem' | 'UpdateItem' | 'DeleteItem' | 'TransactWriteItems';
  /** What the repository was doing, e.g. `ticket.update`. */
  label: string;
  readUnits: number;
  writeUnits: number;
}

export type OnConsumedCapacity = (report: ConsumedCapacityReport) => void;

export interface TableOptions {
  /** A document client, or a plain DynamoDB client to wrap in one. */
  client: DynamoDBDocumentClient | DynamoDBClient;
  tableName: string;
  onConsumedCapacity?: OnConsumedCapacity;
  /** Attempts of a transaction DynamoDB cancelled for a TransactionConflict (default 8). */
  transactionConflictAttempts?: number;
}

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** One write of a transaction (the table name is filled in), e.g. `{ Put: { Item, ConditionExpression } }`. */
export type TableWrite = {
  [K in keyof TransactItem]?: Omit<NonNullable<TransactItem[K]>, 'TableName'>;
};

/** One write of a transaction, named so a cancellation can say which one failed. */
export interface LabelledWrite {
  label: string;
  write: TableWrite;
}

export interface CancellationReason {
  label: string;
  /** `ConditionalCheckFailed`, `TransactionConflict`, … */
  code: string;
  /** The item as stored, when the write asked for ReturnValuesOnConditionCheckFailure ALL_OLD (raw attribute values). */
  item?: Record<string, AttributeValue>;
}

/** A transaction DynamoDB refused because a condition failed. */
export class TransactionRefused extends Error {
  override readonly name = 'TransactionRefused';
  constructor(readonly reasons: CancellationReason[]) {
    super(`Transaction refused: ${reasons.map((reason) => `${reason.label} ${reason.code}`).join(', ')}`);
  }
  failed(label: string): CancellationReason | undefined {
    return this.reasons.find((reason) => reason.label === label && reason.code === 'ConditionalCheckFailed');
  }
}

export type TableClient = ReturnType<typeof createTableClient>;

/**
 * How every document client of the table marshals: undefined attributes left
 * out, and a map marshaled by its own entries even when one of them is named
 * `constructor` — the SDK otherwise reads `map.constructor` to tell a plain
 * object from a class instance and refuses the write (a user-keyed map, such
 * as a channel's headers, must store whatever keys it was given).
 */
export const DOCUMENT_CLIENT_OPTIONS = { marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: true } } as const;

export function createTableClient(options: TableOptions) {
  const client = options.client instanceof DynamoDBDocumentClient
    ? options.client
    : DynamoDBDocumentClient.from(options.client, DOCUMENT_CLIENT_OPTIONS);
  const TableName = options.tableName;
  const conflictAttempts = options.transactionConflictAttempts ?? 8;

  function report(command: ConsumedCapacityReport['command'], label: string, consumed: ConsumedCapacity | ConsumedCapacity[] | undefined) {
    if (!options.onConsumedCapacity || consumed === undefined) return;
    const units = (Array.isArray(consumed) ? consumed : [consumed]).reduce((sum, entry) => sum + (entry.CapacityUnits ?? 0), 0);
    const isWrite = command === 'PutItem' || command === 'UpdateItem' || command === 'DeleteItem' || command === 'TransactWriteItems';
    options.onConsumedCapacity({ command, label, readUnits: isWrite ? 0 : units, writeUnits: isWrite ? units : 0 });
  }

  return {
    tableName: TableName,

    async get<T extends Item>(label: string, key: TableKey, consistent = false): Promise<T | null> {
      const out = await client.send(new GetCommand({ TableName, Key: key, ConsistentRead: consistent, ReturnConsumedCapacity: 'TOTAL' }));
      report('GetItem', label, out.ConsumedCapacity);
      return (out.Item as T | undefined) ?? null;
    },

    /** One page of a Query. */
    async query<T extends Item>(label: string, input: Omit<QueryCommandInput, 'TableName' | 'ReturnConsumedCapacity'>) {
      const out = await client.send(new QueryCommand({ ...input, TableName, ReturnConsumedCapacity: 'TOTAL' }));
      report('Query', label, out.ConsumedCapacity);
      return { items: (out.Items ?? []) as T[], lastKey: out.LastEvaluatedKey as Item | undefined };
    },

    /** Every page of a Query (for small partitions: a workspace's topics and members, a ticket's history). */
    async queryAll<T extends Item>(label: string, input: Omit<QueryCommandInput, 'TableName' | 'ReturnConsumedCapacity' | 'ExclusiveStartKey'>) {
      const items: T[] = [];
      let startKey: Item | undefined;
      do {
        const page = await this.query<T>(label, { ...input, ExclusiveStartKey: startKey });
        items.push(...page.items);
        startKey = page.lastKey;
      } while (startKey);
      return items;
    },

    /** Items by key, in no particular order; missing ones are left out. `consistent`: strongly consistent reads (twice the read units). */
    async batchGet<T extends Item>(label: string, keys: TableKey[], consistent = false): Promise<T[]> {
      const found: T[] = [];
      const unique = [...new Map(keys.map((key) => [`${key.pk}\u0000${key.sk}`, key])).values()];
      for (let start = 0; start < unique.length; start += 100) {
        let pending: TableKey[] = unique.slice(start, start + 100);
        for (let attempt = 0; pending.length > 0; attempt++) {
          if (attempt > 0) await sleep(backoffDelayMs(attempt));
          const out = await client.send(
            new BatchGetCommand({ RequestItems: { [TableName]: { Keys: pending, ConsistentRead: consistent } }, ReturnConsumedCapacity: 'TOTAL' }),
          );
          report('BatchGetItem', label, out.ConsumedCapacity);
          found.push(...((out.Responses?.[TableName] ?? []) as T[]));
          pending = (out.UnprocessedKeys?.[TableName]?.Keys ?? []) as TableKey[];
        }
      }
      return found;
    },

    /** A single conditional Put; returns false when the condition failed. */
    async putIfAbsent(label: string, item: Item & TableKey): Promise<boolean> {
      try {
        const out = await client.send(
          new PutCommand({ TableName, Item: item, ConditionExpression: 'attribute_not_exists(pk)', ReturnConsumedCapacity: 'TOTAL' }),
        );
        report('PutItem', label, out.ConsumedCapacity);
        return true;
      } catch (error) {
        if (error instanceof Error && error.name === 'ConditionalCheckFailedException') return false;
        throw error;
      }
    },

    /** A plain Put (no condition): items owned by one writer, such as a live connection. */
    async put(label: string, item: Item & TableKey): Promise<void> {
      const out = await client.send(new PutCommand({ TableName, Item: item, ReturnConsumedCapacity: 'TOTAL' }));
      report('PutItem', label, out.ConsumedCapacity);
    },

    /** A plain DeleteItem (deleting what is already gone is not an error). */
    async delete(label: string, key: TableKey): Promise<void> {
      const out = await client.send(new DeleteCommand({ TableName, Key: key, ReturnConsumedCapacity: 'TOTAL' }));
      report('DeleteItem', label, out.ConsumedCapacity);
    },

    /** A single UpdateItem; returns false when its condition failed. */
    async updateIfAllowed(label: string, input: Omit<UpdateCommandInput, 'TableName' | 'ReturnConsumedCapacity'>): Promise<boolean> {
      try {
        const out = await client.send(new UpdateCommand({ ...input, TableName, ReturnConsumedCapacity: 'TOTAL' }));
        report('UpdateItem', label, out.ConsumedCapacity);
        return true;
      } catch (error) {
        if (error instanceof Error && error.name === 'ConditionalCheckFailedException') return false;
        throw error;
      }
    },

    /**
     * All writes or none. A cancellation caused by a failed condition throws
     * TransactionRefused; one caused only by a concurrent transaction on the
     * same items (TransactionConflict) is retried with jittered backoff, since
     * replaying the same writes is then safe.
     */
    async transactWrite(label: string, writes: LabelledWrite[]): Promise<void> {
      for (let attempt = 0; ; attempt++) {
        try {
          const out = await client.send(
            new TransactWriteCommand({
              TransactItems: writes.map(({ write }) => withTableName(write, TableName)),
              ReturnConsumedCapacity: 'TOTAL',
            }),
          );
          report('TransactWriteItems', label, out.ConsumedCapacity);
          return;
        } catch (error) {
          if (!isTransactionCanceled(error)) throw error;
          const reasons: CancellationReason[] = (error.CancellationReasons ?? []).flatMap((reason, index) =>
            reason.Code && reason.Code !== 'None'
              ? [{ label: writes[index]?.label ?? `#${index}`, code: reason.Code, ...(reason.Item ? { item: reason.Item } : {}) }]
              : [],
          );
          if (reasons.some((reason) => reason.code === 'ConditionalCheckFailed')) throw new TransactionRefused(reasons);
          const onlyConflicts = reasons.length > 0 && reasons.every((reason) => reason.code === 'TransactionConflict');
          if (!onlyConflicts || attempt + 1 >= conflictAttempts) throw error;
          await sleep(backoffDelayMs(attempt));
        }
      }
    },
  };
}

function withTableName(write: TableWrite, TableName: string): TransactItem {
  if (write.Put) return { Put: { ...write.Put, TableName } };
  if (write.Update) return { Update: { ...write.Update, TableName } };
  if (write.Delete) return { Delete: { ...write.Delete, TableName } };
  if (write.ConditionCheck) return { ConditionCheck: { ...write.ConditionCheck, TableName } };
  throw new Error('A transaction write needs Put, Update, Delete or ConditionCheck.');
}

// By name rather than instanceof: a bundle may hold more than one copy of the SDK's error classes.
function isTransactionCanceled(error: unknown): error is TransactionCanceledException {
  return error instanceof Error && error.name === 'TransactionCanceledException';
}
