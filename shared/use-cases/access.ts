// Workspaces, members, sign-in, sessions, API tokens and rate limits. What
// each role may call is decided at the entry points through
// shared/domain/permissions.ts; these use cases keep the data rules (the last
// administrator stays, tokens resolve only while their membership lasts).
import { ForbiddenError, NotFoundError, UnauthorizedError, ValidationError } from '#domain/errors';
import { newId } from '#domain/ids';
import {
  newSecret,
  newUser,
  SESSION_TOKEN_LENGTH,
  sessionExpiry,
  TOKEN_PREFIX_LENGTH,
  validateRole,
  verifyPassword,
  type StoredToken,
} from '#domain/people';
import { API_RATE_WINDOW_SECONDS, fixedWindow, MAX_API_REQUESTS_PER_HOUR, rateLimited, SIGN_IN_RATE_LIMIT } from '#domain/rate-limit';
import { formatTimestamp } from '#domain/time';
import { newSystemTopic } from '#domain/topic';
import {
  hashTokenSecret,
  newMember,
  newTokenSecret,
  newWorkspace,
  normalizeEmail,
  pausesBotDuringTickets,
  validateEmail,
  validateWorkspaceName,
  type Member,
  type Role,
  type Workspace,
} from '#domain/workspace';
import type { Actor, UseCaseContext } from './context';
import { retryOnStaleWrite } from './retry';
import { memberView, type MemberView, type UserRef } from './views';

/** What a token stands for, as the authorizer passes it on to every route. */
export interface ResolvedToken {
  workspace: string;
  user: string;
  role: Role;
  /** The workspace's own API limit (requests an hour), when it has one. */
  api_rate_limit?: number;
}

export type ApiTokenView = { uuid: string; name: string; prefix: string; created_on: string };
export type WorkspaceView = { uuid: string; name: string; api_rate_limit: number | null; pause_bot_during_tickets: boolean; created_on: string };

function workspaceView(workspace: Workspace): WorkspaceView {
  const { uuid, name, api_rate_limit, created_on } = workspace;
  return { uuid, name, api_rate_limit, pause_bot_during_tickets: pausesBotDuringTickets(workspace), created_on };
}

/** Signing in and accepting an invitation both answer with a new session. */
export type SessionView = {
  token: string;
  expires_on: string;
  user: UserRef;
  workspace: { uuid: string; name: string };
  role: Role;
};

export const MAX_TOKEN_NAME_LENGTH = 64;

function invalidCredentials(): UnauthorizedError {
  return new UnauthorizedError('invalid_credentials', 'Wrong email or password.');
}

function memberNotFound(): NotFoundError {
  return new NotFoundError('member_not_found', 'No such member of this workspace.');
}

function tokenView(token: StoredToken): ApiTokenView {
  return { uuid: token.uuid, name: token.name, prefix: token.prefix, created_on: token.created_on };
}

/** A new token record for `secret`; only its hash and first characters are stored. */
function tokenRecord(
  context: UseCaseContext,
  secret: string,
  fields: Pick<StoredToken, 'kind' | 'workspace' | 'user' | 'name' | 'expires_on'>,
): StoredToken {
  return { ...fields, hash: hashTokenSecret(secret), uuid: newId(), prefix: secret.slice(0, TOKEN_PREFIX_LENGTH), created_on: context.now() };
}

/** A new session for a member (after signing in or accepting an invitation); the secret is returned once, never stored. */
export function newSession(context: UseCaseContext, member: Member): { secret: string; token: StoredToken } {
  const secret = newSecret(SESSION_TOKEN_LENGTH);
  const expires = formatTimestamp(sessionExpiry(context.clock()));
  return { secret, token: tokenRecord(context, secret, { kind: 'session', workspace: member.workspace, user: member.uuid, name: 'session', expires_on: expires }) };
}

