// Evaluates parsed expressions against a context and the function library.
import Decimal from 'decimal.js';
import type { Environment } from './environment';
import { parseExpression, ExpressionSyntaxError, type Expr } from './parser';
import {
  XArray,
  XBoolean,
  XDate,
  XDateTime,
  XError,
  XFunction,
  XNumber,
  XObject,
  XTime,
  checkedNumber,
  divide,
  isError,
  toNumber,
  toText,
  unwrapDefault,
  xBool,
  xError,
  xNumber,
  xText,
  type XValue,
} from './values';
import { FUNCTIONS } from '../functions/index';

export interface Scope {
  readonly env: Environment;
  readonly context: XObject;
  /** Warnings such as use of deprecated context values, reported as events. */
  readonly warnings: string[];
}

type Bindings = Map<string, XValue>;

export function evaluateExpression(source: string, scope: Scope): XValue {
  let expr: Expr;
  try {
    expr = parseExpression(source);
  } catch (e) {
    if (e instanceof ExpressionSyntaxError) return xError(e.message);
    return tooComplex(e);
  }
  try {
    return evaluate(expr, scope, new Map());
  } catch (e) {
    return tooComplex(e);
  }
}

/** The message of an exception that was a bug of ours, not of the expression. */
export const INTERNAL_ERROR = 'internal error evaluating expression';

/**
 * An expression gives a value or an error value, never an exception: the
 * stack running out (thousands of nested parentheses) is refused as too
 * complex, as goflow does; anything else would be a bug of ours, and still
 * must not stop the sprint. The property tests (test/flows/no-throw.test.ts)
 * look for INTERNAL_ERROR.
 */
function tooComplex(e: unknown): XValue {
  if (e instanceof RangeError && /call stack/i.test(e.message)) return xError('expression is too complex');
  return xError(`${INTERNAL_ERROR}: ${e instanceof Error ? e.message : String(e)}`);
}

function lookupName(name: string, scope: Scope, bindings: Bindings): XValue {
  const lower = name.toLowerCase();
  if (bindings.has(lower)) return bindings.get(lower) ?? null;
  const fromContext = scope.context.get(lower);
  if (fromContext !== undefined) return fromContext;
  const fn = FUNCTIONS.get(lower);
  if (fn) return fn;
  return xError(`context has no property '${lower}'`);
}

export function lookupProperty(target: XValue, key: string, scope: Scope): XValue {
  if (isError(target)) return target;
  if (target instanceof XObject) {
    const value = target.get(key);
    if (value === undefined) return xError(`object has no property '${key}'`);
    const warning = target.deprecated.get(key.toLowerCase());
    if (warning) scope.warnings.push(warning);
    return value;
  }
  if (target instanceof XArray) {
    const index = Number(key);
    if (Number.isInteger(index)) return arrayIndex(target, index);
  }
  if (target === null) return xError(`null has no property '${key}'`);
  return xError(`${target.kind} has no property '${key}'`);
}

function arrayIndex(array: XArray, index: number): XValue {
  const i = index < 0 ? array.items.length + index : index;
  if (i < 0 || i >= array.items.length) return xError(`index ${index} out of range for ${array.items.length} items`);
  return array.items[i] ?? null;
}

