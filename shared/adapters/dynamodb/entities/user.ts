// A user: a global identity, one per email (`USER#u` / `USER`), the guard
// item making emails unique across users (and the way from an email to its
// user), and the memberships in the user's partition: the workspaces the user
// may sign in to (each written with its member item, member.ts).
import type { User } from '#domain/people';
import type { Member } from '#domain/workspace';
import { str, strOrNull, type StoredItem } from '../attributes';
import { ITEM_TYPE, type TableKey } from '../keys';
import type { Item } from '../table-client';

export const MEMBERSHIP_SK_PREFIX = 'MEMBERSHIP#';

export const userKeys = {
  partition: (user: string) => `USER#${user}`,
  user: (user: string): TableKey => ({ pk: `USER#${user}`, sk: 'USER' }),
  membership: (user: string, workspace: string): TableKey => ({ pk: `USER#${user}`, sk: `${MEMBERSHIP_SK_PREFIX}${workspace}` }),
  /** Guard item making emails unique across users, and the way from an email to its user (`email` already lowercased). */
  email: (email: string): TableKey => ({ pk: `USEREMAIL#${email}`, sk: 'USEREMAIL' }),
};

export type UserItem = StoredItem<TableKey & {
  type: typeof ITEM_TYPE.user;
  uuid: string;
  email: string;
  name: string;
  created_on: string;
  /** Absent until set: accepting an invitation conditions on attribute_not_exists(password_hash). */
  password_hash?: string;
}>;
export type UserEmailItem = StoredItem<TableKey & { type: typeof ITEM_TYPE.userEmail; user: string }>;
export type MembershipItem = StoredItem<TableKey & { type: typeof ITEM_TYPE.membership; workspace: string; user: string }>;

export function toUserItem(user: User): UserItem {
  const { password_hash, ...rest } = user;
  return { ...userKeys.user(user.uuid), type: ITEM_TYPE.user, ...rest, ...(password_hash ? { password_hash } : {}) };
}

export function fromUserItem(item: Item): User {
  return {
    uuid: str(item, 'uuid'),
    email: str(item, 'email'),
    name: str(item, 'name'),
    password_hash: strOrNull(item, 'password_hash'),
    created_on: str(item, 'created_on'),
  };
}

export function toUserEmailItem(user: User): UserEmailItem {
  return { ...userKeys.email(user.email), type: ITEM_TYPE.userEmail, user: user.uuid };
}

export function toMembershipItem(member: Pick<Member, 'workspace' | 'uuid'>): MembershipItem {
  return { ...userKeys.membership(member.uuid, member.workspace), type: ITEM_TYPE.membership, workspace: member.workspace, user: member.uuid };
}
