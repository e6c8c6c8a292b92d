// Router tests (the `type` of a switch router case). Each takes the
// operand plus the case arguments and returns either `false` or a match: an
// object whose default is `true`, with `match` (the value a result stores)
// and optional `extra`. They are callable from expressions as well.
import Decimal from 'decimal.js';
import { findNumbers as findPhoneNumbers, type CountryCode } from 'libphonenumber-js';
import { compareValues } from '../expressions/evaluate';
import { dateTimeFromParts, findDate, findTime, nowDateTime, timeOf } from '../expressions/dates';
import {
  XBoolean,
  XError,
  XObject,
  parseDecimal,
  toText,
  xBool,
  xError,
  xNumber,
  xText,
  type XDate,
  type XValue,
} from '../expressions/values';
import { failed, registerFunctions, type FunctionSpec } from '../functions/registry';
import { acceptingErrors, asAny, asArray, asNumber, asObject, asText, convertAll, leading, oneArg, oneText, textAndDate, textAndNumber, textAndOptionalText, twoTexts, typed } from '../functions/wrappers';
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

function wordsTest(mode: 'any' | 'all' | 'phrase' | 'only_phrase'): FunctionSpec {
  return twoTexts((_scope, text, needle) => {
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
function numberMatch(text: string, compare: (n: Decimal) => boolean): XValue {
  const n = findNumbers(text).find(compare);
  return n !== undefined ? testMatch(xNumber(n)) : NO_MATCH;
}

/** has_number_lt and its kin: the text and one bound. */
const numberTest = (compare: (n: Decimal, bound: Decimal) => boolean) => textAndNumber((_s, text, bound) => numberMatch(text, (n) => compare(n, bound)));

/** The first date written in the text, if it passes `accept`. */
function dateMatch(scope: Scope, text: string, accept: (date: XDate) => boolean): XValue {
  const found = findDate(text, scope.env.dateFormat);
  if (!found || !accept(found.date)) return NO_MATCH;
  // A time written after the date is kept; otherwise the time of day of "now", as goflow does.
  const time = findTime(text.slice(found.end)) ?? timeOf(nowDateTime(scope.env));
  return testMatch(dateTimeFromParts(found.date, time, scope.env.timezone));
}

/** has_date_lt and its kin: the text and a date it is compared with. */
const dateTest = (accept: (c: number) => boolean) => textAndDate((scope, text, bound) => dateMatch(scope, text, (d) => accept(compareValues(d, bound) as number)));

const hasText = oneText((_s, text) => (text.trim() ? testMatch(xText(text.trim())) : NO_MATCH));

const EMAIL = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}.-]+\.[\p{L}]{2,}/u;

registerFunctions({
  has_text: hasText,
  // An old name of has_text, still found in definitions.
  has_value: hasText,
  has_only_text: twoTexts((_s, text, other) => (text === other ? testMatch(xText(text)) : NO_MATCH)),
  has_any_word: wordsTest('any'),
  has_all_words: wordsTest('all'),
  has_phrase: wordsTest('phrase'),
  has_only_phrase: wordsTest('only_phrase'),
  has_beginning: twoTexts((_s, text, beginning) => {
    const trimmed = text.trim();
    const prefix = beginning.trim();
    return prefix && trimmed.toLowerCase().startsWith(prefix.toLowerCase()) ? testMatch(xText(trimmed.slice(0, prefix.length))) : NO_MATCH;
  }),
  has_pattern: twoTexts((_s, text, pattern) => {
    let re: RegExp;
    try {
      re = new RegExp(pattern.trim(), 'imu');
    } catch {
      return xError('must be called with a valid regular expression');
    }
    const m = re.exec(text);
    if (!m) return NO_MATCH;
    const groups = new Map<string, XValue>(m.map((g, i) => [String(i), xText(g ?? '')]));
    return testMatch(xText(m[0]), new XObject(groups));
  }),
  has_number: oneText((_s, text) => numberMatch(text, () => true)),
  has_number_lt: numberTest((n, bound) => n.lt(bound)),
  has_number_lte: numberTest((n, bound) => n.lte(bound)),
  has_number_eq: numberTest((n, bound) => n.eq(bound)),
  has_number_gte: numberTest((n, bound) => n.gte(bound)),
  has_number_gt: numberTest((n, bound) => n.gt(bound)),
  has_number_between: typed([asText, asNumber, asNumber], [], (_s, text, min, max) => numberMatch(text, (n) => n.gte(min) && n.lte(max))),
  has_date: oneText((scope, text) => dateMatch(scope, text, () => true)),
  has_date_lt: dateTest((c) => c < 0),
  has_date_eq: dateTest((c) => c === 0),
  has_date_gt: dateTest((c) => c > 0),
  has_time: oneText((_s, text) => {
    const t = findTime(text);
    return t ? testMatch(t) : NO_MATCH;
  }),
  has_email: oneText((_s, text) => {
    const m = EMAIL.exec(text);
    return m ? testMatch(xText(m[0].replace(/\.$/, ''))) : NO_MATCH;
  }),
  has_phone: textAndOptionalText((scope, text, country = scope.env.defaultCountry) => {
    const found = findPhoneNumbers(text, { defaultCountry: (country || undefined) as CountryCode | undefined, v2: true });
    const first = found[0];
    return first ? testMatch(xText(first.number.number)) : NO_MATCH;
  }),
  has_category: leading(asObject, 0, Infinity, (scope, result, rest) => {
    const categories = convertAll(scope, asText, rest);
    if (failed(categories)) return categories;
    const category = result.get('category');
    const name = category === undefined ? '' : toText(category);
    if (failed(name)) return name;
    return categories.includes(name) ? testMatch(xText(name)) : NO_MATCH;
  }),
  has_group: typed([asArray, asText], [asAny], (_s, groups, wanted) => {
    for (const g of groups.items) {
      if (g instanceof XObject && toText(g.get('uuid') ?? null) === wanted) return testMatch(g);
    }
    return NO_MATCH;
  }),
  has_error: acceptingErrors(oneArg((_s, v) => (v instanceof XError ? testMatch(xText(v.message)) : NO_MATCH))),
  // Deprecated NLU tests: goflow keeps them readable but they never match.
  has_intent: typed([asObject, asText, asNumber], [], () => NO_MATCH),
  has_top_intent: typed([asObject, asText, asNumber], [], () => NO_MATCH),
  has_state: oneText((scope, text) => {
    const state = scope.env.locations?.find(text, LOCATION_LEVELS.state);
    return state ? testMatch(xText(state.path)) : NO_MATCH;
  }),
  has_district: textAndOptionalText((scope, text, stateName) => {
    const locations = scope.env.locations;
    if (!locations) return NO_MATCH;
    const state = stateName === undefined ? undefined : locations.find(stateName, LOCATION_LEVELS.state);
    if (stateName !== undefined && !state) return NO_MATCH;
    const district = locations.find(text, LOCATION_LEVELS.district, state);
    return district ? testMatch(xText(district.path)) : NO_MATCH;
  }),
  has_ward: typed([asText], [asText, asText], (scope, text, stateName, districtName) => {
    const locations = scope.env.locations;
    if (!locations) return NO_MATCH;
    let parent;
    if (stateName !== undefined) {
      parent = locations.find(stateName, LOCATION_LEVELS.state);
      if (!parent) return NO_MATCH;
    }
    if (districtName !== undefined) {
      parent = locations.find(districtName, LOCATION_LEVELS.district, parent);
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

