// Users, memberships and invitations. A user is global (`USER#u`, unique
// email through the `USEREMAIL#` guard); a membership is the member item in
// the workspace partition (what the directory and the authorizer read) plus an
// entry in the user's partition (which workspaces a user may sign in to). The
// workspace's administrators counter changes in the same transaction as any
// role that gains or loses administrator, so the last one can neither be
// demoted nor removed, even by two administrators demoting each other at once.
import { ConflictError, NotFoundError } from '#domain/errors';
import type { Invitation } from '#domain/people';
import type { Member, Role } from '#domain/workspace';
import { StaleWriteError, type PeopleRepository, type UserWrite } from '#use-cases/ports';
import { fromInvitationItem, invitationKeys, toInvitationItem, toInvitationSecretItem, type InvitationSecretItem } from './entities/invitation';
import { memberKeys, toMemberEmailItem, toMemberItem } from './entities/member';
import { fromUserItem, MEMBERSHIP_SK_PREFIX, toMembershipItem, toUserEmailItem, toUserItem, userKeys, type MembershipItem, type UserEmailItem } from './entities/user';
import { workspaceKeys } from './entities/workspace';
import { ITEM_TYPE } from './keys';
import { TransactionRefused, type LabelledWrite, type TableClient } from './table-client';
import { tokenWrites } from './token-repository';

const NOT_EXISTS = 'attribute_not_exists(pk)';

function lastAdministrator(): ConflictError {
  return new ConflictError('last_administrator', 'A workspace keeps at least one administrator: make someone else administrator first.');
}

/** +1 or −1 on the administrators counter; a decrement requires another administrator to remain. */
function adminCounterWrite(workspace: string, delta: 1 | -1): LabelledWrite {
  return {
    label: 'admin_counter',
    write: {
      Update: {
        Key: memberKeys.adminCounter(workspace),
        UpdateExpression: 'ADD admin_count :delta SET #type = :type',
        ...(delta < 0 ? { ConditionExpression: 'admin_count > :one' } : {}),
        ExpressionAttributeNames: { '#type': 'type' },
        ExpressionAttributeValues: { ':delta': delta, ':type': ITEM_TYPE.adminCounter, ...(delta < 0 ? { ':one': 1 } : {}) },
      },
    },
  };
}

function userWrites(write: UserWrite): LabelledWrite[] {
  const { user } = write;
  switch (write.kind) {
    case 'create':
      return [
        { label: 'user', write: { Put: { Item: toUserItem(user), ConditionExpression: NOT_EXISTS } } },
        { label: 'user_email', write: { Put: { Item: toUserEmailItem(user), ConditionExpression: NOT_EXISTS } } },
      ];
    case 'set_password':
      return [
        {
          label: 'user',
          write: {
            Update: {
              Key: userKeys.user(user.uuid),
              UpdateExpression: 'SET #name = :name, password_hash = :hash',
              ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(password_hash)',
              ExpressionAttributeNames: { '#name': 'name' },
              ExpressionAttributeValues: { ':name': user.name, ':hash': user.password_hash },
            },
          },
        },
      ];
    case 'existing':
      return [{ label: 'user', write: { ConditionCheck: { Key: userKeys.user(user.uuid), ConditionExpression: 'attribute_exists(pk)' } } }];
  }
}

function invitationRemovalWrites(invitation: Invitation): LabelledWrite[] {
  return [
    {
      label: 'invitation',
      write: {
        Delete: {
          Key: invitationKeys.invitation(invitation.workspace, invitation.email),
          ConditionExpression: 'secret_hash = :hash',
          ExpressionAttributeValues: { ':hash': invitation.secret_hash },
        },
      },
    },
    { label: 'invitation_secret', write: { Delete: { Key: invitationKeys.secret(invitation.secret_hash) } } },
  ];
}