export function evaluate(expr: Expr, scope: Scope, bindings: Bindings): XValue {
  switch (expr.type) {
    case 'text':
      return xText(expr.value);
    case 'number':
      return xNumber(expr.value);
    case 'boolean':
      return xBool(expr.value);
    case 'null':
      return null;
    case 'name':
      return lookupName(expr.name, scope, bindings);
    case 'dot':
      return lookupProperty(evaluate(expr.target, scope, bindings), expr.key, scope);
    case 'index': {
      const target = evaluate(expr.target, scope, bindings);
      if (isError(target)) return target;
      const index = evaluate(expr.index, scope, bindings);
      if (isError(index)) return index;
      if (target instanceof XArray) {
        const n = toNumber(index);
        if (n instanceof XError) return n;
        return arrayIndex(target, n.trunc().toNumber());
      }
      const key = toText(index);
      if (key instanceof XError) return key;
      return lookupProperty(target, key, scope);
    }
    case 'call': {
      const fn = evaluate(expr.fn, scope, bindings);
      if (isError(fn)) return fn;
      if (!(fn instanceof XFunction)) return xError(`${toText(fn)} is not a function`);
      const args = expr.args.map((a) => evaluate(a, scope, bindings));
      return fn.call(scope, args);
    }
    case 'lambda':
      return new XFunction('lambda', (_env, args) => {
        const inner = new Map(bindings);
        expr.params.forEach((p, i) => inner.set(p.toLowerCase(), args[i] ?? null));
        return evaluate(expr.body, scope, inner);
      });
    case 'negate': {
      const v = evaluate(expr.operand, scope, bindings);
      const n = toNumber(v);
      return n instanceof XError ? n : checkedNumber(n.neg());
    }
    case 'binary':
      return binary(expr.op, evaluate(expr.left, scope, bindings), evaluate(expr.right, scope, bindings));
  }
}

function binary(op: string, left: XValue, right: XValue): XValue {
  if (op === '&') {
    const l = toText(left);
    if (l instanceof XError) return l;
    const r = toText(right);
    if (r instanceof XError) return r;
    return xText(l + r);
  }
  if (isError(left)) return left;
  if (isError(right)) return right;
  if (op === '=' || op === '!=') {
    const equal = valuesEqual(left, right);
    if (equal instanceof XError) return equal;
    return xBool(op === '=' ? equal : !equal);
  }
  if (op === '<' || op === '<=' || op === '>' || op === '>=') {
    const c = compareValues(left, right);
    if (c instanceof XError) return c;
    return xBool(op === '<' ? c < 0 : op === '<=' ? c <= 0 : op === '>' ? c > 0 : c >= 0);
  }
  const l = toNumber(left);
  if (l instanceof XError) return l;
  const r = toNumber(right);
  if (r instanceof XError) return r;
  switch (op) {
    case '+':
      return checkedNumber(l.plus(r));
    case '-':
      return checkedNumber(l.minus(r));
    case '*':
      return checkedNumber(l.times(r));
    case '/':
      if (r.isZero()) return xError('division by zero');
      return checkedNumber(divide(l, r));
    case '^':
      // A larger exponent can only leave the range, after a costly computation.
      if (r.abs().gt(100)) return xError('number value out of range');
      return checkedNumber(Decimal.pow(l, r));
  }
  return xError(`unknown operator ${op}`);
}

function valuesEqual(left: XValue, right: XValue): boolean | XError {
  left = unwrapDefault(left);
  right = unwrapDefault(right);
  if (left instanceof XNumber && right instanceof XNumber) return left.value.eq(right.value);
  const l = toText(left);
  if (l instanceof XError) return l;
  const r = toText(right);
  if (r instanceof XError) return r;
  return l === r;
}

/** Orders numbers, dates, datetimes and times; other types are not comparable. */
export function compareValues(left: XValue, right: XValue): number | XError {
  left = unwrapDefault(left);
  right = unwrapDefault(right);
  if (left instanceof XNumber || right instanceof XNumber) {
    const l = toNumber(left);
    if (l instanceof XError) return l;
    const r = toNumber(right);
    if (r instanceof XError) return r;
    return l.comparedTo(r);
  }
  if (left instanceof XDateTime && right instanceof XDateTime) {
    const diff = left.dt.toMillis() - right.dt.toMillis() || left.micros - right.micros;
    return Math.sign(diff);
  }
  if (left instanceof XDate && right instanceof XDate) {
    return Math.sign(left.year - right.year || left.month - right.month || left.day - right.day);
  }
  if (left instanceof XTime && right instanceof XTime) {
    return Math.sign(left.hour - right.hour || left.minute - right.minute || left.second - right.second || left.micro - right.micro);
  }
  if (left instanceof XBoolean && right instanceof XBoolean) return Number(left.value) - Number(right.value);
  return xError(`can't compare ${left === null ? 'null' : left.kind} and ${right === null ? 'null' : right.kind}`);
}

