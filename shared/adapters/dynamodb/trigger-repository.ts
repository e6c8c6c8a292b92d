// Closed-ticket triggers (docs/triggers.md): the partition `WS#w#TRIGGERS`
// holds each trigger (`TRIGGER#<uuid>`) and the set's version (`SET`). A
// close reads the whole set with one Query; a change writes its triggers and
// bumps the version in one transaction conditioned on the version read, so
// two concurrent changes cannot both pass the "no twin trigger" check.
import type { ClosedTicketTrigger } from '#domain/triggers';
import { StaleWriteError } from '#use-cases/ports';
import type { TriggerSet, TriggerStore } from '#use-cases/closed-ticket-triggers';
import { ITEM_TYPE, triggerKeys } from './keys';
import { TransactionRefused, createTableClient, type Item, type LabelledWrite, type TableOptions } from './table-client';

function toTrigger(item: Item): ClosedTicketTrigger {
  return {
    workspace: String(item.workspace),
    uuid: String(item.uuid),
    // Stored before other types existed: closed-ticket triggers carry no type.
    ...(item.trigger_type ? { type: item.trigger_type as ClosedTicketTrigger['type'] } : {}),
    ...(Array.isArray(item.keywords) ? { keywords: item.keywords as string[] } : {}),
    ...(item.match_type ? { match_type: item.match_type as ClosedTicketTrigger['match_type'] } : {}),
    flow: item.flow as ClosedTicketTrigger['flow'],
    groups: (item.groups as ClosedTicketTrigger['groups'] | undefined) ?? [],
    exclude_groups: (item.exclude_groups as ClosedTicketTrigger['exclude_groups'] | undefined) ?? [],
    created_on: String(item.created_on),
    modified_on: String(item.modified_on),
  };
}

/** `type` is the item type on every item, so the trigger's own type is stored as `trigger_type`. */
function triggerItem(workspace: string, { type, ...trigger }: ClosedTicketTrigger): Item {
  return { ...triggerKeys.trigger(workspace, trigger.uuid), ...trigger, type: ITEM_TYPE.trigger, ...(type ? { trigger_type: type } : {}) };
}

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
        triggers: items.filter((item) => item.type === ITEM_TYPE.trigger).map(toTrigger),
        version: Number(set?.version ?? 0),
      };
    },

    async saveSet({ workspace, put, remove, expectedVersion }) {
      const setKey = triggerKeys.set(workspace);
      const version: LabelledWrite = {
        label: 'trigger_set',
        write: {
          Put: {
            Item: { ...setKey, type: ITEM_TYPE.triggerSet, workspace, version: expectedVersion + 1 },
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
          write: { Put: { Item: triggerItem(workspace, trigger) } },
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
