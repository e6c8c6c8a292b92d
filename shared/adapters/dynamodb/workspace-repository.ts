import { NotFoundError } from '#domain/errors';
import { compareTopics, type Topic } from '#domain/topic';
import type { Workspace } from '#domain/workspace';
import type { WorkspaceDirectory, WorkspaceRepository } from '#use-cases/ports';
import { toMember, toTopic, toWorkspace, workspaceItem } from './items';
import { ITEM_TYPE, workspaceKeys } from './keys';
import { TransactionRefused, type TableClient } from './table-client';
import { topicCreationWrites } from './topic-repository';

const NOT_EXISTS = 'attribute_not_exists(pk)';

export function createWorkspaceRepository(table: TableClient): WorkspaceRepository {
  return {
    async create(workspace: Workspace, systemTopic: Topic) {
      await table.transactWrite('workspace.create', [
        { label: 'workspace', write: { Put: { Item: workspaceItem(workspace), ConditionExpression: NOT_EXISTS } } },
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
        workspace: toWorkspace(workspaceRecord),
        members: items.filter((item) => item.type === ITEM_TYPE.member).map(toMember),
        topics: items
          .filter((item) => item.type === ITEM_TYPE.topic)
          .map(toTopic)
          .sort(compareTopics),
      };
    },

    async getWorkspace(workspace: string) {
      const item = await table.get('workspace.get', workspaceKeys.workspace(workspace));
      return item ? toWorkspace(item) : null;
    },

    async updateSettings(workspace: Workspace) {
      try {
        await table.transactWrite('workspace.update_settings', [
          {
            label: 'workspace',
            write: {
              Update: {
                Key: workspaceKeys.workspace(workspace.uuid),
                ConditionExpression: 'attribute_exists(pk)',
                ...(workspace.api_rate_limit === null
                  ? { UpdateExpression: 'SET #name = :name REMOVE api_rate_limit', ExpressionAttributeValues: { ':name': workspace.name } }
                  : {
                      UpdateExpression: 'SET #name = :name, api_rate_limit = :limit',
                      ExpressionAttributeValues: { ':name': workspace.name, ':limit': workspace.api_rate_limit },
                    }),
                ExpressionAttributeNames: { '#name': 'name' },
              },
            },
          },
        ]);
      } catch (error) {
        if (error instanceof TransactionRefused) throw new NotFoundError('workspace_not_found', 'No such workspace.');
        throw error;
      }
    },

    async getMember(workspace: string, user: string) {
      const item = await table.get('member.get', workspaceKeys.member(workspace, user));
      return item ? toMember(item) : null;
    },
  };
}
