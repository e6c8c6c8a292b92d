// Router tests (the `type` of a switch router case). Each takes the
// operand plus the case arguments and returns either `false` or a match: an
// object whose default is `true`, with `match` (the value a result stores)
// and optional `extra`. They are callable from expressions as well.
import Decimal from 'decimal.js';
import { findNumbers as findPhoneNumbers, type CountryCode } from 'libphonenumber-js';
import { compareValues } from '../expressions/evaluate';
import { dateTimeFromParts, findDate, findTime, nowDateTime, timeOf } from '../expressions/dates';
import {
  XArray,
  XBoolean,
  XError,
  XObject,
  XText,
  parseDecimal,
  toNumber,
  toText,
  unwrapDefault,
  xBool,
  xError,
  xNumber,
  xText,
  type XValue,
} from '../expressions/values';
import { argDate } from '../functions/convert';
import { failed, registerFunctions, type FunctionSpec } from '../functions/registry';
import { asNumber, asObject, asText, leading, typed } from '../functions/wrappers';
import { tokenize } from '../functions/words';
import type { Scope } from '../expressions/evaluate';
import { LOCATION_LEVELS } from '../locations';

export function testMatch(match: XValue, extra?: XValue): XObject {
  const props = new Map<string, XValue>([['match', match]]);
  if (extra !== undefined) props.set('extra', extra);
  return new XObject(props, new XBoolean(true));
}

/** No match: renders `false`, its match is empty (goflow's FalseResult). */
const NO_MATCH = new XObject(new Map<string, XValue>([['match', xText('')]]), xBool(false));

function textArg(v: XValue | undefined): string | XError {
  return toText(v ?? null);
}

type TextTest = (scope: Scope, text: string, args: XValue[]) => XValue;

/** A test whose operand is read as text, followed by `min`..`max` arguments. */
function textTest(min: number, max: number, test: TextTest): FunctionSpec {
  return leading(asText, min, max, test);
}

function wordsTest(mode: 'any' | 'all' | 'phrase' | 'only_phrase'): FunctionSpec {
  return textTest(1, 1, (_scope, text, [arg]) => {
    const needle = textArg(arg);
    if (failed(needle)) return needle;
    const haystack = tokenize(text);
    const wanted = tokenize(needle).map((w) => w.text.toLowerCase());
    const lower = haystack.map((w) => w.text.toLowerCase());
    if (mode === 'any' || mode === 'all') {
      const matched = haystack.filter((w) => wanted.includes(w.text.toLowerCase()));
      const ok = mode === 'any' ? matched.length > 0 : wanted.every((w) => lower.includes(w));
      return ok && wanted.length > 0 ? testMatch(xText(matched.map((w) => w.text).join(' '))) : NO_MATCH;
    }
    if (mode === 'only_phrase') {
      return lower.length === wanted.length && lower.every((w, i) => w === wanted[i])
        ? testMatch(xText(haystack.map((w) => w.text).join(' ')))
        : NO_MATCH;
    }
    if (wanted.length === 0) return testMatch(xText(''));
    for (let i = 0; i + wanted.length <= lower.length; i++) {
      if (wanted.every((w, j) => lower[i + j] === w)) {
        return testMatch(xText(haystack.slice(i, i + wanted.length).map((w) => w.text).join(' ')));
      }
    }
    return NO_MATCH;
  });
}

// Digits of other scripts read as 0-9: Arabic-Indic, Eastern Arabic-Indic (Persian, Urdu), Bengali.
const DIGIT_ZEROS = [0x0660, 0x06f0, 0x09e6];

function westernDigits(text: string): string {
  return text.replace(/[\u0660-\u0669\u06f0-\u06f9\u09e6-\u09ef]/g, (c) => {
    const cp = c.codePointAt(0)!;
    const zero = DIGIT_ZEROS.find((z) => cp >= z && cp <= z + 9)!;
    return String(cp - zero);
  });
}

/** Every number written in free text, in order, e.g. "between 10 and 42" → 10, 42. */
export function findNumbers(text: string): Decimal[] {
  const found: Decimal[] = [];
  const source = westernDigits(text);
  for (const m of source.matchAll(/[-+]?(?:\d+(?:[.,]\d+)?|\.\d+)/g)) {
    const before = source[m.index - 1];
    const after = source[m.index + m[0].length];
    if ((before && /\p{L}/u.test(before)) || (after && /\p{L}/u.test(after))) continue;
    const d = parseDecimal(m[0].replace(',', '.'));
    if (d) found.push(d);
  }
  return found;
}

