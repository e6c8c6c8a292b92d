import { z } from 'zod';

/** What the authorizer puts in `requestContext.authorizer.lambda` and every route reads. */
export const identitySchema = z.object({
  workspace: z.string().min(1),
  user: z.string().min(1),
  role: z.enum(['administrator', 'editor', 'viewer', 'agent']),
});
export type Identity = z.infer<typeof identitySchema>;
export type Role = Identity['role'];
