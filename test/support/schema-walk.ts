// Reads the zod schemas of the routes and Invoke commands as data: which
// strings they accept without a length limit (limits.test.ts), and arbitrary
// inputs shaped like them for the property tests (fast-check), so both cover a
// new route or field without being told about it.
import fc from 'fast-check';
import type { z } from 'zod';
import { isWellFormedText } from '#domain/text';

type Def = { type: string; [key: string]: any };
const defOf = (schema: z.ZodType): Def => (schema as any)._zod.def as Def;

/** Formats whose values are short by definition. */
const BOUNDED_FORMATS = new Set(['uuid', 'guid', 'datetime', 'date', 'time', 'ipv4', 'ipv6']);

/** Dotted paths of the strings (values and record keys) `schema` accepts at any length. */
export function unboundedStrings(schema: z.ZodType, path = '', seen = new Set<z.ZodType>()): string[] {
  if (seen.has(schema)) return [];
  seen.add(schema);
  const def = defOf(schema);
  const here = path || '(root)';
  switch (def.type) {
    case 'string': {
      const s = schema as z.ZodString;
      return s.maxLength != null || BOUNDED_FORMATS.has(s.format ?? '') ? [] : [here];
    }
    case 'object':
      return Object.entries(def.shape as Record<string, z.ZodType>).flatMap(([key, value]) =>
        unboundedStrings(value, path ? `${path}.${key}` : key, seen),
      ) .concat(def.catchall && defOf(def.catchall).type !== 'never' && defOf(def.catchall).type !== 'unknown' ? unboundedStrings(def.catchall, `${path}.*`, seen) : []);
    case 'array':
      return unboundedStrings(def.element, `${path}[]`, seen);
    case 'record':
      return [...unboundedStrings(def.keyType, `${path}{key}`, seen), ...unboundedStrings(def.valueType, `${path}{}`, seen)];
    case 'union':
      return (def.options as z.ZodType[]).flatMap((option) => unboundedStrings(option, path, seen));
    case 'intersection':
      return [...unboundedStrings(def.left, path, seen), ...unboundedStrings(def.right, path, seen)];
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'catch':
    case 'readonly':
    case 'nonoptional':
      return unboundedStrings(def.innerType, path, seen);
    case 'pipe':
      return unboundedStrings(def.in, path, seen);
    case 'lazy':
      return unboundedStrings(def.getter(), path, seen);
    default:
      return [];
  }
}

/** Strings that have broken things before, beside fast-check's own. */
export const NASTY_STRINGS = [
  '',
  ' ',
  'constructor',
  '__proto__',
  'toString',
  'hasOwnProperty',
  'valueOf',
  'a\ud800b',
  '\udc00',
  'Support 💬',
  '👩‍👩‍👧‍👦',
  '\u0000',
  '%zz',
  '../../etc/passwd',
  '${jndi:x}',
  '<script>alert(1)</script>',
  '@(1/0)',
  'x'.repeat(5000),
];

export const nastyString = (): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...NASTY_STRINGS) },
    { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
    { weight: 1, arbitrary: fc.string({ maxLength: 20 }) },
  );

export const nastyKey = (): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom('constructor', 'toString', 'hasOwnProperty', 'valueOf', 'isPrototypeOf') },
    { weight: 1, arbitrary: fc.constantFrom('__proto__', 'a\ud800', 'plan', 'x'.repeat(40)) },
    { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
  );

/** Any JSON, with nasty strings and keys in it. */
export const nastyJson = (): fc.Arbitrary<unknown> =>
  fc.letrec<{ value: unknown }>((tie) => ({
    value: fc.oneof(
      { depthSize: 'small' },
      fc.constant(null),
      fc.boolean(),
      fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true })),
      nastyString(),
      fc.array(tie('value'), { maxLength: 4 }),
      fc.dictionary(nastyKey(), tie('value'), { maxKeys: 4 }),
    ),
  })).value;

/** The regular expressions a zod string must match. */
function patternsOf(schema: z.ZodType): RegExp[] {
  const checks = (defOf(schema).checks ?? []) as { _zod: { def: { pattern?: RegExp } } }[];
  return checks.map((check) => check._zod.def.pattern).filter((pattern): pattern is RegExp => pattern instanceof RegExp);
}

