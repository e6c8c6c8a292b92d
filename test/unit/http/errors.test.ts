import { describe, expect, it } from 'vitest';
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  RateLimitedError,
  UnauthorizedError,
  ValidationError,
} from '#domain/errors';
import { errorResult } from '#http/errors';

describe('errorResult', () => {
  it.each([
    [new ValidationError('note', 'too long'), 400],
    [new UnauthorizedError('unauthorized', 'no token'), 401],
    [new ForbiddenError('system_topic', 'no'), 403],
    [new NotFoundError('ticket_not_found', 'no such ticket'), 404],
    [new ConflictError('contact_has_open_ticket', 'busy'), 409],
    [new RateLimitedError('rate_limited', 'slow down', 30), 429],
  ])('maps %s to %i with the code in the resource body', (error, status) => {
    const result = errorResult(error, 'resource');
    expect(result.status).toBe(status);
    expect(result.body).toMatchObject({ error: { code: error.code, message: error.message } });
  });

  it('names the field of a validation error and sets Retry-After on 429', () => {
    expect(errorResult(new ValidationError('contact.uuid', 'bad'), 'resource').body).toEqual({
      error: { code: 'invalid_request', message: 'bad', field: 'contact.uuid' },
    });
    expect(errorResult(new RateLimitedError('rate_limited', 'slow down', 30), 'resource').headers).toEqual({
      'retry-after': '30',
    });
  });

  it('answers unknown errors with a generic 500 that does not leak the message', () => {
    const result = errorResult(new Error('connect ECONNREFUSED secret-host'), 'resource');
    expect(result.status).toBe(500);
    expect(JSON.stringify(result.body)).not.toContain('secret-host');
  });

  it('uses RapidPro bodies for API v2', () => {
    expect(errorResult(new ValidationError('tickets', 'too many'), 'rapidpro-v2')).toMatchObject({
      status: 400,
      body: { tickets: ['too many'] },
    });
    expect(errorResult(new ValidationError(null, 'bad'), 'rapidpro-v2').body).toEqual({ non_field_errors: ['bad'] });
    expect(errorResult(new ConflictError('topic_name_taken', 'taken'), 'rapidpro-v2')).toMatchObject({
      status: 400,
      body: { name: ['taken'] },
    });
    expect(errorResult(new NotFoundError('topic_not_found', 'Not found.'), 'rapidpro-v2')).toMatchObject({
      status: 404,
      body: { detail: 'Not found.' },
    });
  });
});
