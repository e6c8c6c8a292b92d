// "Manage Logins": an administrator invites people by email with a role; each
// invitation carries a random secret (only its sha256 is stored) in a link
// sent through the mail port, and expires after 30 days. Accepting sets the
// person's name and password (or, for someone who already has a Ticketer
// account, asks for its password), joins the workspace with the role and signs
// the person in — all in one transaction with the invitation's removal.
import { ConflictError, NotFoundError, UnauthorizedError, ValidationError } from '#domain/errors';
import { newId } from '#domain/ids';
import {
  hashPassword,
  INVITATION_SECRET_LENGTH,
  invitationExpiry,
  MAX_INVITATIONS_PER_REQUEST,
  newSecret,
  newUser,
  validateNewPassword,
  validatePersonName,
  validateRole,
  verifyPassword,
  type Invitation,
} from '#domain/people';
import { formatTimestamp } from '#domain/time';
import { hashTokenSecret, newMember, validateEmail, type Role } from '#domain/workspace';
import { newSession, type SessionView } from './access';
import type { Actor, UseCaseContext } from './context';
import type { UserWrite } from './ports';
import { retryOnStaleWrite } from './retry';
import { ViewContext, type UserRef } from './views';

export type InvitationView = { uuid: string; email: string; role: Role; invited_by: UserRef; created_on: string; expires_on: string };
/** What the invited person sees before accepting: who is invited, to what, with which role, until when. */
export type InvitationDescription = { email: string; role: Role; workspace: { uuid: string; name: string }; expires_on: string };

const SECRET_PATTERN = new RegExp(`^[0-9a-f]{${INVITATION_SECRET_LENGTH}}$`);

function invitationNotFound(): NotFoundError {
  return new NotFoundError('invitation_not_found', 'This invitation is not valid: it was revoked, already used, or the link is incomplete.');
}

