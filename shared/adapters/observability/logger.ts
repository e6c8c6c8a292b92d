// The one Powertools Logger of every function (each Lambda bundle has its own
// instance). The service name and level come from POWERTOOLS_SERVICE_NAME /
// POWERTOOLS_LOG_LEVEL, set on every function by the TicketerFunction
// construct; outside Lambda (tests, scripts) the service is still `ticketer`,
// never Powertools' `service_undefined`.
import { Logger } from '@aws-lambda-powertools/logger';
import { SERVICE_NAME } from './metric-names';

export { SERVICE_NAME };

export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME || SERVICE_NAME });
