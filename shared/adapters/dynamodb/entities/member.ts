// A member: a user in a workspace, with a role (`WS#w` / `MEMBER#u`, in the
// workspace's partition), the guard item making member emails unique per
// workspace, and the workspace's administrators counter, which keeps at least
// one administrator (people-repository.ts changes it with every role change).
// The member's entry in the user's own partition is the membership (user.ts).
import type { Member, Role } from '#domain/workspace';
import { str, type StoredItem } from '../attributes';
import { ITEM_TYPE, workspacePk, type TableKey } from '../keys';
import type { Item } from '../table-client';

export const memberKeys = {
  member: (workspace: string, user: string): TableKey => ({ pk: workspacePk(workspace), sk: `MEMBER#${user}` }),
  /** Guard item making member emails unique per workspace (`email` already lowercased). */
  email: (workspace: string, email: string): TableKey => ({ pk: workspacePk(workspace), sk: `MEMBEREMAIL#${email}` }),
  /** Counter of the workspace's administrators: demoting or removing the last one fails its condition. */
  adminCounter: (workspace: string): TableKey => ({ pk: workspacePk(workspace), sk: 'ADMINS' }),
};

export type MemberItem = StoredItem<TableKey & { type: typeof ITEM_TYPE.member } & Member>;
export type MemberEmailItem = StoredItem<TableKey & { type: typeof ITEM_TYPE.memberEmail; user: string }>;
/** Written only by `ADD admin_count` updates. */
export type AdminCounterItem = StoredItem<TableKey & { type: typeof ITEM_TYPE.adminCounter; admin_count: number }>;

export function toMemberItem(member: Member): MemberItem {
  return { ...memberKeys.member(member.workspace, member.uuid), type: ITEM_TYPE.member, ...member };
}

export function fromMemberItem(item: Item): Member {
  return {
    workspace: str(item, 'workspace'),
    uuid: str(item, 'uuid'),
    email: str(item, 'email'),
    name: str(item, 'name'),
    role: str(item, 'role') as Role,
    can_reply_non_own: item.can_reply_non_own !== false,
    created_on: str(item, 'created_on'),
  };
}

export function toMemberEmailItem(member: Member): MemberEmailItem {
  return { ...memberKeys.email(member.workspace, member.email), type: ITEM_TYPE.memberEmail, user: member.uuid };
}
