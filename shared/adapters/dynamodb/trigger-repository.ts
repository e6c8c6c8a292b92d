// Closed-ticket triggers (docs/triggers.md): the partition `WS#w#TRIGGERS`
// holds each trigger (`TRIGGER#<uuid>`) and the set's version (`SET`). A
// close reads the whole set with one Query; a change writes its triggers and
// bumps the version in one transaction conditioned on the version read, so
// two concurrent changes cannot both pass the "no twin trigger" check.
import { StaleWriteError } from '#use-cases/ports';
import type { TriggerSet, TriggerStore } from '#use-cases/closed-ticket-triggers';
import { fromTriggerItem, fromTriggerSetItem, toTriggerItem, toTriggerSetItem, triggerKeys } from './entities/trigger';
import { ITEM_TYPE } from './keys';
import { TransactionRefused, createTableClient, type LabelledWrite, type TableOptions } from './table-client';

export function createTriggerRepository(options: TableOptions): TriggerStore {
  const table = createTableClient(options);
  return {
    async readSet(workspace, { consistent = false } = {}): Promise<TriggerSet> {
      const items = await table.queryAll('trigger.list', {
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': triggerKeys.partition(workspace) },
        ConsistentRead: consistent,
      });
      const set = items.find((item) => item.type === ITEM_TYPE.triggerSet);
      return {
        triggers: items.filter((item) => item.type === ITEM_TYPE.trigger).map(fromTriggerItem),
        version: fromTriggerSetItem(set),
      };
    },

    async saveSet({ workspace, put, remove, expectedVersion }) {
      const version: LabelledWrite = {
        label: 'trigger_set',
        write: {
          Put: {
            Item: toTriggerSetItem(workspace, expectedVersion + 1),
            ConditionExpression: expectedVersion === 0 ? 'attribute_not_exists(pk)' : '#version = :expected',
            ...(expectedVersion === 0
              ? {}
              : { ExpressionAttributeNames: { '#version': 'version' }, ExpressionAttributeValues: { ':expected': expectedVersion } }),
          },
        },
      };
      const writes: LabelledWrite[] = [
        version,
        ...put.map((trigger) => ({
          label: 'trigger',
          write: { Put: { Item: toTriggerItem(workspace, trigger) } },
        })),
        ...remove.map((uuid) => ({ label: 'trigger_delete', write: { Delete: { Key: triggerKeys.trigger(workspace, uuid) } } })),
      ];
      try {
        await table.transactWrite('trigger.save', writes);
      } catch (error) {
        if (error instanceof TransactionRefused && error.failed('trigger_set')) throw new StaleWriteError('The workspace\'s triggers changed meanwhile.');
        throw error;
      }
    },
  };
}
