// Array and object functions, and the higher-order ones (filter, foreach).
import Decimal from 'decimal.js';
import { compareValues } from '../expressions/evaluate';
import {
  XArray,
  XError,
  XObject,
  checkedNumber,
  toBoolean,
  toNumber,
  toText,
  unwrapDefault,
  xBool,
  xError,
  xNumber,
  xText,
  type XValue,
} from '../expressions/values';
import { failed, registerFunctions } from './registry';
import { sliceBounds } from './text';
import { asAny, asArray, asFunction, asInteger, asObject, asText, leading, oneArg, oneArray, oneObject, twoArrays, typed, variadic } from './wrappers';

/** Equality as contains() and unique() see it: same type, same text. */
function sameValue(a: XValue, b: XValue): boolean {
  const x = toText(a);
  const y = toText(b);
  return !failed(x) && !failed(y) && x === y && (a === null ? 'null' : a.kind) === (b === null ? 'null' : b.kind);
}

// goflow caps the arrays functions build, so one call cannot exhaust memory.
const MAX_ARRAY_LENGTH = 10_000;

/** The properties of an object, without its default. */
function properties(o: XObject): [string, XValue][] {
  return [...o.properties.entries()].filter(([k]) => k !== '__default__').sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

registerFunctions({
  array: variadic(asAny, 0, (_s, items) => (items.length > MAX_ARRAY_LENGTH ? xError(`cannot build an array with more than ${MAX_ARRAY_LENGTH} items`) : new XArray(items))),
  object: variadic(asAny, 0, (_s, pairs) => {
    if (pairs.length % 2 !== 0) return xError('requires an even number of arguments');
    const props = new Map<string, XValue>();
    for (let i = 0; i < pairs.length; i += 2) {
      const key = toText(pairs[i] ?? null);
      if (failed(key)) return key;
      props.set(key, pairs[i + 1] ?? null);
    }
    return new XObject(props);
  }),
  count: oneArg((_s, v) => {
    if (v === null) return xNumber(0);
    const u = unwrapDefault(v);
    if (u instanceof XArray) return xNumber(u.items.length);
    if (v instanceof XObject) return xNumber(properties(v).length);
    return xError("value isn't countable");
  }),
  slice: typed([asArray, asInteger], [asInteger], (_s, array, start, end) => {
    const [a, b] = sliceBounds(array.items.length, start, end ?? array.items.length);
    return new XArray(array.items.slice(a, b));
  }),
  contains: typed([asArray, asAny], [], (_s, array, v) => xBool(array.items.some((item) => sameValue(item, v)))),
  join: typed([asArray, asText], [], (_s, array, delimiter) => {
    const parts: string[] = [];
    for (const item of array.items) {
      const t = toText(item);
      if (failed(t)) return t;
      parts.push(t);
    }
    return xText(parts.join(delimiter));
  }),
  reverse: oneArray((_s, array) => new XArray([...array.items].reverse())),
  sort: oneArray((_s, array) => {
    let error: XError | undefined;
    const sorted = [...array.items].sort((x, y) => {
      const c = compareValues(x, y);
      if (!failed(c)) return c;
      const tx = toText(x);
      const ty = toText(y);
      if (failed(tx) || failed(ty)) {
        error ??= c;
        return 0;
      }
      return tx < ty ? -1 : tx > ty ? 1 : 0;
    });
    return error ?? new XArray(sorted);
  }),
  sum: oneArray((_s, array) => {
    let total = new Decimal(0);
    for (const item of array.items) {
      const n = toNumber(item);
      if (failed(n)) return n;
      total = total.plus(n);
    }
    return checkedNumber(total);
  }),
  unique: oneArray((_s, array) => {
    const out: XValue[] = [];
    for (const item of array.items) if (!out.some((o) => sameValue(o, item))) out.push(item);
    return new XArray(out);
  }),
  concat: twoArrays((_s, x, y) =>
    x.items.length + y.items.length > MAX_ARRAY_LENGTH ? xError(`cannot build an array with more than ${MAX_ARRAY_LENGTH} items`) : new XArray([...x.items, ...y.items]),
  ),
  filter: typed([asArray, asFunction], [], (scope, array, fn) => {
    const out: XValue[] = [];
    for (const item of array.items) {
      const keep = toBoolean(fn.call(scope, [item]));
      if (failed(keep)) return keep;
      if (keep) out.push(item);
    }
    return new XArray(out);
  }),
  foreach: leading(asArray, 1, Infinity, (scope, array, [f, ...extra]) => {
    const fn = asFunction(scope, f ?? null);
    if (failed(fn)) return fn;
    const out: XValue[] = [];
    for (const item of array.items) {
      const r = fn.call(scope, [item, ...extra]);
      if (failed(r)) return r;
      out.push(r);
    }
    return new XArray(out);
  }),
  foreach_value: leading(asObject, 1, Infinity, (scope, object, [f, ...extra]) => {
    const fn = asFunction(scope, f ?? null);
    if (failed(fn)) return fn;
    const props = new Map<string, XValue>();
    for (const [k, v] of properties(object)) {
      const r = fn.call(scope, [v, ...extra]);
      if (failed(r)) return r;
      props.set(k, r);
    }
    return new XObject(props);
  }),
  keys: oneObject((_s, object) => new XArray(properties(object).map(([k]) => xText(k)))),
  extract: typed([asObject, asText], [], (_s, object, key) => object.get(key) ?? null),
  extract_object: leading(asObject, 1, Infinity, (scope, object, keys) => {
    const props = new Map<string, XValue>();
    for (const k of keys) {
      const key = asText(scope, k);
      if (failed(key)) return key;
      props.set(key, object.get(key) ?? null);
    }
    return new XObject(props);
  }),
});
