// Workspaces, members and API tokens (issue 2 level: roles are stored and
// returned; what each role may do grows in a later issue).
import { NotFoundError } from '#domain/errors';
import { newSystemTopic } from '#domain/topic';
import { hashTokenSecret, newMember, newTokenSecret, newWorkspace, type Role } from '#domain/workspace';
import type { Actor, UseCaseContext } from './context';
import { memberView, type MemberView, type UserRef } from './views';

export function createAccessUseCases(context: UseCaseContext) {
  const { repos } = context;
  return {
    /** The workspace, user and role an API token stands for, or null for an unknown (or orphaned) token. */
    async resolveApiToken(secret: string): Promise<{ workspace: string; user: string; role: Role } | null> {
      if (secret.length === 0) return null;
      const token = await repos.workspaces.findApiToken(hashTokenSecret(secret));
      if (!token) return null;
      const member = await repos.workspaces.getMember(token.workspace, token.user);
      return member ? { workspace: token.workspace, user: member.uuid, role: member.role } : null;
    },

    async createWorkspace({ name }: { name: string }): Promise<{ uuid: string; name: string }> {
      const now = context.now();
      const workspace = newWorkspace(name, now);
      await repos.workspaces.create(workspace, newSystemTopic(workspace.uuid, now));
      return { uuid: workspace.uuid, name: workspace.name };
    },

    async addMember(input: { workspace: string; email: string; name: string; role: Role }): Promise<UserRef> {
      const member = newMember(input, context.now());
      await repos.workspaces.addMember(member);
      return { uuid: member.uuid, email: member.email, name: member.name };
    },

    /** A new token for a member; the secret is returned once and only its hash is stored. */
    async issueApiToken({ workspace, user, name }: { workspace: string; user: string; name: string }): Promise<{ token: string }> {
      const member = await repos.workspaces.getMember(workspace, user);
      if (!member) throw new NotFoundError('user_not_found', 'No such member of this workspace.');
      const token = newTokenSecret();
      await repos.workspaces.putApiToken({ hash: hashTokenSecret(token), workspace, user, name, created_on: context.now() });
      return { token };
    },

    async listMembers({ actor }: { actor: Actor }): Promise<MemberView[]> {
      const directory = await context.directory(actor.workspace);
      return directory.members.map(memberView);
    },
  };
}
