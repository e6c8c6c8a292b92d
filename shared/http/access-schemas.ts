// Request and response schemas of the people-and-access routes: signing in,
// invitations, members, API tokens and workspace settings.
import * as z from 'zod';
import { MAX_INVITATIONS_PER_REQUEST, MAX_NAME_LENGTH, MAX_PASSWORD_LENGTH } from '#domain/people';
import { MAX_API_REQUESTS_PER_HOUR } from '#domain/rate-limit';
import { ROLES } from '#domain/workspace';
import { timestamp, userRefSchema } from './schemas';

const role = z.enum(ROLES as unknown as ['administrator', 'editor', 'viewer', 'agent']).meta({
  description: 'administrator: everything; editor: everything but managing people; agent: works tickets; viewer: reads only',
});
// Password rules (length) are checked by the domain so that a wrong password on
// sign-in is never told apart from a malformed one.
const password = z.string().min(1).max(MAX_PASSWORD_LENGTH);

export const sessionSchema = z
  .object({
    token: z.string().optional().meta({
      description:
        'Send as `Authorization: Token <token>`; shown only here. Absent when the request asked for a browser session (`X-Ticketer-Session: cookie`): the token is then set as an HttpOnly cookie with a CSRF cookie beside it (docs/access.md).',
    }),
    expires_on: timestamp,
    user: userRefSchema,
    workspace: z.object({ uuid: z.uuid(), name: z.string() }),
    role,
  })
  .meta({ id: 'Session' });

export const signInRequestSchema = z
  .object({
    email: z.string().min(1).max(254),
    password,
    workspace: z.uuid().optional().meta({ description: 'Needed only by people who belong to several workspaces' }),
  })
  .meta({ id: 'SignInRequest' });

const invitationSecret = z.string().min(1).max(256).meta({ description: 'The `secret` of the invitation link' });

export const acceptInvitationRequestSchema = z
  .object({
    secret: invitationSecret,
    name: z.string().trim().min(1).max(MAX_NAME_LENGTH).optional().meta({ description: 'Required for a new account' }),
    password: password.meta({ description: 'A new password (at least 8 characters), or the existing account\'s password' }),
  })
  .meta({ id: 'AcceptInvitationRequest' });

export const invitationSecretQuery = z.object({ secret: invitationSecret });
export const acceptPageHeaders = z.object({
  accept: z.string().max(4096).optional().meta({ description: '`text/html` (as browsers send it): the accept page; otherwise JSON' }),
});
export const invitationDescriptionSchema = z
  .object({ email: z.string(), role, workspace: z.object({ uuid: z.uuid(), name: z.string() }), expires_on: timestamp })
  .meta({ id: 'InvitationDescription' });

export const memberSchema = z
  .object({
    uuid: z.uuid(),
    email: z.string(),
    name: z.string(),
    role,
    can_reply_non_own: z.boolean().meta({ description: 'May reply to tickets assigned to someone else (RapidPro\'s flag; default true)' }),
    created_on: timestamp,
  })
  .meta({ id: 'Member' });
export const memberListSchema = z.object({ results: z.array(memberSchema) }).meta({ id: 'MemberList' });
export const changeRoleRequestSchema = z
  .object({ role: role.optional(), can_reply_non_own: z.boolean().optional() })
  .refine((body) => body.role !== undefined || body.can_reply_non_own !== undefined, { message: 'Give a role or can_reply_non_own.' })
  .meta({ id: 'ChangeMemberRequest', description: 'The role and/or the member\'s flags; only what is given changes.' });

export const invitationSchema = z
  .object({ uuid: z.uuid(), email: z.string(), role, invited_by: userRefSchema, created_on: timestamp, expires_on: timestamp })
  .meta({ id: 'Invitation' });
export const invitationListSchema = z.object({ results: z.array(invitationSchema) }).meta({ id: 'InvitationList' });
export const inviteRequestSchema = z
  .object({ emails: z.array(z.string().min(1).max(254)).min(1).max(MAX_INVITATIONS_PER_REQUEST), role })
  .meta({ id: 'InviteRequest' });

export const apiTokenSchema = z
  .object({
    uuid: z.uuid(),
    name: z.string(),
    prefix: z.string().meta({ description: 'The first characters of the token, to recognize it' }),
    created_on: timestamp,
  })
  .meta({ id: 'ApiToken' });
export const apiTokenListSchema = z.object({ results: z.array(apiTokenSchema) }).meta({ id: 'ApiTokenList' });
export const createdApiTokenSchema = apiTokenSchema
  .extend({ token: z.string().meta({ description: 'The token itself: shown once, never again' }) })
  .meta({ id: 'CreatedApiToken' });
export const createTokenRequestSchema = z.object({ name: z.string().trim().min(1).max(64) }).meta({ id: 'CreateTokenRequest' });

export const workspaceSchema = z
  .object({
    uuid: z.uuid(),
    name: z.string(),
    api_rate_limit: z.number().int().nullable().meta({ description: 'API requests an hour; null: the deployment default (3600)' }),
    pause_bot_during_tickets: z.boolean().meta({ description: 'While a contact has an open ticket, its messages go to the agents only: no flow resumes or starts (default true)' }),
    created_on: timestamp,
  })
  .meta({ id: 'Workspace' });
export const workspaceSettingsRequestSchema = z
  .object({
    name: z.string().trim().min(1).max(128).optional(),
    api_rate_limit: z.number().int().min(1).max(MAX_API_REQUESTS_PER_HOUR).nullable().optional(),
    pause_bot_during_tickets: z.boolean().optional().meta({ description: 'Administrators only' }),
  })
  .meta({ id: 'WorkspaceSettingsRequest' });

export const meSchema = z.object({ user: userRefSchema, workspace: workspaceSchema, role }).meta({ id: 'Me' });

export const userParams = z.object({ user: z.uuid() });
export const invitationParams = z.object({ invitation: z.uuid() });
export const tokenParams = z.object({ token: z.uuid() });
