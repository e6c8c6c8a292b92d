// Array and object functions, and the higher-order ones (filter, foreach).
import { compareValues } from '../expressions/evaluate';
import {
  XArray,
  XError,
  XFunction,
  XObject,
  toBoolean,
  toInteger,
  toText,
  unwrapDefault,
  xBool,
  xError,
  xNumber,
  xText,
  type XValue,
} from '../expressions/values';
import { failed, registerFunctions } from './registry';

function argArray(v: XValue | undefined): XArray | XError {
  v = unwrapDefault(v ?? null);
  return v instanceof XArray ? v : xError(`${v === null ? 'null' : v.kind} is not an array`);
}

function argFunction(v: XValue | undefined): XFunction | XError {
  return v instanceof XFunction ? v : xError('expected a function argument');
}

function sameValue(a: XValue, b: XValue): boolean {
  const x = toText(a);
  const y = toText(b);
  return !failed(x) && !failed(y) && x === y && (a === null ? 'null' : a.kind) === (b === null ? 'null' : b.kind);
}

registerFunctions({
  array: { min: 0, max: Infinity, body: (_s, args) => new XArray(args) },
  object: {
    min: 0,
    max: Infinity,
    body: (_s, args) => {
      if (args.length % 2 !== 0) return xError('requires an even number of arguments');
      const props = new Map<string, XValue>();
      for (let i = 0; i < args.length; i += 2) {
        const key = toText(args[i] ?? null);
        if (failed(key)) return key;
        props.set(key, args[i + 1] ?? null);
      }
      return new XObject(props);
    },
  },
  count: {
    min: 1,
    max: 1,
    body: (_s, [v]) => {
      const u = unwrapDefault(v ?? null);
      if (u instanceof XArray) return xNumber(u.items.length);
      if (v instanceof XObject) return xNumber([...v.properties.keys()].filter((k) => k !== '__default__').length);
      return xError('value isn\'t countable');
    },
  },
  slice: {
    min: 2,
    max: 3,
    body: (_s, [a, s, e]) => {
      const array = argArray(a);
      if (failed(array)) return array;
      const n = array.items.length;
      const start = toInteger(s ?? null);
      if (failed(start)) return start;
      const end = e === undefined ? n : toInteger(e);
      if (failed(end)) return end;
      const norm = (i: number) => Math.max(0, Math.min(n, i < 0 ? n + i : i));
      return new XArray(array.items.slice(norm(start), norm(end)));
    },
  },
  contains: {
    min: 2,
    max: 2,
    body: (_s, [a, v]) => {
      const array = argArray(a);
      if (failed(array)) return array;
      return xBool(array.items.some((item) => sameValue(item, v ?? null)));
    },
  },
  join: {
    min: 2,
    max: 2,
    body: (_s, [a, d]) => {
      const array = argArray(a);
      if (failed(array)) return array;
      const delimiter = toText(d ?? null);
      if (failed(delimiter)) return delimiter;
      const parts: string[] = [];
      for (const item of array.items) {
        const t = toText(item);
        if (failed(t)) return t;
        parts.push(t);
      }
      return xText(parts.join(delimiter));
    },
  },
  reverse: {
    min: 1,
    max: 1,
    body: (_s, [a]) => {
      const array = argArray(a);
      return failed(array) ? array : new XArray([...array.items].reverse());
    },
  },
  sort: {
    min: 1,
    max: 1,
    body: (_s, [a]) => {
      const array = argArray(a);
      if (failed(array)) return array;
      let error: XError | undefined;
      const sorted = [...array.items].sort((x, y) => {
        const c = compareValues(x, y);
        if (!failed(c)) return c;
        const tx = toText(x);
        const ty = toText(y);
        if (failed(tx) || failed(ty)) {
          error = c;
          return 0;
        }
        return tx < ty ? -1 : tx > ty ? 1 : 0;
      });
      return error ?? new XArray(sorted);
    },
  },
  unique: {
    min: 1,
    max: 1,
    body: (_s, [a]) => {
      const array = argArray(a);
      if (failed(array)) return array;
      const out: XValue[] = [];
      for (const item of array.items) if (!out.some((o) => sameValue(o, item))) out.push(item);
      return new XArray(out);
    },
  },
  concat: {
    min: 2,
    max: 2,
    body: (_s, [a, b]) => {
      const x = argArray(a);
      if (failed(x)) return x;
      const y = argArray(b);
      if (failed(y)) return y;
      return new XArray([...x.items, ...y.items]);
    },
  },
  filter: {
    min: 2,
    max: 2,
    body: (scope, [a, f]) => {
      const array = argArray(a);
      if (failed(array)) return array;
      const fn = argFunction(f);
      if (failed(fn)) return fn;
      const out: XValue[] = [];
      for (const item of array.items) {
        const keep = toBoolean(fn.call(scope, [item]));
        if (failed(keep)) return keep;
        if (keep) out.push(item);
      }
      return new XArray(out);
    },
  },
  foreach: {
    min: 2,
    max: Infinity,
    body: (scope, [a, f, ...extra]) => {
      const array = argArray(a);
      if (failed(array)) return array;
      const fn = argFunction(f);
      if (failed(fn)) return fn;
      const out: XValue[] = [];
      for (const item of array.items) {
        const r = fn.call(scope, [item, ...extra]);
        if (failed(r)) return r;
        out.push(r);
      }
      return new XArray(out);
    },
  },
  foreach_value: {
    min: 2,
    max: Infinity,
    body: (scope, [o, f, ...extra]) => {
      if (!(o instanceof XObject)) return xError('expected an object argument');
      const fn = argFunction(f);
      if (failed(fn)) return fn;
      const props = new Map<string, XValue>();
      for (const [k, v] of o.properties) {
        if (k === '__default__') continue;
        const r = fn.call(scope, [v, ...extra]);
        if (failed(r)) return r;
        props.set(k, r);
      }
      return new XObject(props);
    },
  },
  keys: {
    min: 1,
    max: 1,
    body: (_s, [o]) => {
      if (!(o instanceof XObject)) return xError('expected an object argument');
      return new XArray([...o.properties.keys()].filter((k) => k !== '__default__').map(xText));
    },
  },
  extract: {
    min: 2,
    max: 2,
    body: (_s, [o, p]) => {
      if (!(o instanceof XObject)) return xError('expected an object argument');
      const key = toText(p ?? null);
      if (failed(key)) return key;
      const v = o.get(key);
      return v === undefined ? null : v;
    },
  },
  extract_object: {
    min: 2,
    max: Infinity,
    body: (_s, [o, ...keys]) => {
      if (!(o instanceof XObject)) return xError('expected an object argument');
      const props = new Map<string, XValue>();
      for (const k of keys) {
        const key = toText(k);
        if (failed(key)) return key;
        props.set(key, o.get(key) ?? null);
      }
      return new XObject(props);
    },
  },
});
