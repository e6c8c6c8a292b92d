import { createHash, randomBytes } from 'node:crypto';
import { ValidationError } from './errors';
import { newId } from './ids';

export type Role = 'administrator' | 'editor' | 'viewer' | 'agent';
export const ROLES: readonly Role[] = ['administrator', 'editor', 'viewer', 'agent'];

export interface Workspace {
  uuid: string;
  name: string;
  created_on: string;
}

/** A user's membership of one workspace (a user may belong to several). */
export interface Member {
  workspace: string;
  uuid: string;
  email: string;
  name: string;
  role: Role;
  created_on: string;
}

/** An API token: only the sha256 of its secret is ever stored. */
export interface ApiToken {
  hash: string;
  workspace: string;
  user: string;
  name: string;
  created_on: string;
}

export const MAX_WORKSPACE_NAME_LENGTH = 128;

export function newWorkspace(name: string, now: string): Workspace {
  const trimmed = name.trim();
  if (trimmed === '') throw new ValidationError('name', 'The workspace needs a name.');
  if (trimmed.length > MAX_WORKSPACE_NAME_LENGTH)
    throw new ValidationError('name', `The workspace name is longer than ${MAX_WORKSPACE_NAME_LENGTH} characters.`);
  return { uuid: newId(), name: trimmed, created_on: now };
}

/** Emails identify members case-insensitively. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export function newMember(
  input: { workspace: string; email: string; name: string; role: Role },
  now: string,
): Member {
  const email = normalizeEmail(input.email);
  if (!/^[^@\s]+@[^@\s]+$/.test(email)) throw new ValidationError('email', 'Enter a valid email address.');
  if (!ROLES.includes(input.role)) throw new ValidationError('role', `The role must be one of ${ROLES.join(', ')}.`);
  return { workspace: input.workspace, uuid: newId(), email, name: input.name.trim(), role: input.role, created_on: now };
}

/** A new API token secret: 40 hex characters, like RapidPro's API keys. */
export function newTokenSecret(): string {
  return randomBytes(20).toString('hex');
}

/** Tokens are stored and looked up by the sha256 of their secret, never the secret itself. */
export function hashTokenSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}
