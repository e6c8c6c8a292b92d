// Typed function shapes (goflow's excellent/functions/wrappers.go): each
// function says what its arguments are — one text, a text and a number, an
// array and more values… — and the wrapper checks the count and converts
// every argument once, returning the first conversion error. A function
// body only ever sees values of the types it asked for.
import type Decimal from 'decimal.js';
import type { Scope } from '../expressions/evaluate';
import {
  XArray,
  XDate,
  XDateTime,
  XError,
  XFunction,
  XObject,
  toInteger,
  toNumber,
  toText,
  unwrapDefault,
  xError,
  type XValue,
} from '../expressions/values';
import { argDate, argDateTime } from './convert';
import type { FunctionSpec } from './registry';

/** Converts one argument to what a body wants, or says why it cannot. */
export type Converter<T> = (scope: Scope, v: XValue) => T | XError;

type Converted<C> = C extends Converter<infer T> ? T : never;
type ConvertedAll<C extends readonly unknown[]> = { [K in keyof C]: Converted<C[K]> };

const describe = (v: XValue) => (v === null ? 'null' : v.kind);

export const asAny: Converter<XValue> = (_s, v) => v;
export const asText: Converter<string> = (_s, v) => toText(v);
export const asNumber: Converter<Decimal> = (_s, v) => toNumber(v);
export const asInteger: Converter<number> = (_s, v) => toInteger(v);
export const asDate: Converter<XDate> = (s, v) => argDate(s.env, v);
export const asDateTime: Converter<XDateTime> = (s, v) => argDateTime(s.env, v);
export const asArray: Converter<XArray> = (_s, v) => {
  const u = unwrapDefault(v);
  return u instanceof XArray ? u : xError(`unable to convert ${describe(u)} to an array`);
};
/** Objects as goflow reads them: null is an empty object. */
export const asObject: Converter<XObject> = (_s, v) => {
  if (v === null) return new XObject(new Map());
  return v instanceof XObject ? v : xError(`unable to convert ${describe(v)} to an object`);
};
export const asFunction: Converter<XFunction> = (_s, v) => (v instanceof XFunction ? v : xError(`unable to convert ${describe(v)} to a function`));

/**
 * The general shape: `required` arguments, then `optional` ones (undefined
 * when absent), each converted by its converter.
 */
export function typed<const R extends readonly Converter<unknown>[], const O extends readonly Converter<unknown>[] = []>(
  required: R,
  optional: O,
  body: (scope: Scope, ...args: [...ConvertedAll<R>, ...Partial<ConvertedAll<O>>]) => XValue,
): FunctionSpec {
  const converters = [...required, ...optional];
  return {
    min: required.length,
    max: converters.length,
    body: (scope, args) => {
      const converted: unknown[] = [];
      for (let i = 0; i < args.length; i++) {
        const arg = args[i] ?? null;
        const c = converters[i]!(scope, arg);
        // An error the argument already was passes through (the registry decides whether a function takes errors).
        if (c instanceof XError && c !== arg) return c;
        converted.push(c);
      }
      return body(scope, ...(converted as [...ConvertedAll<R>, ...Partial<ConvertedAll<O>>]));
    },
  };
}

/** A first argument of one type followed by `min`..`max` values left as they are. */
export function leading<T>(first: Converter<T>, min: number, max: number, body: (scope: Scope, first: T, rest: XValue[]) => XValue): FunctionSpec {
  return {
    min: min + 1,
    max: max + 1,
    body: (scope, [head, ...rest]) => {
      const converted = first(scope, head ?? null);
      return converted instanceof XError ? converted : body(scope, converted, rest);
    },
  };
}

/** Converts every value with one converter, or gives the first error. */
export function convertAll<T>(scope: Scope, each: Converter<T>, values: XValue[]): T[] | XError {
  const converted: T[] = [];
  for (const v of values) {
    const c = each(scope, v);
    if (c instanceof XError && c !== v) return c;
    converted.push(c as T);
  }
  return converted;
}

/** Any number of values of one type (at least `min`). */
export function variadic<T>(each: Converter<T>, min: number, body: (scope: Scope, values: T[]) => XValue): FunctionSpec {
  return {
    min,
    max: Infinity,
    body: (scope, args) => {
      const converted = convertAll(scope, each, args);
      return converted instanceof XError ? converted : body(scope, converted);
    },
  };
}

// The shapes goflow names, for the functions that read most plainly with them.
type Body1<A> = (scope: Scope, a: A) => XValue;
type Body2<A, B> = (scope: Scope, a: A, b: B) => XValue;

/** A function that is given error arguments instead of returning them (is_error, default, if…). */
export const acceptingErrors = (spec: FunctionSpec): FunctionSpec => ({ ...spec, acceptsErrors: true });

export const noArgs = (body: (scope: Scope) => XValue): FunctionSpec => typed([], [], body);
export const oneArg = (body: Body1<XValue>) => typed([asAny], [], body);
export const twoArgs = (body: Body2<XValue, XValue>) => typed([asAny, asAny], [], body);
export const threeArgs = (body: (scope: Scope, a: XValue, b: XValue, c: XValue) => XValue) => typed([asAny, asAny, asAny], [], body);
export const oneText = (body: Body1<string>) => typed([asText], [], body);
export const twoTexts = (body: Body2<string, string>) => typed([asText, asText], [], body);
export const textAndOptionalText = (body: Body2<string, string | undefined>) => typed([asText], [asText], body);
export const textAndNumber = (body: Body2<string, Decimal>) => typed([asText, asNumber], [], body);
export const textAndInteger = (body: Body2<string, number>) => typed([asText, asInteger], [], body);
export const textAndDate = (body: Body2<string, XDate>) => typed([asText, asDate], [], body);
export const oneNumber = (body: Body1<Decimal>) => typed([asNumber], [], body);
export const twoNumbers = (body: Body2<Decimal, Decimal>) => typed([asNumber, asNumber], [], body);
export const numberAndOptionalInteger = (body: Body2<Decimal, number>, fallback: number) =>
  typed([asNumber], [asInteger], (scope, n, places) => body(scope, n, places ?? fallback));
export const threeIntegers = (body: (scope: Scope, a: number, b: number, c: number) => XValue) => typed([asInteger, asInteger, asInteger], [], body);
export const oneDate = (body: Body1<XDate>) => typed([asDate], [], body);
export const oneDateTime = (body: Body1<XDateTime>) => typed([asDateTime], [], body);
export const oneArray = (body: Body1<XArray>) => typed([asArray], [], body);
export const twoArrays = (body: Body2<XArray, XArray>) => typed([asArray, asArray], [], body);
export const oneObject = (body: Body1<XObject>) => typed([asObject], [], body);
