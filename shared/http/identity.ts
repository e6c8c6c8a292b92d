import * as z from 'zod';

/** What the authorizer puts in `requestContext.authorizer.lambda` and every route reads. */
export const identitySchema = z.object({
  workspace: z.string().min(1),
  user: z.string().min(1),
  role: z.enum(['administrator', 'editor', 'viewer', 'agent']),
  /** The workspace's own API limit (requests an hour), when it has one; otherwise the deployment's default applies. */
  api_rate_limit: z.coerce.number().int().positive().optional(),
});
export type Identity = z.infer<typeof identitySchema>;
export type Role = Identity['role'];

/** The scheme spelled exactly `Token`, one space, then the key in token68 characters (RFC 9110). */
const TOKEN_HEADER = /^Token ([A-Za-z0-9._~+/=-]+)$/;

/**
 * `Authorization: Token <key>`, as RapidPro clients send it: the key (an API
 * token or a session token), or null when the header is missing or has another
 * form (another scheme, a lowercase `token`, no key). The authorizer and the
 * routes that need the key itself (signing out) read it through this one grammar.
 */
export function readTokenHeader(headers: Record<string, string | undefined> | undefined): string | null {
  return TOKEN_HEADER.exec(headers?.authorization ?? '')?.[1] ?? null;
}
