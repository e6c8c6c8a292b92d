// The one place that turns an error into an HTTP answer. Domain errors carry a
// `kind` (→ status) and a stable `code`; anything else is a bug on our side:
// it is logged and answered with a generic 500 that leaks nothing.
import { DomainError, RateLimitedError, ValidationError } from '#domain/errors';
import type { DomainErrorKind } from '#domain/errors';
import { logger } from './logger';
import type { HttpResult } from './response';

const statusByKind: Record<DomainErrorKind, number> = {
  invalid: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  rate_limited: 429,
};

/**
 * `resource`: our API, `{"error": {"code", "message", "field"?}}`.
 * `rapidpro-v2`: the body shapes RapidPro clients parse — 400 `{"<field>": ["message"]}` or
 * `{"non_field_errors": ["message"]}`, other statuses `{"detail": "message"}`.
 * `courier`: the public channel routes, as nyaruka courier answers gateways —
 * `{"message": "Error", "data": [{"type": "error", "error": "message"}]}` (401: `"Unauthorized"`).
 */
export type ErrorStyle = 'resource' | 'rapidpro-v2' | 'courier';

/** RapidPro reports taken names as a validation error on the field, never as 409. */
const rapidProFieldOfConflict: Record<string, string> = {
  topic_name_taken: 'name',
};

export function errorResult(error: unknown, style: ErrorStyle): HttpResult {
  if (!(error instanceof DomainError)) {
    if (error instanceof Error) logger.error('unhandled error', error);
    else logger.error('unhandled error', { error: String(error) });
    if (style === 'courier') return { status: 500, body: courierError('Error', 'Internal server error') };
    return style === 'resource'
      ? { status: 500, body: { error: { code: 'internal_error', message: 'Internal server error' } } }
      : { status: 500, body: { detail: 'Internal server error' } };
  }
  const headers: Record<string, string> =
    error instanceof RateLimitedError ? { 'retry-after': String(error.retryAfterSeconds) } : {};
  const field = error instanceof ValidationError ? error.field : null;

  if (style === 'courier') {
    const message = error.kind === 'unauthorized' ? 'Unauthorized' : 'Error';
    const text = field && error.kind === 'invalid' && !error.message.includes(field) ? `${field}: ${error.message}` : error.message;
    return { status: statusByKind[error.kind], headers, body: courierError(message, text) };
  }

  if (style === 'resource') {
    return {
      status: statusByKind[error.kind],
      headers,
      body: { error: { code: error.code, message: error.message, ...(field ? { field } : {}) } },
    };
  }

  if (error.kind === 'invalid' || error.kind === 'conflict') {
    // A body that is not JSON (or not an object) is no single field's fault.
    const namedField = field === 'body' ? null : field;
    const rapidProField = namedField ?? rapidProFieldOfConflict[error.code] ?? 'non_field_errors';
    return { status: 400, headers, body: { [rapidProField]: [error.message] } };
  }
  return { status: statusByKind[error.kind], headers, body: { detail: error.message } };
}

function courierError(message: string, error: string) {
  return { message, data: [{ type: 'error', error }] };
}
