// The function library of the expression language. Each family of
// functions lives in its own module and registers itself here; router tests
// (has_text, has_number_lt, …) are callable as functions too.
import type { Scope } from '../expressions/evaluate';
import { XError, XFunction, xError, type XValue } from '../expressions/values';

export type FunctionBody = (scope: Scope, args: XValue[]) => XValue;

export interface FunctionSpec {
  /** Fewest and most arguments; `max: Infinity` for variadic functions. */
  min: number;
  max: number;
  /** Whether the body wants error arguments (is_error, default, …). */
  acceptsErrors?: boolean;
  body: FunctionBody;
}

export const FUNCTIONS = new Map<string, XFunction>();

export function registerFunctions(specs: Record<string, FunctionSpec>): void {
  for (const [name, spec] of Object.entries(specs)) {
    FUNCTIONS.set(
      name,
      new XFunction(name, (scope, args) => {
        if (args.length < spec.min || args.length > spec.max) {
          const expected = spec.min === spec.max ? `${spec.min}` : spec.max === Infinity ? `at least ${spec.min}` : `${spec.min} to ${spec.max}`;
          return xError(`function ${name} takes ${expected} argument(s), got ${args.length}`);
        }
        if (!spec.acceptsErrors) {
          const error = args.find((a): a is XError => a instanceof XError);
          if (error) return error;
        }
        return spec.body(scope as Scope, args);
      }),
    );
  }
}

/** Unwraps a conversion result: either the value or the error to return. */
export function failed<T>(v: T | XError): v is XError {
  return v instanceof XError;
}