export function createPeopleRepository(table: TableClient): PeopleRepository {
  return {
    async getUser(user) {
      const item = await table.get('user.get', userKeys.user(user), true);
      return item ? fromUserItem(item) : null;
    },

    async findUserByEmail(email, options = {}) {
      const guard = await table.get<Partial<UserEmailItem>>('user.find_by_email', userKeys.email(email), options.consistent ?? false);
      if (!guard?.user) return null;
      const item = await table.get('user.get', userKeys.user(guard.user), options.consistent ?? false);
      return item ? fromUserItem(item) : null;
    },

    async listMemberships(user) {
      const items = await table.queryAll<Partial<MembershipItem>>('user.memberships', {
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': userKeys.partition(user), ':prefix': MEMBERSHIP_SK_PREFIX },
      });
      return items.flatMap((item) => (item.workspace ? [item.workspace] : []));
    },

    async addMember({ member, user, acceptedInvitation, session }) {
      const writes: LabelledWrite[] = [
        { label: 'workspace', write: { ConditionCheck: { Key: workspaceKeys.workspace(member.workspace), ConditionExpression: 'attribute_exists(pk)' } } },
        { label: 'member', write: { Put: { Item: toMemberItem(member), ConditionExpression: NOT_EXISTS } } },
        { label: 'member_email', write: { Put: { Item: toMemberEmailItem(member), ConditionExpression: NOT_EXISTS } } },
        { label: 'membership', write: { Put: { Item: toMembershipItem(member) } } },
        ...userWrites(user),
        ...(member.role === 'administrator' ? [adminCounterWrite(member.workspace, 1)] : []),
        ...(acceptedInvitation ? invitationRemovalWrites(acceptedInvitation) : []),
        ...(session ? tokenWrites(session) : []),
      ];
      try {
        await table.transactWrite(acceptedInvitation ? 'invitation.accept' : 'member.add', writes);
      } catch (error) {
        if (!(error instanceof TransactionRefused)) throw error;
        if (error.failed('workspace')) throw new NotFoundError('workspace_not_found', 'No such workspace.');
        if (error.failed('member_email') || error.failed('member'))
          throw new ConflictError('member_exists', `${member.email} is already a member of this workspace.`);
        if (error.failed('invitation')) throw new NotFoundError('invitation_not_found', 'This invitation is not valid (any more).');
        if (error.failed('user') || error.failed('user_email')) throw new StaleWriteError('The user changed meanwhile.');
        throw error;
      }
    },

    async changeRole(member: Member, role: Role) {
      const writes: LabelledWrite[] = [
        {
          label: 'member',
          write: {
            Update: {
              Key: memberKeys.member(member.workspace, member.uuid),
              UpdateExpression: 'SET #role = :role',
              ConditionExpression: '#role = :previous',
              ExpressionAttributeNames: { '#role': 'role' },
              ExpressionAttributeValues: { ':role': role, ':previous': member.role },
            },
          },
        },
      ];
      if (member.role === 'administrator' && role !== 'administrator') writes.push(adminCounterWrite(member.workspace, -1));
      if (member.role !== 'administrator' && role === 'administrator') writes.push(adminCounterWrite(member.workspace, 1));
      try {
        await table.transactWrite('member.change_role', writes);
      } catch (error) {
        if (!(error instanceof TransactionRefused)) throw error;
        if (error.failed('member')) throw new StaleWriteError('The member changed meanwhile.');
        if (error.failed('admin_counter')) throw lastAdministrator();
        throw error;
      }
    },

    async setMemberFlags(member: Member, flags: { can_reply_non_own?: boolean }) {
      if (flags.can_reply_non_own === undefined) return true;
      return table.updateIfAllowed('member.set_flags', {
        Key: memberKeys.member(member.workspace, member.uuid),
        UpdateExpression: 'SET can_reply_non_own = :flag',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':flag': flags.can_reply_non_own },
      });
    },

    async removeMember(member: Member) {
      const writes: LabelledWrite[] = [
        {
          label: 'member',
          write: {
            Delete: {
              Key: memberKeys.member(member.workspace, member.uuid),
              ConditionExpression: '#role = :role',
              ExpressionAttributeNames: { '#role': 'role' },
              ExpressionAttributeValues: { ':role': member.role },
            },
          },
        },
        { label: 'member_email', write: { Delete: { Key: memberKeys.email(member.workspace, member.email) } } },
        { label: 'membership', write: { Delete: { Key: userKeys.membership(member.uuid, member.workspace) } } },
      ];
      if (member.role === 'administrator') writes.push(adminCounterWrite(member.workspace, -1));
      try {
        await table.transactWrite('member.remove', writes);
      } catch (error) {
        if (!(error instanceof TransactionRefused)) throw error;
        if (error.failed('member')) throw new StaleWriteError('The member changed meanwhile.');
        if (error.failed('admin_counter')) throw lastAdministrator();
        throw error;
      }
    },

    async findInvitation(workspace, email) {
      const item = await table.get('invitation.get', invitationKeys.invitation(workspace, email), true);
      return item ? fromInvitationItem(item) : null;
    },

    async findInvitationBySecretHash(hash) {
      const pointer = await table.get<Partial<InvitationSecretItem>>('invitation.find_by_secret', invitationKeys.secret(hash), true);
      if (!pointer?.workspace || !pointer.email) return null;
      const item = await table.get('invitation.get', invitationKeys.invitation(pointer.workspace, pointer.email), true);
      const invitation = item ? fromInvitationItem(item) : null;
      // An invitation sent again to the same email has a new secret; the old pointer leads nowhere.
      return invitation?.secret_hash === hash ? invitation : null;
    },

    async listInvitations(workspace) {
      const items = await table.queryAll('invitation.list', {
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': invitationKeys.partition(workspace) },
      });
      return items.map(fromInvitationItem);
    },

    async putInvitation(invitation, now) {
      try {
        await table.transactWrite('invitation.create', [
          {
            label: 'invitation',
            write: {
              Put: {
                Item: toInvitationItem(invitation),
                // TTL deletes an expired invitation some time after it expires; until then it may be replaced.
                ConditionExpression: 'attribute_not_exists(pk) OR expires_on < :now',
                ExpressionAttributeValues: { ':now': now },
              },
            },
          },
          { label: 'invitation_secret', write: { Put: { Item: toInvitationSecretItem(invitation), ConditionExpression: NOT_EXISTS } } },
        ]);
      } catch (error) {
        if (error instanceof TransactionRefused && error.failed('invitation'))
          throw new ConflictError('invitation_exists', `${invitation.email} already has a pending invitation.`);
        throw error;
      }
    },

    async deleteInvitation(invitation) {
      try {
        await table.transactWrite('invitation.revoke', invitationRemovalWrites(invitation));
      } catch (error) {
        if (error instanceof TransactionRefused && error.failed('invitation'))
          throw new NotFoundError('invitation_not_found', 'No such invitation.');
        throw error;
      }
    },
  };
}
