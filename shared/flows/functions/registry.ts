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

/** How many arguments each function takes (what the property tests call them with). */
export const ARITIES = new Map<string, { min: number; max: number }>();

function arityError(spec: FunctionSpec, count: number): XError | undefined {
  if (count >= spec.min && count <= spec.max) return undefined;
  if (spec.min === spec.max) return xError(`need ${spec.min} argument(s), got ${count}`);
  if (spec.max === Infinity) return xError(`need at least ${spec.min} argument(s), got ${count}`);
  return xError(`need ${spec.min} to ${spec.max} argument(s), got ${count}`);
}

export function registerFunctions(specs: Record<string, FunctionSpec>): void {
  for (const [name, spec] of Object.entries(specs)) {
    ARITIES.set(name, { min: spec.min, max: spec.max });
    const call = (scope: Scope, args: XValue[]): XValue => {
      const arity = arityError(spec, args.length);
      if (arity) return arity;
      if (!spec.acceptsErrors) {
        const error = args.find((a): a is XError => a instanceof XError);
        if (error) return error;
      }
      return spec.body(scope, args);
    };
    FUNCTIONS.set(
      name,
      new XFunction(name, (scope, args) => {
        const result = call(scope as Scope, args);
        // As in goflow, an error says which function it came from.
        return result instanceof XError ? xError(`error calling ${name}(...): ${result.message}`) : result;
      }),
    );
  }
}

/** Unwraps a conversion result: either the value or the error to return. */
export function failed<T>(v: T | XError): v is XError {
  return v instanceof XError;
}