export function createAccessUseCases(context: UseCaseContext) {
  const { repos } = context;

  async function requireMember(workspace: string, user: string): Promise<Member> {
    const member = await repos.workspaces.getMember(workspace, user);
    if (!member) throw memberNotFound();
    return member;
  }

  async function workspaceOf(workspace: string) {
    const found = await repos.workspaces.getWorkspace(workspace);
    if (!found) throw new NotFoundError('workspace_not_found', 'No such workspace.');
    return found;
  }

  return {
    /**
     * The workspace, user and role an API token or session stands for, or null:
     * unknown, expired, or from a membership that ended (a member removed and
     * invited again does not get their old tokens back).
     */
    async resolveApiToken(secret: string): Promise<ResolvedToken | null> {
      if (secret.length === 0) return null;
      const token = await repos.tokens.findByHash(hashTokenSecret(secret));
      if (!token) return null;
      // DynamoDB's TTL deletes expired sessions some time after they expire.
      if (token.expires_on !== null && token.expires_on <= context.now()) return null;
      const [member, workspace] = await Promise.all([
        repos.workspaces.getMember(token.workspace, token.user),
        repos.workspaces.getWorkspace(token.workspace),
      ]);
      if (!member || !workspace || token.created_on < member.created_on) return null;
      return {
        workspace: token.workspace,
        user: member.uuid,
        role: member.role,
        ...(workspace.api_rate_limit !== null ? { api_rate_limit: workspace.api_rate_limit } : {}),
      };
    },

    async createWorkspace({ name }: { name: string }): Promise<{ uuid: string; name: string }> {
      const now = context.now();
      const workspace = newWorkspace(name, now);
      await repos.workspaces.create(workspace, newSystemTopic(workspace.uuid, now));
      return { uuid: workspace.uuid, name: workspace.name };
    },

    /** Adds a person directly (the local seed, tests); people normally join by accepting an invitation. */
    async addMember(input: { workspace: string; email: string; name: string; role: Role }): Promise<UserRef> {
      const email = validateEmail(input.email);
      validateRole(input.role);
      return retryOnStaleWrite(async () => {
        const existing = await repos.people.findUserByEmail(email, { consistent: true });
        const user = existing ?? newUser({ email, name: input.name }, context.now());
        const member = newMember({ ...input, email, user: user.uuid }, context.now());
        await repos.people.addMember({ member, user: existing ? { kind: 'existing', user } : { kind: 'create', user } });
        return { uuid: member.uuid, email: member.email, name: member.name };
      });
    },

    /** A new API token for a member; the secret is returned once and only its hash is stored. */
    async issueApiToken({ workspace, user, name }: { workspace: string; user: string; name: string }): Promise<ApiTokenView & { token: string }> {
      const trimmed = name.trim();
      if (trimmed === '' || trimmed.length > MAX_TOKEN_NAME_LENGTH)
        throw new ValidationError('name', `The token needs a name of 1 to ${MAX_TOKEN_NAME_LENGTH} characters.`);
      const member = await repos.workspaces.getMember(workspace, user);
      if (!member) throw new NotFoundError('user_not_found', 'No such member of this workspace.');
      const secret = newTokenSecret();
      const token = tokenRecord(context, secret, { kind: 'api', workspace, user, name: trimmed, expires_on: null });
      await repos.tokens.put(token);
      return { token: secret, ...tokenView(token) };
    },

    async listApiTokens({ actor }: { actor: Actor & { user: string } }): Promise<ApiTokenView[]> {
      const [member, tokens] = await Promise.all([
        requireMember(actor.workspace, actor.user),
        repos.tokens.listApiTokens(actor.workspace, actor.user),
      ]);
      // Tokens of a former membership no longer resolve; they are not shown either.
      return tokens.filter((token) => token.created_on >= member.created_on).map(tokenView);
    },

    async revokeApiToken({ actor, token }: { actor: Actor & { user: string }; token: string }): Promise<void> {
      const stored = await repos.tokens.getApiToken(actor.workspace, actor.user, token);
      if (!stored) throw new NotFoundError('token_not_found', 'No such token.');
      await repos.tokens.delete(stored);
    },

    /**
     * Email and password → a session. Attempts are counted per email before
     * anything else (10 per 15 minutes); a wrong email and a wrong password
     * get the same answer, in the same time.
     */
    async signIn({ email, password, workspace }: { email: string; password: string; workspace?: string }): Promise<SessionView> {
      const normalized = normalizeEmail(email);
      const now = context.clock();
      const window = fixedWindow(now, SIGN_IN_RATE_LIMIT.windowSeconds);
      if (!(await repos.rateLimits.take({ kind: 'sign_in', emailHash: hashTokenSecret(normalized) }, window, SIGN_IN_RATE_LIMIT.limit)))
        throw rateLimited('too_many_sign_in_attempts', 'Too many sign-in attempts for this email; try again later.', window, now);
      const user = await repos.people.findUserByEmail(normalized);
      const passwordMatches = await verifyPassword(password, user?.password_hash ?? null);
      if (!user || !passwordMatches) throw invalidCredentials();
      const memberships = await repos.people.listMemberships(user.uuid);
      let chosen: string;
      if (workspace !== undefined) {
        if (!memberships.includes(workspace)) throw invalidCredentials();
        chosen = workspace;
      } else if (memberships.length === 1) {
        chosen = memberships[0]!;
      } else if (memberships.length === 0) {
        throw invalidCredentials();
      } else {
        throw new ValidationError('workspace', `You belong to several workspaces; name one of: ${memberships.join(', ')}.`, 'workspace_required');
      }
      const [member, found] = await Promise.all([requireMember(chosen, user.uuid), workspaceOf(chosen)]);
      const session = newSession(context, member);
      await repos.tokens.put(session.token);
      return {
        token: session.secret,
        expires_on: session.token.expires_on!,
        user: { uuid: user.uuid, email: user.email, name: member.name },
        workspace: { uuid: found.uuid, name: found.name },
        role: member.role,
      };
    },

    /** Ends the session the request was made with. */
    async signOut({ actor, secret }: { actor: Actor; secret: string }): Promise<void> {
      const token = await repos.tokens.findByHash(hashTokenSecret(secret));
      if (!token || token.workspace !== actor.workspace || token.user !== actor.user) throw new UnauthorizedError('unauthorized', 'Unknown token.');
      if (token.kind !== 'session')
        throw new ValidationError(null, 'This request was made with an API token; revoke it with DELETE /tokens/{token} instead.', 'not_a_session');
      await repos.tokens.delete(token);
    },

    /**
     * Counts one API request of the workspace in the current hour; RateLimitedError (429, Retry-After: to the
     * hour's end) beyond `limitPerHour`. Counted in batches (ApiRequestLimiter): most requests read and write nothing.
     */
    async admitApiRequest({ workspace, limitPerHour }: { workspace: string; limitPerHour: number }): Promise<void> {
      const now = context.clock();
      const window = fixedWindow(now, API_RATE_WINDOW_SECONDS);
      if (!(await repos.apiRequests.admit(workspace, window, limitPerHour, now)))
        throw rateLimited('rate_limited', `Request limit of ${limitPerHour} an hour reached for this workspace.`, window, now);
    },

    async listMembers({ actor }: { actor: Actor }): Promise<MemberView[]> {
      const directory = await context.directory(actor.workspace);
      return directory.members.map(memberView);
    },

    async changeMemberRole({ actor, user, role }: { actor: Actor; user: string; role: Role }): Promise<MemberView> {
      validateRole(role);
      return retryOnStaleWrite(async () => {
        const member = await requireMember(actor.workspace, user);
        if (member.role !== role) await repos.people.changeRole(member, role);
        return memberView({ ...member, role });
      });
    },

    /** PATCH /members/{user}: the role and/or the member's flags (`can_reply_non_own`), each only when given. */
    async updateMember({ actor, user, role, can_reply_non_own }: { actor: Actor; user: string; role?: Role; can_reply_non_own?: boolean }): Promise<MemberView> {
      if (role === undefined && can_reply_non_own === undefined) throw new ValidationError(null, 'Give a role or can_reply_non_own.');
      if (role !== undefined) validateRole(role);
      return retryOnStaleWrite(async () => {
        const member = await requireMember(actor.workspace, user);
        if (role !== undefined && member.role !== role) await repos.people.changeRole(member, role);
        if (can_reply_non_own !== undefined && !(await repos.people.setMemberFlags(member, { can_reply_non_own })))
          throw new NotFoundError('member_not_found', 'No such member.');
        return memberView({ ...member, ...(role !== undefined ? { role } : {}), ...(can_reply_non_own !== undefined ? { can_reply_non_own } : {}) });
      });
    },

    async removeMember({ actor, user }: { actor: Actor; user: string }): Promise<void> {
      await retryOnStaleWrite(async () => repos.people.removeMember(await requireMember(actor.workspace, user)));
    },

    async getWorkspace({ actor }: { actor: Actor }): Promise<WorkspaceView> {
      return workspaceView(await workspaceOf(actor.workspace));
    },

    /** Changes only the settings given; `api_rate_limit` null goes back to the deployment's default. */
    async updateWorkspace({ actor, name, api_rate_limit, pause_bot_during_tickets }: { actor: Actor; name?: string; api_rate_limit?: number | null; pause_bot_during_tickets?: boolean }): Promise<WorkspaceView> {
      if (pause_bot_during_tickets !== undefined) {
        // How contacts with open tickets are handled is the administrators' call (editors may rename and set limits).
        const member = actor.user ? await repos.workspaces.getMember(actor.workspace, actor.user) : null;
        if (member?.role !== 'administrator')
          throw new ForbiddenError('permission_denied', 'Only administrators may change pause_bot_during_tickets.');
      }
      if (api_rate_limit != null && (!Number.isInteger(api_rate_limit) || api_rate_limit < 1 || api_rate_limit > MAX_API_REQUESTS_PER_HOUR))
        throw new ValidationError('api_rate_limit', `The limit must be a whole number from 1 to ${MAX_API_REQUESTS_PER_HOUR}.`);
      // No read first: only the settings given are written, so a concurrent change of the other one stays.
      const stored = await repos.workspaces.updateSettings(actor.workspace, {
        ...(name !== undefined ? { name: validateWorkspaceName(name) } : {}),
        ...(api_rate_limit !== undefined ? { api_rate_limit } : {}),
        ...(pause_bot_during_tickets !== undefined ? { pause_bot_during_tickets } : {}),
      });
      return workspaceView(stored);
    },
  };
}
