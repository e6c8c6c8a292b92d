// `observed(handler)`: what every function that is not a middy pipeline wraps
// its handler in (the HTTP functions, authorizers and live connections get the
// same from middy middlewares): the Lambda context on every log line, the
// handler as an X-Ray subsegment with the cold-start annotation, and the
// metrics the invocation recorded flushed as one EMF line when it ends,
// whether it returned or threw.
import type { Context } from 'aws-lambda';
import { logger } from './logger';
import { flushMetrics } from './metrics';
import { tracer } from './tracer';

export function observed<Event, Result>(handler: (event: Event, context?: Context) => Promise<Result>): (event: Event, context?: Context) => Promise<Result> {
  return async (event, context) => {
    if (context) logger.addContext(context);
    const segment = tracer.isTracingEnabled() ? tracer.getSegment() : undefined;
    const subsegment = segment?.addNewSubsegment(`## ${process.env._HANDLER ?? 'handler'}`);
    if (subsegment) {
      tracer.setSegment(subsegment);
      tracer.annotateColdStart();
      tracer.addServiceNameAnnotation();
    }
    try {
      return await handler(event, context);
    } catch (error) {
      subsegment?.addError(error as Error);
      throw error;
    } finally {
      flushMetrics();
      if (subsegment && segment) {
        subsegment.close();
        tracer.setSegment(segment);
      }
    }
  };
}
