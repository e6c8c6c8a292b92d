// API tokens and sessions, both found by the sha256 of the secret a request
// carries (`TOKEN#<sha256>` / `TOKEN`, one GetItem in the authorizer), and an
// API token's entry in its user's token list (the same attributes, keyed by
// the token's id), so tokens can be listed and revoked without their secrets.
import type { StoredToken } from '#domain/people';
import { epochSeconds, str, strOrNull, type StoredItem } from '../attributes';
import { ITEM_TYPE, workspacePk, type TableKey } from '../keys';
import { TTL_ATTRIBUTE } from '../table';
import type { Item } from '../table-client';

export const tokenKeys = {
  token: (sha256Hex: string): TableKey => ({ pk: `TOKEN#${sha256Hex}`, sk: 'TOKEN' }),
  /** A user's API tokens in a workspace, for listing and revoking by id. */
  userTokens: (workspace: string, user: string) => `${workspacePk(workspace)}#USER#${user}#TOKENS`,
  userToken: (workspace: string, user: string, token: string): TableKey => ({ pk: tokenKeys.userTokens(workspace, user), sk: `TOKEN#${token}` }),
};

/** Sessions expire (TTL); API tokens do not. */
export type TokenItem = StoredItem<TableKey & { type: typeof ITEM_TYPE.session | typeof ITEM_TYPE.apiToken; [TTL_ATTRIBUTE]?: number } & StoredToken>;
export type TokenRefItem = StoredItem<TableKey & { type: typeof ITEM_TYPE.apiTokenRef } & StoredToken>;

export function toTokenItem(token: StoredToken): TokenItem {
  return {
    ...tokenKeys.token(token.hash),
    type: token.kind === 'session' ? ITEM_TYPE.session : ITEM_TYPE.apiToken,
    ...token,
    ...(token.expires_on ? { [TTL_ATTRIBUTE]: epochSeconds(token.expires_on) } : {}),
  };
}

export function toTokenRefItem(token: StoredToken): TokenRefItem {
  return { ...tokenKeys.userToken(token.workspace, token.user, token.uuid), type: ITEM_TYPE.apiTokenRef, ...token };
}

/** A token item or a list entry: both hold the token's attributes. */
export function fromTokenItem(item: Item): StoredToken {
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
