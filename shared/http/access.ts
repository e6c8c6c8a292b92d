import { ForbiddenError } from '#domain/errors';
import type { Identity } from './identity';

// RapidPro lets agents (and 9.x viewers) use topics but not manage them.
const topicManagers: ReadonlySet<Identity['role']> = new Set(['administrator', 'editor']);

export function requireTopicManager(identity: Identity): void {
  if (!topicManagers.has(identity.role)) {
    throw new ForbiddenError('role_not_allowed', `The role ${identity.role} may not create or rename topics`);
  }
}
