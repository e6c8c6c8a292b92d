import { NotFoundError } from '#domain/errors';
import { compareTopics, type Topic } from '#domain/topic';
import type { Workspace } from '#domain/workspace';
import type { WorkspaceDirectory, WorkspaceRepository } from '#use-cases/ports';
import { fromMemberItem, memberKeys } from './entities/member';
import { fromTopicItem } from './entities/topic';
import { fromWorkspaceItem, toWorkspaceItem, workspaceKeys } from './entities/workspace';
import { ITEM_TYPE } from './keys';
import type { TableClient } from './table-client';
import { topicCreationWrites } from './topic-repository';

const NOT_EXISTS = 'attribute_not_exists(pk)';

export function createWorkspaceRepository(table: TableClient): WorkspaceRepository {
  return {
    async create(workspace: Workspace, systemTopic: Topic) {
      await table.transactWrite('workspace.create', [
        { label: 'workspace', write: { Put: { Item: toWorkspaceItem(workspace), ConditionExpression: NOT_EXISTS } } },
        ...topicCreationWrites(systemTopic, { firstTopic: true }),
      ]);
    },

    async loadDirectory(workspace: string, options = {}): Promise<WorkspaceDirectory | null> {
      // The whole workspace partition: the workspace, its members and topics (and their small guard items).
      const items = await table.queryAll('workspace.directory', {
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': workspaceKeys.partition(workspace) },
        ConsistentRead: options.consistent ?? false,
      });
      const workspaceRecord = items.find((item) => item.type === ITEM_TYPE.workspace);
      if (!workspaceRecord) return null;
      return {
        workspace: fromWorkspaceItem(workspaceRecord),
        members: items.filter((item) => item.type === ITEM_TYPE.member).map(fromMemberItem),
        topics: items
          .filter((item) => item.type === ITEM_TYPE.topic)
          .map(fromTopicItem)
          .sort(compareTopics),
      };
    },

    async getWorkspace(workspace: string) {
      const item = await table.get('workspace.get', workspaceKeys.workspace(workspace));
      return item ? fromWorkspaceItem(item) : null;
    },

    async updateSettings(workspace, changes) {
      const key = workspaceKeys.workspace(workspace);
      const notFound = () => new NotFoundError('workspace_not_found', 'No such workspace.');
      // Only the attributes given: a concurrent change of another setting is not written back over.
      const set: string[] = [];
      const remove: string[] = [];
      const names: Record<string, string> = {};
      const values: Record<string, unknown> = {};
      if (changes.name !== undefined) {
        set.push('#name = :name');
        names['#name'] = 'name';
        values[':name'] = changes.name;
      }
      if (changes.pause_bot_during_tickets !== undefined) {
        set.push('pause_bot_during_tickets = :pause');
        values[':pause'] = changes.pause_bot_during_tickets;
      }
      if (changes.api_rate_limit === null) remove.push('api_rate_limit');
      else if (changes.api_rate_limit !== undefined) {
        set.push('api_rate_limit = :limit');
        values[':limit'] = changes.api_rate_limit;
      }
      if (set.length > 0 || remove.length > 0) {
        const updated = await table.updateIfAllowed('workspace.update_settings', {
          Key: key,
          ConditionExpression: 'attribute_exists(pk)',
          UpdateExpression: [set.length > 0 ? `SET ${set.join(', ')}` : '', remove.length > 0 ? `REMOVE ${remove.join(', ')}` : ''].join(' ').trim(),
          ...(Object.keys(names).length > 0 ? { ExpressionAttributeNames: names } : {}),
          ...(Object.keys(values).length > 0 ? { ExpressionAttributeValues: values } : {}),
        });
        if (!updated) throw notFound();
      }
      const item = await table.get('workspace.get', key, true);
      if (!item) throw notFound();
      return fromWorkspaceItem(item);
    },

    async getMember(workspace: string, user: string) {
      const item = await table.get('member.get', memberKeys.member(workspace, user));
      return item ? fromMemberItem(item) : null;
    },
  };
}
