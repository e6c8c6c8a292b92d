// What the Invoke entry points (functions/ticket-command.ts,
// functions/flow-engine.ts) share around their own handling: input no schema
// should have to think about (text that is not valid Unicode, `__proto__`
// keys) is answered as the command's `invalid_request`; anything the command
// did not expect is logged in full and leaves the function as a clean Lambda
// function error, without a stack trace or file paths for the caller.
import type { Logger } from '@aws-lambda-powertools/logger';
import { findMalformedText } from '#domain/text';

/** errorType of the function error a caller sees when a command failed unexpectedly: retry it (with the same idempotency key). */
export const COMMAND_FAILED = 'CommandFailed';

/**
 * The error Lambda reports to the caller: name and message only. Lambda's Node
 * runtime sends `error.stack` as the payload's `trace`; an empty stack sends none.
 */
export function cleanFunctionError(message: string): Error {
  const error = new Error(message);
  error.name = COMMAND_FAILED;
  error.stack = '';
  return error;
}

/**
 * Wraps an Invoke handler. `refuse` builds the command's own answer for bad
 * input (`invalid_request`); `what` names the command in the log and the error.
 */
export function guardInvoke<E, R, C>(
  options: { logger: Logger; what: string; refuse: (code: string, message: string) => R },
  handler: (event: E, context?: C) => Promise<R>,
): (event: E, context?: C) => Promise<R> {
  return async (event, context) => {
    const malformed = findMalformedText(event);
    if (malformed) return options.refuse('invalid_request', `${malformed.path || 'request'}: ${malformed.message}`);
    try {
      return await handler(event, context);
    } catch (error) {
      options.logger.error(`${options.what} failed`, error as Error);
      const requestId = (context as { awsRequestId?: string } | undefined)?.awsRequestId;
      throw cleanFunctionError(`${options.what} failed unexpectedly; retry it (with the same idempotency key)${requestId ? `, request ${requestId}` : ''}.`);
    }
  };
}
