// What every HTTP function lets in: requests within their workspace's API rate
// limit (its own, when set, else API_RATE_LIMIT_PER_HOUR). One conditional
// UpdateItem on the workspace's counter of the current hour per request.
import { useCases } from '#composition';
import { config } from '#config';
import type { HttpHandlerOptions } from './handler';

export const workspaceRateLimit: HttpHandlerOptions = {
  admit: (identity) =>
    useCases.admitApiRequest({ workspace: identity.workspace, limitPerHour: identity.api_rate_limit ?? config.API_RATE_LIMIT_PER_HOUR }),
};
