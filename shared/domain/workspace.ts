import { createHash, randomBytes } from 'node:crypto';
import { ValidationError } from './errors';
import { newId } from './ids';

export type Role = 'administrator' | 'editor' | 'viewer' | 'agent';
export const ROLES: readonly Role[] = ['administrator', 'editor', 'viewer', 'agent'];

export interface Workspace {
  uuid: string;
  name: string;
  /** API requests an hour for this workspace; null = the deployment's default (API_RATE_LIMIT_PER_HOUR). */
  api_rate_limit: number | null;
  /**
   * While a contact has an open ticket its messages go to the agents only: no
   * flow is resumed or started (default on; absent reads as on). Off: RapidPro's
   * behaviour, flows and keyword triggers run as usual (the message still joins the ticket).
   */
  pause_bot_during_tickets?: boolean;
  created_on: string;
}

export function pausesBotDuringTickets(workspace: Pick<Workspace, 'pause_bot_during_tickets'>): boolean {
  return workspace.pause_bot_during_tickets !== false;
}

/** A user's membership of one workspace (a user may belong to several). */
export interface Member {
  workspace: string;
  uuid: string;
  email: string;
  name: string;
  role: Role;
  /** RapidPro's flag: may this member reply to tickets assigned to someone else? Absent reads as true. */
  can_reply_non_own?: boolean;
  created_on: string;
}

export const MAX_WORKSPACE_NAME_LENGTH = 128;

export function validateWorkspaceName(name: string): string {
  const trimmed = name.trim();
  if (trimmed === '') throw new ValidationError('name', 'The workspace needs a name.');
  if (trimmed.length > MAX_WORKSPACE_NAME_LENGTH)
    throw new ValidationError('name', `The workspace name is longer than ${MAX_WORKSPACE_NAME_LENGTH} characters.`);
  return trimmed;
}

export function newWorkspace(name: string, now: string): Workspace {
  return { uuid: newId(), name: validateWorkspaceName(name), api_rate_limit: null, created_on: now };
}

/** Emails identify members case-insensitively. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export function validateEmail(email: string, field = 'email'): string {
  const normalized = normalizeEmail(email);
  if (normalized.length > 254 || !/^[^@\s]+@[^@\s]+$/.test(normalized)) throw new ValidationError(field, 'Enter a valid email address.');
  return normalized;
}

/** A membership of `user` (the user's global uuid; a new one when absent). */
export function newMember(
  input: { workspace: string; email: string; name: string; role: Role; user?: string },
  now: string,
): Member {
  const email = validateEmail(input.email);
  if (!ROLES.includes(input.role)) throw new ValidationError('role', `The role must be one of ${ROLES.join(', ')}.`);
  return { workspace: input.workspace, uuid: input.user ?? newId(), email, name: input.name.trim(), role: input.role, created_on: now };
}

/** A new API token secret: 40 hex characters, like RapidPro's API keys. */
export function newTokenSecret(): string {
  return randomBytes(20).toString('hex');
}

/** Secrets (tokens, invitation secrets) are stored and looked up by their sha256, never the secret itself. */
export function hashTokenSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}
