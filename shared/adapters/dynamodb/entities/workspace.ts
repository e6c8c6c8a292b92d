// The workspace item (`WS#w` / `WORKSPACE`): its name and settings. Its
// partition also holds the members (member.ts) and topics (topic.ts), so the
// whole workspace directory is one Query.
import type { Workspace } from '#domain/workspace';
import { str, type StoredItem } from '../attributes';
import { ITEM_TYPE, workspacePk, type TableKey } from '../keys';
import type { Item } from '../table-client';

export const workspaceKeys = {
  /** The partition holding the workspace, its members, topics, and their guard and counter items. */
  partition: workspacePk,
  workspace: (workspace: string): TableKey => ({ pk: workspacePk(workspace), sk: 'WORKSPACE' }),
};

export type WorkspaceItem = StoredItem<TableKey & {
  type: typeof ITEM_TYPE.workspace;
  uuid: string;
  name: string;
  created_on: string;
  /** Absent: the deployment's default. */
  api_rate_limit?: number;
  /** Absent: true (only `false` is stored). */
  pause_bot_during_tickets?: false;
}>;

export function toWorkspaceItem(workspace: Workspace): WorkspaceItem {
  return {
    ...workspaceKeys.workspace(workspace.uuid),
    type: ITEM_TYPE.workspace,
    uuid: workspace.uuid,
    name: workspace.name,
    created_on: workspace.created_on,
    ...(workspace.api_rate_limit !== null ? { api_rate_limit: workspace.api_rate_limit } : {}),
    ...(workspace.pause_bot_during_tickets === false ? { pause_bot_during_tickets: false as const } : {}),
  };
}

export function fromWorkspaceItem(item: Item): Workspace {
  return {
    uuid: str(item, 'uuid'),
    name: str(item, 'name'),
    api_rate_limit: item.api_rate_limit == null ? null : Number(item.api_rate_limit),
    pause_bot_during_tickets: item.pause_bot_during_tickets !== false,
    created_on: str(item, 'created_on'),
  };
}
