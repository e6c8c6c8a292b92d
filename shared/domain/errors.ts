// Named domain errors. Each has a stable `code` that clients can rely on;
// shared/http/errors.ts is the one place that maps a kind to an HTTP status.

export type DomainErrorKind = 'invalid' | 'unauthorized' | 'forbidden' | 'not_found' | 'conflict' | 'rate_limited';

export abstract class DomainError extends Error {
  abstract readonly kind: DomainErrorKind;
  constructor(
    /** Stable, snake_case, e.g. `ticket_not_found`, `contact_has_open_ticket`. */
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** Bad input. `field` names the offending request field (dotted path) when there is one. */
export class ValidationError extends DomainError {
  readonly kind = 'invalid';
  constructor(
    readonly field: string | null,
    message: string,
    code = 'invalid_request',
  ) {
    super(code, message);
  }
}

export class UnauthorizedError extends DomainError {
  readonly kind = 'unauthorized';
}

export class ForbiddenError extends DomainError {
  readonly kind = 'forbidden';
}

export class NotFoundError extends DomainError {
  readonly kind = 'not_found';
}

/** The request is valid but the current state refuses it (closing a closed ticket, a taken name…). */
export class ConflictError extends DomainError {
  readonly kind = 'conflict';
}

export class RateLimitedError extends DomainError {
  readonly kind = 'rate_limited';
  constructor(
    code: string,
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(code, message);
  }
}
