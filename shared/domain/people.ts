// People: users (one global identity per email), their passwords, invitations
// to a workspace, sessions and API tokens. Secrets — invitation secrets,
// session and API tokens — are random, shown once, and stored only as their
// sha256 (`hashTokenSecret`); passwords are stored as scrypt hashes with a
// per-user salt.
import { randomBytes, scrypt as scryptCallback, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { ValidationError } from './errors';
import { newId } from './ids';
import { ROLES, validateEmail, type Role } from './workspace';

export interface User {
  uuid: string;
  email: string;
  name: string;
  /** `scrypt$N$r$p$<salt>$<hash>` (base64url); null until the user accepts an invitation. */
  password_hash: string | null;
  created_on: string;
}

export const MAX_NAME_LENGTH = 128;
export const MIN_PASSWORD_LENGTH = 8;
export const MAX_PASSWORD_LENGTH = 256;

export function validateRole(role: string, field = 'role'): Role {
  if (!(ROLES as readonly string[]).includes(role)) throw new ValidationError(field, `The role must be one of ${ROLES.join(', ')}.`);
  return role as Role;
}

export function validatePersonName(name: string, field = 'name'): string {
  const trimmed = name.trim();
  if (trimmed === '') throw new ValidationError(field, 'Enter a name.');
  if (trimmed.length > MAX_NAME_LENGTH) throw new ValidationError(field, `The name is longer than ${MAX_NAME_LENGTH} characters.`);
  return trimmed;
}

export function validateNewPassword(password: string, field = 'password'): void {
  if (password.length < MIN_PASSWORD_LENGTH)
    throw new ValidationError(field, `The password needs at least ${MIN_PASSWORD_LENGTH} characters.`);
  if (password.length > MAX_PASSWORD_LENGTH)
    throw new ValidationError(field, `The password is longer than ${MAX_PASSWORD_LENGTH} characters.`);
}

export function newUser(input: { email: string; name: string }, now: string): User {
  return { uuid: newId(), email: validateEmail(input.email), name: input.name.trim(), password_hash: null, created_on: now };
}

// ---- passwords

/** OWASP's scrypt minimum (N=2^17, r=8, p=1): about 128 MiB and a tenth of a second per hash on a 1 GB Lambda. */
const SCRYPT = { N: 2 ** 17, r: 8, p: 1, keyLength: 64, saltLength: 16 } as const;

function scrypt(password: string, salt: Buffer, keyLength: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scryptCallback(password, salt, keyLength, { ...options, maxmem: 256 * options.N! * options.r! }, (error, key) => (error ? reject(error) : resolve(key))),
  );
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SCRYPT.saltLength);
  const key = await scrypt(password, salt, SCRYPT.keyLength, { N: SCRYPT.N, r: SCRYPT.r, p: SCRYPT.p });
  return ['scrypt', SCRYPT.N, SCRYPT.r, SCRYPT.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/**
 * Checks a password against a stored hash in constant time. With no stored
 * hash (unknown email, no password yet) it still spends the same work on a
 * throwaway hash, so the answer time does not tell whether the email exists.
 */
export async function verifyPassword(password: string, stored: string | null): Promise<boolean> {
  const parts = (stored ?? '').split('$');
  const [scheme, n, r, p, salt, key] = parts;
  if (parts.length !== 6 || scheme !== 'scrypt') {
    await scrypt(password, randomBytes(SCRYPT.saltLength), SCRYPT.keyLength, { N: SCRYPT.N, r: SCRYPT.r, p: SCRYPT.p });
    return false;
  }
  const expected = Buffer.from(key!, 'base64url');
  const actual = await scrypt(password, Buffer.from(salt!, 'base64url'), expected.length, { N: Number(n), r: Number(r), p: Number(p) });
  return timingSafeEqual(actual, expected);
}

// ---- secrets

/** A random secret of `hexLength` hex characters (4 bits each). */
export function newSecret(hexLength: number): string {
  return randomBytes(hexLength / 2).toString('hex');
}

/** RapidPro's invitation secrets have 64 characters. */
export const INVITATION_SECRET_LENGTH = 64;
export const SESSION_TOKEN_LENGTH = 64;
/** What a token list shows of a token, to tell tokens apart without revealing them. */
export const TOKEN_PREFIX_LENGTH = 8;

// ---- invitations

export const INVITATION_LIFETIME_DAYS = 30;
export const MAX_INVITATIONS_PER_REQUEST = 50;

export interface Invitation {
  workspace: string;
  uuid: string;
  email: string;
  role: Role;
  /** The administrator who invited. */
  invited_by: string;
  created_on: string;
  expires_on: string;
  /** sha256 of the secret sent in the invitation link. */
  secret_hash: string;
}

export function invitationExpiry(now: Date): Date {
  return new Date(now.getTime() + INVITATION_LIFETIME_DAYS * 24 * 3600 * 1000);
}

// ---- sessions

export const SESSION_LIFETIME_HOURS = 7 * 24;

export function sessionExpiry(now: Date): Date {
  return new Date(now.getTime() + SESSION_LIFETIME_HOURS * 3600 * 1000);
}

/**
 * What a token stands for: an API token (named, listed, revoked by its owner)
 * or a session (from signing in, until it expires or the user signs out).
 * Both are sent as `Authorization: Token <secret>` and stored by the sha256 of the secret.
 */
export interface StoredToken {
  hash: string;
  kind: 'api' | 'session';
  /** Id to list and revoke it by (API tokens). */
  uuid: string;
  workspace: string;
  user: string;
  name: string;
  /** The first characters of the secret, shown in lists. */
  prefix: string;
  created_on: string;
  /** Sessions only. */
  expires_on: string | null;
}
