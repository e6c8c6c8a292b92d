import { z } from 'zod';

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
