// The typed values of the expression language (goflow's "X" types) and the
// conversions between them. Every expression evaluates to one of these.
import Decimal from 'decimal.js';
import type { DateTime } from 'luxon';
import type { Environment } from './environment';

export type XValue =
  | null
  | XText
  | XNumber
  | XBoolean
  | XDate
  | XDateTime
  | XTime
  | XArray
  | XObject
  | XFunction
  | XError;

export class XText {
  readonly kind = 'text';
  constructor(readonly value: string) {}
}

export class XNumber {
  readonly kind = 'number';
  readonly value: Decimal;
  constructor(value: Decimal | number | string) {
    this.value = value instanceof Decimal ? value : new Decimal(value);
  }
}

export class XBoolean {
  readonly kind = 'boolean';
  constructor(readonly value: boolean) {}
}

/** A calendar date without time of day. */
export class XDate {
  readonly kind = 'date';
  constructor(
    readonly year: number,
    readonly month: number,
    readonly day: number,
  ) {}
}

/**
 * An instant in a time zone. Luxon keeps milliseconds only; goflow renders
 * microseconds, so the sub-millisecond part is kept beside it.
 */
export class XDateTime {
  readonly kind = 'datetime';
  constructor(
    readonly dt: DateTime,
    readonly micros = 0,
  ) {}
}

/** A time of day with microsecond precision. */
export class XTime {
  readonly kind = 'time';
  constructor(
    readonly hour: number,
    readonly minute: number,
    readonly second: number,
    readonly micro: number,
  ) {}
}

export class XArray {
  readonly kind = 'array';
  constructor(readonly items: XValue[]) {}
}

/**
 * An object: named properties plus an optional default value used when the
 * object itself is rendered as text or compared (e.g. `@contact` → its name).
 */
export class XObject {
  readonly kind = 'object';
  constructor(
    readonly properties: Map<string, XValue>,
    readonly defaultValue: XValue | undefined = undefined,
    // Deprecated properties evaluate normally but the caller is warned.
    readonly deprecated: Map<string, string> = new Map(),
  ) {}

  static of(props: Record<string, XValue>, defaultValue?: XValue): XObject {
    return new XObject(new Map(Object.entries(props)), defaultValue);
  }

  get(key: string): XValue | undefined {
    if (this.properties.has(key)) return this.properties.get(key);
    // Property lookups are case-insensitive in goflow.
    const lower = key.toLowerCase();
    for (const [k, v] of this.properties) if (k.toLowerCase() === lower) return v;
    return undefined;
  }
}

/** What a function call can see: the environment (formats, zone, clock). */
export interface FunctionScope {
  readonly env: Environment;
}

export class XFunction {
  readonly kind = 'function';
  constructor(
    readonly name: string,
    readonly call: (scope: FunctionScope, args: XValue[]) => XValue,
  ) {}
}

export class XError {
  readonly kind = 'error';
  constructor(readonly message: string) {}
}

export const xText = (s: string) => new XText(s);
export const xNumber = (n: Decimal | number | string) => new XNumber(n);
export const xBool = (b: boolean) => new XBoolean(b);
export const xError = (m: string) => new XError(m);

export function isError(v: XValue | undefined): v is XError {
  return v instanceof XError;
}

// ---------------------------------------------------------------- rendering

/** Formats a decimal as goflow does: plain notation, no trailing zeros. */
export function formatDecimal(d: Decimal): string {
  return d.toFixed();
}

function pad(n: number, width: number): string {
  return String(Math.trunc(n)).padStart(width, '0');
}

export function formatISODate(d: XDate): string {
  return `${pad(d.year, 4)}-${pad(d.month, 2)}-${pad(d.day, 2)}`;
}

export function formatISOTime(t: XTime): string {
  return `${pad(t.hour, 2)}:${pad(t.minute, 2)}:${pad(t.second, 2)}.${pad(t.micro, 6)}`;
}

export function formatISODateTime(v: XDateTime): string {
  const dt = v.dt;
  const micros = dt.millisecond * 1000 + v.micros;
  const offset = dt.offset === 0 ? 'Z' : dt.toFormat('ZZ');
  return `${dt.toFormat("yyyy-MM-dd'T'HH:mm:ss")}.${pad(micros, 6)}${offset}`;
}

/** The text of a value as used by templates and text functions. */
export function toText(v: XValue): string | XError {
  if (v === null) return '';
  switch (v.kind) {
    case 'text':
      return v.value;
    case 'number':
      return formatDecimal(v.value);
    case 'boolean':
      return v.value ? 'true' : 'false';
    case 'date':
      return formatISODate(v);
    case 'datetime':
      return formatISODateTime(v);
    case 'time':
      return formatISOTime(v);
    case 'array': {
      const parts: string[] = [];
      for (const item of v.items) {
        const t = toText(item);
        if (t instanceof XError) return t;
        parts.push(t);
      }
      return `[${parts.join(', ')}]`;
    }
    case 'object': {
      if (v.defaultValue !== undefined) return toText(v.defaultValue);
      const parts: string[] = [];
      for (const key of [...v.properties.keys()].sort()) {
        const t = toText(v.properties.get(key) ?? null);
        if (t instanceof XError) return t;
        parts.push(`${key}: ${t}`);
      }
      return `{${parts.join(', ')}}`;
    }
    case 'function':
      return v.name;
    case 'error':
      return v;
  }
}

