// The flow engine's definitions (`WS#w#FLOWS` / `FLOW#<uuid>`) and the
// assets (fields and groups) merged from every export imported into the
// workspace (`WS#w#FLOWS` / `ASSETS`), in one partition per workspace.
import type { FlowAssetsRecord, StoredFlow } from '#use-cases/flow-ports';
import type { StoredItem } from '../attributes';
import { ITEM_TYPE, workspacePk, type TableKey } from '../keys';
import type { Item } from '../table-client';

export const FLOW_SK_PREFIX = 'FLOW#';

export const flowKeys = {
  partition: (workspace: string) => `${workspacePk(workspace)}#FLOWS`,
  flow: (workspace: string, flow: string): TableKey => ({ pk: flowKeys.partition(workspace), sk: `${FLOW_SK_PREFIX}${flow}` }),
  /** Fields and groups of every export imported into the workspace. */
  assets: (workspace: string): TableKey => ({ pk: flowKeys.partition(workspace), sk: 'ASSETS' }),
};

/**
 * `type` is the item type on every item, so the flow's own type is stored as
 * `flow_type`. Definitions are stored as JSON text: a DynamoDB map would
 * neither keep key order nor empty strings the way the JSON had them.
 */
export type FlowItem = StoredItem<TableKey & { type: typeof ITEM_TYPE.flow; flow_type: string; definition: string } & Omit<StoredFlow, 'type' | 'definition'>>;
/** `fields` and `groups` as JSON text. */
export type FlowAssetsItem = StoredItem<TableKey & { type: typeof ITEM_TYPE.flowAssets; workspace: string; fields: string; groups: string; version: number }>;

export function toFlowItem(flow: StoredFlow): FlowItem {
  const { definition, type: flowType, ...rest } = flow;
  return { ...flowKeys.flow(flow.workspace, flow.uuid), ...rest, type: ITEM_TYPE.flow, flow_type: flowType, definition: JSON.stringify(definition) };
}

export function fromFlowItem(item: Item): StoredFlow {
  return {
    workspace: String(item.workspace),
    uuid: String(item.uuid),
    name: String(item.name),
    type: String(item.flow_type ?? 'messaging'),
    imported_spec_version: String(item.imported_spec_version),
    revision: typeof item.revision === 'number' ? item.revision : null,
    definition: JSON.parse(String(item.definition ?? '{}')),
    dependencies: (item.dependencies as string[] | undefined) ?? [],
    imported_on: String(item.imported_on),
    modified_on: String(item.modified_on),
    version: Number(item.version),
  };
}

export function toFlowAssetsItem(workspace: string, assets: FlowAssetsRecord): FlowAssetsItem {
  return { ...flowKeys.assets(workspace), type: ITEM_TYPE.flowAssets, workspace, fields: JSON.stringify(assets.fields), groups: JSON.stringify(assets.groups), version: assets.version };
}

export function fromFlowAssetsItem(item: Item): FlowAssetsRecord {
  return { fields: JSON.parse(String(item.fields)), groups: JSON.parse(String(item.groups)), version: Number(item.version) };
}
