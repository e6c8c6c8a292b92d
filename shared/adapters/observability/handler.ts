// `observed(handler)`: what every function that is not a middy pipeline wraps
// its handler in (the HTTP functions, authorizers and live connections get the
// same from middy middlewares): the Lambda context on every log line (with
// `cold_start`), and the metrics the invocation recorded flushed as one EMF
// line when it ends, whether it returned or threw.
import type { Context } from 'aws-lambda';
import { logger } from './logger';
import { flushMetrics } from './metrics';

export function observed<Event, Result>(handler: (event: Event, context?: Context) => Promise<Result>): (event: Event, context?: Context) => Promise<Result> {
  return async (event, context) => {
    if (context) logger.addContext(context);
    try {
      return await handler(event, context);
    } finally {
      flushMetrics();
    }
  };
}
