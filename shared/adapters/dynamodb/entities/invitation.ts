// An invitation to a workspace, one pending per email (`WS#w#INVITATIONS` /
// `INVITATION#<email>`), and its secret's lookup item (`INVITE#<sha256>`), the
// way from the link's secret to the invitation. Both expire (TTL) with it.
import type { Invitation } from '#domain/people';
import type { Role } from '#domain/workspace';
import { epochSeconds, str, type StoredItem } from '../attributes';
import { ITEM_TYPE, workspacePk, type TableKey } from '../keys';
import { TTL_ATTRIBUTE } from '../table';
import type { Item } from '../table-client';

export const invitationKeys = {
  /** A workspace's pending invitations, one per email. */
  partition: (workspace: string) => `${workspacePk(workspace)}#INVITATIONS`,
  invitation: (workspace: string, email: string): TableKey => ({ pk: `${workspacePk(workspace)}#INVITATIONS`, sk: `INVITATION#${email}` }),
  /** The way from an invitation secret (its sha256) to the invitation. */
  secret: (sha256Hex: string): TableKey => ({ pk: `INVITE#${sha256Hex}`, sk: 'INVITE' }),
};

export type InvitationItem = StoredItem<TableKey & { type: typeof ITEM_TYPE.invitation; [TTL_ATTRIBUTE]: number } & Invitation>;
/** Carries the invitation's key. */
export type InvitationSecretItem = StoredItem<TableKey & { type: typeof ITEM_TYPE.invitationSecret; workspace: string; email: string; [TTL_ATTRIBUTE]: number }>;

export function toInvitationItem(invitation: Invitation): InvitationItem {
  return {
    ...invitationKeys.invitation(invitation.workspace, invitation.email),
    type: ITEM_TYPE.invitation,
    ...invitation,
    [TTL_ATTRIBUTE]: epochSeconds(invitation.expires_on),
  };
}

export function fromInvitationItem(item: Item): Invitation {
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

export function toInvitationSecretItem(invitation: Invitation): InvitationSecretItem {
  return {
    ...invitationKeys.secret(invitation.secret_hash),
    type: ITEM_TYPE.invitationSecret,
    workspace: invitation.workspace,
    email: invitation.email,
    [TTL_ATTRIBUTE]: epochSeconds(invitation.expires_on),
  };
}
