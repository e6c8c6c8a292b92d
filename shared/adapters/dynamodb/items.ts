// Domain objects ⇄ table items. Items carry their keys, their `type`, and
// plain attributes named as docs/architecture.md lists them. Tickets and their
// events: entities/ticket.ts.
import type { Contact } from '#domain/contact';
import type { Topic } from '#domain/topic';
import type { Invitation, StoredToken, User } from '#domain/people';
import type { Member, Role, Workspace } from '#domain/workspace';
import { contactKeys, invitationKeys, ITEM_TYPE, tokenKeys, topicKeys, userKeys, workspaceKeys } from './keys';
import { TTL_ATTRIBUTE } from './table';
import type { Item } from './table-client';

const str = (item: Item, name: string): string => String(item[name]);
const strOrNull = (item: Item, name: string): string | null => (item[name] == null ? null : String(item[name]));

/** Epoch seconds of an ISO timestamp, for the `ttl` attribute. */
const epochSeconds = (timestamp: string) => Math.floor(Date.parse(timestamp) / 1000);

export function workspaceItem(workspace: Workspace) {
  return {
    ...workspaceKeys.workspace(workspace.uuid),
    type: ITEM_TYPE.workspace,
    uuid: workspace.uuid,
    name: workspace.name,
    created_on: workspace.created_on,
    ...(workspace.api_rate_limit !== null ? { api_rate_limit: workspace.api_rate_limit } : {}),
    ...(workspace.pause_bot_during_tickets === false ? { pause_bot_during_tickets: false } : {}),
  };
}
export function toWorkspace(item: Item): Workspace {
  return {
    uuid: str(item, 'uuid'),
    name: str(item, 'name'),
    api_rate_limit: item.api_rate_limit == null ? null : Number(item.api_rate_limit),
    pause_bot_during_tickets: item.pause_bot_during_tickets !== false,
    created_on: str(item, 'created_on'),
  };
}

export function userItem(user: User) {
  const { password_hash, ...rest } = user;
  // password_hash is absent until set: accepting an invitation conditions on attribute_not_exists(password_hash).
  return { ...userKeys.user(user.uuid), type: ITEM_TYPE.user, ...rest, ...(password_hash ? { password_hash } : {}) };
}
export function toUser(item: Item): User {
  return {
    uuid: str(item, 'uuid'),
    email: str(item, 'email'),
    name: str(item, 'name'),
    password_hash: strOrNull(item, 'password_hash'),
    created_on: str(item, 'created_on'),
  };
}

export function invitationItem(invitation: Invitation) {
  return {
    ...invitationKeys.invitation(invitation.workspace, invitation.email),
    type: ITEM_TYPE.invitation,
    ...invitation,
    [TTL_ATTRIBUTE]: epochSeconds(invitation.expires_on),
  };
}
export function toInvitation(item: Item): Invitation {
  return {
    workspace: str(item, 'workspace'),
    uuid: str(item, 'uuid'),
    email: str(item, 'email'),
    role: str(item, 'role') as Role,
    invited_by: str(item, 'invited_by'),
    created_on: str(item, 'created_on'),
    expires_on: str(item, 'expires_on'),
    secret_hash: str(item, 'secret_hash'),
  };
}
/** The secret's lookup item carries the invitation's key, and expires with it. */
export function invitationSecretItem(invitation: Invitation) {
  return {
    ...invitationKeys.secret(invitation.secret_hash),
    type: ITEM_TYPE.invitationSecret,
    workspace: invitation.workspace,
    email: invitation.email,
    [TTL_ATTRIBUTE]: epochSeconds(invitation.expires_on),
  };
}

export function tokenItem(token: StoredToken) {
  return {
    ...tokenKeys.token(token.hash),
    type: token.kind === 'session' ? ITEM_TYPE.session : ITEM_TYPE.apiToken,
    ...token,
    ...(token.expires_on ? { [TTL_ATTRIBUTE]: epochSeconds(token.expires_on) } : {}),
  };
}
/** An API token's entry in its user's token list (the same attributes, keyed by the token's id). */
export function tokenRefItem(token: StoredToken) {
  return { ...tokenKeys.userToken(token.workspace, token.user, token.uuid), type: ITEM_TYPE.apiTokenRef, ...token };
}
export function toStoredToken(item: Item): StoredToken {
  return {
    hash: str(item, 'hash'),
    kind: item.kind === 'session' ? 'session' : 'api',
    uuid: str(item, 'uuid'),
    workspace: str(item, 'workspace'),
    user: str(item, 'user'),
    name: str(item, 'name'),
    prefix: str(item, 'prefix'),
    created_on: str(item, 'created_on'),
    expires_on: strOrNull(item, 'expires_on'),
  };
}

export function memberItem(member: Member) {
  return { ...workspaceKeys.member(member.workspace, member.uuid), type: ITEM_TYPE.member, ...member };
}
export function toMember(item: Item): Member {
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

export function topicItem(topic: Topic) {
  return { ...topicKeys.topic(topic.workspace, topic.uuid), type: ITEM_TYPE.topic, ...topic };
}
export function toTopic(item: Item): Topic {
  return { workspace: str(item, 'workspace'), uuid: str(item, 'uuid'), name: str(item, 'name'), system: item.system === true, created_on: str(item, 'created_on') };
}

export function contactItem(contact: Contact) {
  const { open_ticket, ...rest } = contact;
  // open_ticket is absent rather than null when free: the open-ticket invariant is the condition attribute_not_exists(open_ticket).
  return { ...contactKeys.contact(contact.workspace, contact.uuid), type: ITEM_TYPE.contact, ...rest, ...(open_ticket ? { open_ticket } : {}) };
}
export function toContact(item: Item): Contact {
  return {
    workspace: str(item, 'workspace'),
    uuid: str(item, 'uuid'),
    name: strOrNull(item, 'name'),
    language: strOrNull(item, 'language'),
    urns: (item.urns as string[] | undefined) ?? [],
    fields: (item.fields as Record<string, string | null> | undefined) ?? {},
    open_ticket: strOrNull(item, 'open_ticket'),
    // Contacts stored before statuses and channels existed read as active, with no channel.
    status: (item.status as Contact['status'] | undefined) ?? 'active',
    last_channel: (item.last_channel as Contact['last_channel'] | undefined) ?? null,
    created_on: str(item, 'created_on'),
    modified_on: str(item, 'modified_on'),
    version: Number(item.version ?? 0),
  };
}
