// API tokens and sessions. Both are found by the sha256 of the secret a request
// carries (`TOKEN#<sha256>`, one GetItem in the authorizer); an API token also
// has an entry in its user's token list, written and deleted in the same
// transaction, so the user can list and revoke tokens without ever seeing
// their secrets again.
import type { StoredToken } from '#domain/people';
import type { TokenRepository } from '#use-cases/ports';
import { fromTokenItem, tokenKeys, toTokenItem, toTokenRefItem } from './entities/token';
import type { LabelledWrite, TableClient } from './table-client';

const NOT_EXISTS = 'attribute_not_exists(pk)';

/** The writes that store a token (for any transaction that issues one: signing in, accepting an invitation, creating an API token). */
export function tokenWrites(token: StoredToken): LabelledWrite[] {
  const writes: LabelledWrite[] = [{ label: 'token', write: { Put: { Item: toTokenItem(token), ConditionExpression: NOT_EXISTS } } }];
  if (token.kind === 'api') writes.push({ label: 'token_ref', write: { Put: { Item: toTokenRefItem(token), ConditionExpression: NOT_EXISTS } } });
  return writes;
}

export function createTokenRepository(table: TableClient): TokenRepository {
  return {
    async put(token) {
      await table.transactWrite(token.kind === 'session' ? 'session.create' : 'api_token.create', tokenWrites(token));
    },

    async findByHash(hash) {
      const item = await table.get('token.get', tokenKeys.token(hash));
      return item ? fromTokenItem(item) : null;
    },

    async listApiTokens(workspace, user) {
      const items = await table.queryAll('api_token.list', {
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': tokenKeys.userTokens(workspace, user) },
      });
      return items.map(fromTokenItem).sort((a, b) => a.created_on.localeCompare(b.created_on) || a.uuid.localeCompare(b.uuid));
    },

    async getApiToken(workspace, user, token) {
      const item = await table.get('api_token.get_ref', tokenKeys.userToken(workspace, user, token), true);
      return item ? fromTokenItem(item) : null;
    },

    async delete(token) {
      const writes: LabelledWrite[] = [{ label: 'token', write: { Delete: { Key: tokenKeys.token(token.hash) } } }];
      if (token.kind === 'api') writes.push({ label: 'token_ref', write: { Delete: { Key: tokenKeys.userToken(token.workspace, token.user, token.uuid) } } });
      await table.transactWrite(token.kind === 'session' ? 'session.delete' : 'api_token.delete', writes);
    },
  };
}
