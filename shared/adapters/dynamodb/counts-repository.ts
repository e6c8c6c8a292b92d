// The folder counters of a workspace: one item per counter in the partition
// `WS#w#COUNTS`, written only by the ticket events consumer. Each stream record
// is applied in one transaction together with a guard item named after its
// eventID, so a record delivered twice (a pipe retry, an SQS redelivery, a
// redrive from the DLQ) changes the counters once.
import { countKeys, toAppliedEventItem, type CountItem } from './entities/folder-count';
import { ITEM_TYPE } from './keys';
import { TransactionRefused, createTableClient, type LabelledWrite, type TableOptions } from './table-client';

export type ApplyOutcome = 'applied' | 'already_applied';

export interface CountsRepository {
  /** Every counter of the workspace by its key (`STATUS#open`, …); counters never touched are absent. */
  readCounts(workspace: string): Promise<Map<string, number>>;
  /** Adds the deltas of one stream record, unless a record with this eventID was applied before. */
  applyDeltas(input: { workspace: string; eventId: string; deltas: ReadonlyMap<string, number> }): Promise<ApplyOutcome>;
}

export function createCountsRepository(options: TableOptions & { clock?: () => Date }): CountsRepository {
  const table = createTableClient(options);
  const clock = options.clock ?? (() => new Date());

  return {
    async readCounts(workspace) {
      const items = await table.queryAll<Pick<CountItem, 'sk'> & Partial<Pick<CountItem, 'count'>>>('counts.read', {
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': countKeys.partition(workspace) },
        ProjectionExpression: 'sk, #count',
        ExpressionAttributeNames: { '#count': 'count' },
      });
      return new Map(items.map((item) => [item.sk, Number(item.count ?? 0)]));
    },

    async applyDeltas({ workspace, eventId, deltas }) {
      const guard: LabelledWrite = {
        label: 'applied_event',
        write: { Put: { Item: toAppliedEventItem(workspace, eventId, clock()), ConditionExpression: 'attribute_not_exists(pk)' } },
      };
      const counters: LabelledWrite[] = [...deltas].map(([key, delta]) => ({
        label: key,
        write: {
          Update: {
            Key: { pk: countKeys.partition(workspace), sk: key },
            UpdateExpression: 'ADD #count :delta SET #type = :type',
            ExpressionAttributeNames: { '#count': 'count', '#type': 'type' },
            ExpressionAttributeValues: { ':delta': delta, ':type': ITEM_TYPE.count },
          },
        },
      }));
      try {
        await table.transactWrite('counts.apply', [guard, ...counters]);
        return 'applied';
      } catch (error) {
        // The guard exists: this record was counted before, and counting it is done.
        if (error instanceof TransactionRefused && error.failed(guard.label)) return 'already_applied';
        throw error;
      }
    },
  };
}