/** Text a string schema accepts, mostly: random, the nasty strings that are valid Unicode and fit, or what its pattern matches. */
function textFor(schema: z.ZodString): fc.Arbitrary<string> {
  const min = schema.minLength ?? 0;
  // A string without a limit gets one longer than a DynamoDB item can be.
  const max = schema.maxLength ?? 400_000;
  const patterns = patternsOf(schema);
  const fitting = NASTY_STRINGS.filter((text) => text.length >= min && text.length <= max && isWellFormedText(text) && patterns.every((pattern) => pattern.test(text)));
  const valid = patterns.length
    ? fc.oneof(fc.stringMatching(patterns[0]!).filter((text) => text.length <= max), ...(fitting.length ? [fc.constantFrom(...fitting)] : []))
    : fc.oneof(fc.string({ minLength: min, maxLength: Math.max(min, Math.min(max, 30)) }), ...(fitting.length ? [fc.constantFrom(...fitting)] : []));
  const invalid = fc.constantFrom('a\ud800', 'y'.repeat(max + 1));
  return fc.oneof({ weight: 12, arbitrary: valid }, { weight: 1, arbitrary: invalid });
}

/**
 * Inputs shaped like `schema` (the right keys, mostly the right types and
 * lengths) with nasty strings, keys and values mixed in now and then: most get
 * past the first checks and reach the code behind them. `uuids` are ids worth
 * trying (existing resources).
 */
export function arbitraryFor(schema: z.ZodType, uuids: readonly string[], depth = 0): fc.Arbitrary<unknown> {
  const def = defOf(schema);
  const wrong = nastyJson();
  const mostly = (right: fc.Arbitrary<unknown>) => fc.oneof({ weight: 20, arbitrary: right }, { weight: 1, arbitrary: wrong });
  if (depth > 8) return wrong;
  switch (def.type) {
    case 'string': {
      const s = schema as z.ZodString;
      if (s.format === 'uuid' || s.format === 'guid') return mostly(uuids.length ? fc.oneof(fc.constantFrom(...uuids), fc.uuid()) : fc.uuid());
      if (s.format === 'datetime') return mostly(fc.date({ noInvalidDate: true, min: new Date(0), max: new Date(4e12) }).map((d) => d.toISOString()));
      if (s.format === 'email') return mostly(fc.oneof(fc.emailAddress(), nastyString()));
      if (s.format === 'url') return mostly(fc.oneof(fc.webUrl(), nastyString()));
      return textFor(s);
    }
    case 'number':
      return mostly(fc.oneof(fc.integer({ min: -5, max: 300 }), fc.double(), fc.constant(Number.MAX_SAFE_INTEGER)));
    case 'boolean':
      return mostly(fc.boolean());
    case 'literal':
      return mostly(fc.constantFrom(...(def.values as unknown[])));
    case 'enum':
      return mostly(fc.constantFrom(...Object.values(def.entries as Record<string, unknown>)));
    case 'object': {
      const shape = def.shape as Record<string, z.ZodType>;
      const entries = Object.fromEntries(Object.entries(shape).map(([key, value]) => [key, arbitraryFor(value, uuids, depth + 1)]));
      const keys = Object.keys(shape);
      const extra = fc.oneof({ weight: 9, arbitrary: fc.constant({}) }, { weight: 1, arbitrary: fc.dictionary(nastyKey(), nastyJson(), { maxKeys: 1 }) });
      return mostly(
        fc.tuple(fc.record(entries, { requiredKeys: keys.filter((key) => !isOptional(shape[key]!)) }), extra).map(([known, more]) => ({ ...more, ...(known as object) })),
      );
    }
    case 'array':
      return mostly(fc.array(arbitraryFor(def.element, uuids, depth + 1), { maxLength: 3 }));
    case 'record': {
      const key = fc.oneof(nastyKey(), arbitraryFor(def.keyType, uuids, depth + 1)).filter((item): item is string => typeof item === 'string');
      return mostly(fc.dictionary(key, arbitraryFor(def.valueType, uuids, depth + 1), { maxKeys: 3 }));
    }
    case 'union':
      return fc.oneof(...(def.options as z.ZodType[]).map((option) => arbitraryFor(option, uuids, depth + 1)));
    case 'intersection':
      return fc.tuple(arbitraryFor(def.left, uuids, depth + 1), arbitraryFor(def.right, uuids, depth + 1)).map(([a, b]) =>
        typeof a === 'object' && typeof b === 'object' && a && b ? { ...a, ...b } : a,
      );
    case 'optional':
    case 'default':
    case 'prefault':
      return fc.option(arbitraryFor(def.innerType, uuids, depth + 1), { nil: undefined, freq: 4 });
    case 'nullable':
      return fc.option(arbitraryFor(def.innerType, uuids, depth + 1), { nil: null, freq: 4 });
    case 'catch':
    case 'readonly':
    case 'nonoptional':
      return arbitraryFor(def.innerType, uuids, depth + 1);
    case 'pipe':
      return arbitraryFor(def.in, uuids, depth + 1);
    case 'lazy':
      return arbitraryFor(def.getter(), uuids, depth + 1);
    default:
      return wrong;
  }
}

function isOptional(schema: z.ZodType): boolean {
  const type = defOf(schema).type;
  return type === 'optional' || type === 'default' || type === 'prefault';
}
