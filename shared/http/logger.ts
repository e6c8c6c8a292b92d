// The HTTP functions' logger is the one logger of every function (shared/adapters/observability/logger.ts).
export { logger } from '#adapters/observability/logger';
