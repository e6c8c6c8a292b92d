import { Logger } from '@aws-lambda-powertools/logger';

// One logger for the HTTP functions. The service name and level come from
// POWERTOOLS_SERVICE_NAME / POWERTOOLS_LOG_LEVEL, set on every function by the CDK stack.
export const logger = new Logger();
