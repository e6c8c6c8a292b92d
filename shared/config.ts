// The environment, read and validated once when a function starts.
import { z } from 'zod';

const environment = z.object({
  TABLE_NAME: z.string({ error: 'TABLE_NAME is not set: the name of the Ticketer table.' }).min(1, 'TABLE_NAME is empty.'),
  POWERTOOLS_SERVICE_NAME: z.string().min(1).default('ticketer'),
});

export type Config = z.infer<typeof environment>;

export function parseConfig(env: NodeJS.ProcessEnv): Config {
  const parsed = environment.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => issue.message).join('; ');
    throw new Error(`Invalid environment: ${problems}`);
  }
  return parsed.data;
}

export const config: Config = parseConfig(process.env);