export function createInvitationUseCases(context: UseCaseContext) {
  const { repos, deps } = context;

  /** The configured accept page (the agent UI) wins over the caller's fallback (the API's own accept route). */
  function invitationLink(secret: string, fallbackAcceptUrl: string | undefined): string {
    const page = deps.invitationAcceptUrl ?? fallbackAcceptUrl;
    if (!page) throw new Error('No invitation accept URL: set INVITATION_ACCEPT_URL or pass acceptUrl.');
    const url = new URL(page);
    url.searchParams.set('secret', secret);
    return url.toString();
  }

  /** The pending invitation a link's secret stands for; 404 for a wrong, used, revoked or expired one. */
  async function pendingInvitation(secret: string): Promise<Invitation> {
    if (!SECRET_PATTERN.test(secret)) throw invitationNotFound();
    const invitation = await repos.people.findInvitationBySecretHash(hashTokenSecret(secret));
    if (!invitation) throw invitationNotFound();
    if (invitation.expires_on <= context.now())
      throw new NotFoundError('invitation_expired', 'This invitation has expired; ask an administrator for a new one.');
    return invitation;
  }

  return {
    /**
     * Invites each email with the role. Every email is checked before any
     * invitation is stored: a member already, or a pending invitation, refuses
     * the whole request (409 naming the email).
     */
    async inviteMembers({
      actor,
      emails,
      role,
      acceptUrl,
    }: {
      actor: Actor & { user: string };
      emails: string[];
      role: Role;
      /** Where the link leads when no accept page is configured. */
      acceptUrl?: string;
    }): Promise<InvitationView[]> {
      validateRole(role);
      if (emails.length === 0 || emails.length > MAX_INVITATIONS_PER_REQUEST)
        throw new ValidationError('emails', `Invite 1 to ${MAX_INVITATIONS_PER_REQUEST} emails at a time.`);
      const normalized = [...new Set(emails.map((email, index) => validateEmail(email, `emails.${index}`)))];
      const mail = deps.mail;
      if (!mail) throw new Error('No mail sender is configured: invitations cannot be sent.');

      const directory = await context.directory(actor.workspace, { consistent: true });
      const now = context.now();
      const pending = await Promise.all(normalized.map((email) => repos.people.findInvitation(actor.workspace, email)));
      normalized.forEach((email, index) => {
        if (directory.members.some((member) => member.email === email))
          throw new ConflictError('member_exists', `${email} is already a member of this workspace.`);
        const invitation = pending[index];
        if (invitation && invitation.expires_on > now) throw new ConflictError('invitation_exists', `${email} already has a pending invitation.`);
      });

      const views = new ViewContext(directory);
      const inviter = views.userRef(actor.user);
      const expires = formatTimestamp(invitationExpiry(context.clock()));
      const invited: InvitationView[] = [];
      for (const email of normalized) {
        const secret = newSecret(INVITATION_SECRET_LENGTH);
        const invitation: Invitation = {
          workspace: actor.workspace,
          uuid: newId(),
          email,
          role,
          invited_by: actor.user,
          created_on: now,
          expires_on: expires,
          secret_hash: hashTokenSecret(secret),
        };
        await repos.people.putInvitation(invitation, now);
        try {
          await mail.send({
            to: email,
            subject: `${inviter.name || inviter.email} invites you to ${directory.workspace.name} on Ticketer`,
            text: [
              `${inviter.name || inviter.email} invites you to join the workspace "${directory.workspace.name}" on Ticketer as ${role}.`,
              '',
              `Accept the invitation by choosing your name and password here (the link is valid until ${expires}):`,
              invitationLink(secret, acceptUrl),
              '',
              'If you did not expect this invitation, ignore this message.',
            ].join('\n'),
          });
        } catch (error) {
          // An invitation nobody received cannot be accepted; take it back so it can be sent again.
          await repos.people.deleteInvitation(invitation);
          throw error;
        }
        invited.push({ uuid: invitation.uuid, email, role, invited_by: inviter, created_on: now, expires_on: expires });
      }
      return invited;
    },

    /** Pending invitations, oldest first (expired ones are left out). */
    async listInvitations({ actor }: { actor: Actor }): Promise<InvitationView[]> {
      const [directory, invitations] = await Promise.all([context.directory(actor.workspace), repos.people.listInvitations(actor.workspace)]);
      const views = new ViewContext(directory);
      const now = context.now();
      return invitations
        .filter((invitation) => invitation.expires_on > now)
        .sort((a, b) => a.created_on.localeCompare(b.created_on) || a.email.localeCompare(b.email))
        .map((invitation) => ({
          uuid: invitation.uuid,
          email: invitation.email,
          role: invitation.role,
          invited_by: views.userRef(invitation.invited_by),
          created_on: invitation.created_on,
          expires_on: invitation.expires_on,
        }));
    },

    async revokeInvitation({ actor, invitation }: { actor: Actor; invitation: string }): Promise<void> {
      const found = (await repos.people.listInvitations(actor.workspace)).find((candidate) => candidate.uuid === invitation);
      if (!found) throw new NotFoundError('invitation_not_found', 'No such invitation.');
      await repos.people.deleteInvitation(found);
    },

    /** The invitation a link leads to, read without using it up (the accept page shows it). */
    async describeInvitation({ secret }: { secret: string }): Promise<InvitationDescription> {
      const invitation = await pendingInvitation(secret);
      const workspace = await repos.workspaces.getWorkspace(invitation.workspace);
      // The workspace went away under its invitation: nothing is left to join.
      if (!workspace) throw invitationNotFound();
      return {
        email: invitation.email,
        role: invitation.role,
        workspace: { uuid: workspace.uuid, name: workspace.name },
        expires_on: invitation.expires_on,
      };
    },

    /**
     * The invited person joins and is signed in. A new person sets name and
     * password; someone who already has a password (a member of another
     * workspace) proves it instead, so an invitation link can never take over
     * an existing account.
     */
    async acceptInvitation({ secret, name, password }: { secret: string; name?: string; password: string }): Promise<SessionView> {
      const invitation = await pendingInvitation(secret);
      const workspace = await context.directory(invitation.workspace);

      const existing = await repos.people.findUserByEmail(invitation.email, { consistent: true });
      let passwordHash: string | null = null;
      if (existing?.password_hash) {
        if (!(await verifyPassword(password, existing.password_hash)))
          throw new UnauthorizedError('invalid_credentials', 'This email already has a Ticketer account: enter its password to accept.');
      } else {
        validateNewPassword(password);
        if (name === undefined) throw new ValidationError('name', 'Enter a name.');
        passwordHash = await hashPassword(password);
      }
      const chosenName = name !== undefined ? validatePersonName(name) : existing!.name;

      return retryOnStaleWrite(async () => {
        const current = await repos.people.findUserByEmail(invitation.email, { consistent: true });
        let user: UserWrite;
        if (current?.password_hash) {
          // Became an account meanwhile (another invitation accepted at the same time): its password was not checked.
          if (passwordHash !== null) throw new ConflictError('account_exists', 'This email got a Ticketer account meanwhile; accept again with its password.');
          user = { kind: 'existing', user: current };
        } else if (current) {
          user = { kind: 'set_password', user: { ...current, name: chosenName, password_hash: passwordHash } };
        } else {
          user = { kind: 'create', user: { ...newUser({ email: invitation.email, name: chosenName }, context.now()), password_hash: passwordHash } };
        }
        const member = newMember({ workspace: invitation.workspace, email: invitation.email, name: chosenName, role: invitation.role, user: user.user.uuid }, context.now());
        const session = newSession(context, member);
        await repos.people.addMember({ member, user, acceptedInvitation: invitation, session: session.token });
        return {
          token: session.secret,
          expires_on: session.token.expires_on!,
          user: { uuid: member.uuid, email: member.email, name: member.name },
          workspace: { uuid: workspace.workspace.uuid, name: workspace.workspace.name },
          role: member.role,
        };
      });
    },
  };
}
