// Triggers (docs/triggers.md): one partition per workspace `WS#w#TRIGGERS`
// holding each trigger (`TRIGGER#<uuid>`) and the set's version item (`SET`),
// so a close reads them all with one Query and every change is conditioned on
// the version the change was decided on.
import type { ClosedTicketTrigger } from '#domain/triggers';
import type { StoredItem } from '../attributes';
import { ITEM_TYPE, workspacePk, type TableKey } from '../keys';
import type { Item } from '../table-client';

export const triggerKeys = {
  partition: (workspace: string) => `${workspacePk(workspace)}#TRIGGERS`,
  trigger: (workspace: string, trigger: string): TableKey => ({ pk: triggerKeys.partition(workspace), sk: `TRIGGER#${trigger}` }),
  set: (workspace: string): TableKey => ({ pk: triggerKeys.partition(workspace), sk: 'SET' }),
};

/** `type` is the item type on every item, so the trigger's own type is stored as `trigger_type` (absent: closed ticket). */
export type TriggerItem = StoredItem<TableKey & { type: typeof ITEM_TYPE.trigger; trigger_type?: ClosedTicketTrigger['type'] } & Omit<ClosedTicketTrigger, 'type'>>;
/** Bumped by every change of the workspace's triggers. */
export type TriggerSetItem = StoredItem<TableKey & { type: typeof ITEM_TYPE.triggerSet; workspace: string; version: number }>;

export function toTriggerItem(workspace: string, { type, ...trigger }: ClosedTicketTrigger): TriggerItem {
  return { ...triggerKeys.trigger(workspace, trigger.uuid), ...trigger, type: ITEM_TYPE.trigger, ...(type ? { trigger_type: type } : {}) };
}

export function fromTriggerItem(item: Item): ClosedTicketTrigger {
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

export function toTriggerSetItem(workspace: string, version: number): TriggerSetItem {
  return { ...triggerKeys.set(workspace), type: ITEM_TYPE.triggerSet, workspace, version };
}

/** The set's version; 0 when no trigger was ever saved. */
export function fromTriggerSetItem(item: Item | undefined): number {
  return Number(item?.version ?? 0);
}