/** Matches the first number of the text that passes `compare` (goflow tries each in turn). */
function numberTest(argCount: number, compare: (n: Decimal, args: Decimal[]) => boolean): FunctionSpec {
  return textTest(argCount, argCount, (_scope, text, args) => {
    const bounds: Decimal[] = [];
    for (const a of args) {
      const n = toNumber(a);
      if (failed(n)) return n;
      bounds.push(n);
    }
    const n = findNumbers(text).find((candidate) => compare(candidate, bounds));
    return n !== undefined ? testMatch(xNumber(n)) : NO_MATCH;
  });
}

function dateTest(compare?: (c: number) => boolean): FunctionSpec {
  const count = compare ? 1 : 0;
  return textTest(count, count, (scope, text, args) => {
    let bound;
    if (compare) {
      bound = argDate(scope.env, args[0] ?? null);
      if (failed(bound)) return bound;
    }
    const found = findDate(text, scope.env.dateFormat);
    if (!found) return NO_MATCH;
    if (bound && compare && !compare(compareValues(found.date, bound) as number)) return NO_MATCH;
    // A time written after the date is kept; otherwise the time of day of "now", as goflow does.
    const time = findTime(text.slice(found.end)) ?? timeOf(nowDateTime(scope.env));
    return testMatch(dateTimeFromParts(found.date, time, scope.env.timezone));
  });
}

const hasText = textTest(0, 0, (_s, text) => (text.trim() ? testMatch(xText(text.trim())) : NO_MATCH));

const EMAIL = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}.-]+\.[\p{L}]{2,}/u;