// ---------------------------------------------------------------- conversion

export function toBoolean(v: XValue): boolean | XError {
  if (v === null) return false;
  switch (v.kind) {
    case 'text':
      return v.value !== '' && v.value.toLowerCase() !== 'false';
    case 'number':
      return !v.value.isZero();
    case 'boolean':
      return v.value;
    case 'array':
      return v.items.length > 0;
    case 'object':
      if (v.defaultValue !== undefined) return toBoolean(v.defaultValue);
      return v.properties.size > 0;
    case 'error':
      return v;
    default:
      return true;
  }
}

const NUMBER_PATTERN = /^\s*[-+]?(\d+(\.\d*)?|\.\d+)\s*$/;

export function parseDecimal(s: string): Decimal | undefined {
  if (!NUMBER_PATTERN.test(s)) return undefined;
  return new Decimal(s.trim());
}

export function toNumber(v: XValue): Decimal | XError {
  if (v === null) return xError('unable to convert null to a number');
  switch (v.kind) {
    case 'number':
      return v.value;
    case 'text': {
      const d = parseDecimal(v.value);
      return d ?? xError(`unable to convert "${v.value}" to a number`);
    }
    case 'object':
      if (v.defaultValue !== undefined) return toNumber(v.defaultValue);
      return xError('unable to convert object to a number');
    case 'error':
      return v;
    default:
      return xError(`unable to convert ${v.kind} to a number`);
  }
}

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

/** Integer argument of a function (e.g. an index), truncated toward zero; goflow's are 32-bit. */
export function toInteger(v: XValue): number | XError {
  const d = toNumber(v);
  if (d instanceof XError) return d;
  const n = d.trunc().toNumber();
  if (!(n >= INT32_MIN && n <= INT32_MAX)) return xError(`number value ${formatDecimal(d)} is out of range for an integer`);
  return n;
}

/** Division as goflow's decimals do it: rounded (half up) to 16 decimal places. */
export function divide(a: Decimal, b: Decimal): Decimal {
  return a.div(b).toDecimalPlaces(16, Decimal.ROUND_HALF_UP);
}

/**
 * A computed number, or an error when it leaves goflow's range (a magnitude
 * of at most 1E100, at least 1E-100) or is not a number at all.
 */
export function checkedNumber(d: Decimal): XNumber | XError {
  if (!d.isFinite()) return xError('number value out of range');
  if (!d.isZero() && (d.e > 100 || d.e < -100)) return xError('number value out of range');
  return new XNumber(d);
}

/** Resolves object defaults so comparisons see the underlying value. */
export function unwrapDefault(v: XValue): XValue {
  while (v instanceof XObject && v.defaultValue !== undefined) v = v.defaultValue;
  return v;
}

export function isEmpty(v: XValue): boolean {
  v = unwrapDefault(v);
  if (v === null) return true;
  if (v instanceof XText) return v.value === '';
  if (v instanceof XArray) return v.items.length === 0;
  if (v instanceof XObject) return v.properties.size === 0;
  return false;
}

// ---------------------------------------------------------------- JSON

/** goflow's `json()` serialization: compact, keys sorted. */
export function toJSONValue(v: XValue): unknown {
  if (v === null) return null;
  switch (v.kind) {
    case 'text':
      return v.value;
    case 'number':
      return new RawNumber(formatDecimal(v.value));
    case 'boolean':
      return v.value;
    case 'date':
      return formatISODate(v);
    case 'datetime':
      return formatISODateTime(v);
    case 'time':
      return formatISOTime(v);
    case 'array':
      return v.items.map(toJSONValue);
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const key of [...v.properties.keys()].sort()) {
        if (key === '__default__') continue;
        out[key] = toJSONValue(v.properties.get(key) ?? null);
      }
      return out;
    }
    case 'function':
      // Functions have no JSON form (goflow writes null).
      return null;
    case 'error':
      return null;
  }
}

/** A number kept as its decimal text so JSON output has no float rounding. */
class RawNumber {
  constructor(readonly text: string) {}
}

export function toJSONText(v: XValue): string | XError {
  if (v instanceof XError) return v;
  return stringifyJSON(toJSONValue(v));
}

function stringifyJSON(value: unknown): string {
  if (value instanceof RawNumber) return value.text;
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return `[${value.map(stringifyJSON).join(',')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).map(
      ([k, v]) => `${JSON.stringify(k)}:${stringifyJSON(v)}`,
    );
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Reads parsed JSON into values (objects → XObject, numbers → XNumber). */
export function fromJSON(value: unknown): XValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return xText(value);
  if (typeof value === 'number') return xNumber(String(value));
  if (typeof value === 'boolean') return xBool(value);
  if (Array.isArray(value)) return new XArray(value.map(fromJSON));
  const props = new Map<string, XValue>();
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) props.set(k, fromJSON(v));
  return new XObject(props);
}
