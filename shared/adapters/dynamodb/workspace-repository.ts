import { ConflictError, NotFoundError } from '#domain/errors';
import { compareTopics, type Topic } from '#domain/topic';
import type { ApiToken, Member, Workspace } from '#domain/workspace';
import type { WorkspaceDirectory, WorkspaceRepository } from '#use-cases/ports';
import { apiTokenItem, memberItem, toApiToken, toMember, toTopic, toWorkspace, workspaceItem } from './items';
import { apiTokenKeys, ITEM_TYPE, workspaceKeys } from './keys';
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

    async addMember(member: Member) {
      try {
        await table.transactWrite('member.add', [
          { label: 'workspace', write: { ConditionCheck: { Key: workspaceKeys.workspace(member.workspace), ConditionExpression: 'attribute_exists(pk)' } } },
          { label: 'member', write: { Put: { Item: memberItem(member), ConditionExpression: NOT_EXISTS } } },
          {
            label: 'member_email',
            write: {
              Put: {
                Item: { ...workspaceKeys.memberEmail(member.workspace, member.email), type: ITEM_TYPE.memberEmail, user: member.uuid },
                ConditionExpression: NOT_EXISTS,
              },
            },
          },
        ]);
      } catch (error) {
        if (!(error instanceof TransactionRefused)) throw error;
        if (error.failed('workspace')) throw new NotFoundError('workspace_not_found', 'No such workspace.');
        if (error.failed('member_email')) throw new ConflictError('member_exists', `${member.email} is already a member of this workspace.`);
        throw error;
      }
    },

    async getMember(workspace: string, user: string) {
      const item = await table.get('member.get', workspaceKeys.member(workspace, user));
      return item ? toMember(item) : null;
    },

    async putApiToken(token: ApiToken) {
      if (!(await table.putIfAbsent('api_token.put', apiTokenItem(token))))
        throw new ConflictError('token_exists', 'This token is already stored.');
    },

    async findApiToken(hash: string) {
      const item = await table.get('api_token.get', apiTokenKeys.token(hash));
      return item ? toApiToken(item) : null;
    },
  };
}