registerFunctions({
  has_text: hasText,
  // An old name of has_text, still found in definitions.
  has_value: hasText,
  has_only_text: textTest(1, 1, (_s, text, [arg]) => {
    const t = textArg(arg);
    if (failed(t)) return t;
    return text === t ? testMatch(xText(text)) : NO_MATCH;
  }),
  has_any_word: wordsTest('any'),
  has_all_words: wordsTest('all'),
  has_phrase: wordsTest('phrase'),
  has_only_phrase: wordsTest('only_phrase'),
  has_beginning: textTest(1, 1, (_s, text, [arg]) => {
    const b = textArg(arg);
    if (failed(b)) return b;
    const trimmed = text.trim();
    const prefix = b.trim();
    return prefix && trimmed.toLowerCase().startsWith(prefix.toLowerCase()) ? testMatch(xText(trimmed.slice(0, prefix.length))) : NO_MATCH;
  }),
  has_pattern: textTest(1, 1, (_s, text, [arg]) => {
    const p = textArg(arg);
    if (failed(p)) return p;
    let re: RegExp;
    try {
      re = new RegExp(p.trim(), 'imu');
    } catch {
      return xError(`invalid regular expression: ${p}`);
    }
    const m = re.exec(text);
    if (!m) return NO_MATCH;
    const groups = new Map<string, XValue>(m.map((g, i) => [String(i), xText(g ?? '')]));
    return testMatch(xText(m[0]), new XObject(groups));
  }),
  has_number: numberTest(0, () => true),
  has_number_lt: numberTest(1, (n, [a]) => n.lt(a!)),
  has_number_lte: numberTest(1, (n, [a]) => n.lte(a!)),
  has_number_eq: numberTest(1, (n, [a]) => n.eq(a!)),
  has_number_gte: numberTest(1, (n, [a]) => n.gte(a!)),
  has_number_gt: numberTest(1, (n, [a]) => n.gt(a!)),
  has_number_between: numberTest(2, (n, [a, b]) => n.gte(a!) && n.lte(b!)),
  has_date: dateTest(),
  has_date_lt: dateTest((c) => c < 0),
  has_date_eq: dateTest((c) => c === 0),
  has_date_gt: dateTest((c) => c > 0),
  has_time: textTest(0, 0, (_s, text) => {
    const t = findTime(text);
    return t ? testMatch(t) : NO_MATCH;
  }),
  has_email: textTest(0, 0, (_s, text) => {
    const m = EMAIL.exec(text);
    return m ? testMatch(xText(m[0].replace(/\.$/, ''))) : NO_MATCH;
  }),
  has_phone: textTest(0, 1, (scope, text, [country]) => {
    const c = country === undefined ? scope.env.defaultCountry : textArg(country);
    if (failed(c)) return c;
    const found = findPhoneNumbers(text, { defaultCountry: (c || undefined) as CountryCode | undefined, v2: true });
    const first = found[0];
    return first ? testMatch(xText(first.number.number)) : NO_MATCH;
  }),
  // Deprecated NLU tests: goflow keeps them readable but they never match.
  has_intent: typed([asObject, asText, asNumber], [], () => NO_MATCH),
  has_top_intent: typed([asObject, asText, asNumber], [], () => NO_MATCH),
  has_category: {
    min: 1,
    max: Infinity,
    body: (_s, [result, ...categories]) => {
      if (!(result instanceof XObject)) return NO_MATCH;
      const category = result.get('category');
      const name = category === undefined ? '' : toText(category);
      if (failed(name)) return name;
      for (const c of categories) {
        const t = textArg(c);
        if (failed(t)) return t;
        if (t.toLowerCase() === name.toLowerCase()) return testMatch(xText(name));
      }
      return NO_MATCH;
    },
  },
  has_group: {
    min: 2,
    max: 3,
    body: (_s, [groups, uuid]) => {
      const list = unwrapDefault(groups ?? null);
      if (!(list instanceof XArray)) return xError('must be an array of groups');
      const wanted = textArg(uuid);
      if (failed(wanted)) return wanted;
      for (const g of list.items) {
        if (g instanceof XObject && toText(g.get('uuid') ?? null) === wanted) return testMatch(g);
      }
      return NO_MATCH;
    },
  },
  has_error: {
    min: 1,
    max: 1,
    acceptsErrors: true,
    body: (_s, [v]) => (v instanceof XError ? testMatch(xText(v.message)) : NO_MATCH),
  },
  has_state: textTest(0, 0, (scope, text) => {
    const state = scope.env.locations?.find(text, LOCATION_LEVELS.state);
    return state ? testMatch(xText(state.path)) : NO_MATCH;
  }),
  has_district: textTest(0, 1, (scope, text, [stateArg]) => {
    const locations = scope.env.locations;
    if (!locations) return NO_MATCH;
    let state;
    if (stateArg !== undefined) {
      const stateText = textArg(stateArg);
      if (failed(stateText)) return stateText;
      state = locations.find(stateText, LOCATION_LEVELS.state);
      if (!state) return NO_MATCH;
    }
    const district = locations.find(text, LOCATION_LEVELS.district, state);
    return district ? testMatch(xText(district.path)) : NO_MATCH;
  }),
  has_ward: textTest(0, 2, (scope, text, [stateArg, districtArg]) => {
    const locations = scope.env.locations;
    if (!locations) return NO_MATCH;
    let parent;
    if (stateArg !== undefined) {
      const stateText = textArg(stateArg);
      if (failed(stateText)) return stateText;
      parent = locations.find(stateText, LOCATION_LEVELS.state);
      if (!parent) return NO_MATCH;
    }
    if (districtArg !== undefined) {
      const districtText = textArg(districtArg);
      if (failed(districtText)) return districtText;
      parent = locations.find(districtText, LOCATION_LEVELS.district, parent);
      if (!parent) return NO_MATCH;
    }
    const ward = locations.find(text, LOCATION_LEVELS.ward, parent);
    return ward ? testMatch(xText(ward.path)) : NO_MATCH;
  }),
});

/** The router test types a definition may use. */
export const ROUTER_TEST_TYPES = new Set([
  'has_text', 'has_only_text', 'has_any_word', 'has_all_words', 'has_phrase', 'has_only_phrase', 'has_beginning',
  'has_pattern', 'has_number', 'has_number_lt', 'has_number_lte', 'has_number_eq', 'has_number_gte', 'has_number_gt',
  'has_number_between', 'has_date', 'has_date_lt', 'has_date_eq', 'has_date_gt', 'has_time', 'has_phone', 'has_email',
  'has_category', 'has_group', 'has_error', 'has_state', 'has_district', 'has_ward', 'has_intent', 'has_top_intent', 'has_value',
]);

