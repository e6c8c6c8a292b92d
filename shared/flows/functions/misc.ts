// Logic, errors and defaults, JSON, URNs, attachments and generic formatting.
import {
  XDate,
  XDateTime,
  XError,
  XNumber,
  XObject,
  XTime,
  checkedNumber,
  fromJSON,
  isEmpty,
  toBoolean,
  toJSONText,
  toNumber,
  toText,
  unwrapDefault,
  xBool,
  xError,
  xText,
  type XValue,
} from '../expressions/values';
import { formatURN, parseURN } from '../urns';
import type Decimal from 'decimal.js';
import type { Scope } from '../expressions/evaluate';
import { FUNCTIONS, failed, registerFunctions } from './registry';
import { argDateTime } from './convert';
import { acceptingErrors, asText, oneArg, oneText, threeArgs, twoArgs, variadic, type Converter } from './wrappers';
import { formatNumber } from './numbers';

const asBoolean: Converter<boolean> = (_s, v) => toBoolean(v);

/**
 * `+` of expressions migrated from RapidPro's legacy syntax: a date plus a
 * number adds days, two numbers add up.
 */
function legacyAdd(scope: Scope, a: XValue, b: XValue): XValue {
  const da = argDateTime(scope.env, a);
  const db = argDateTime(scope.env, b);
  const na = toNumber(a);
  const nb = toNumber(b);
  if (!failed(da) && !failed(db)) return xError('cannot operate on two dates');
  const addDays = (d: XDateTime, n: Decimal): XValue => {
    const days = n.trunc().toNumber();
    if (Math.abs(days) > 2147483647) return xError('cannot operate on integers greater than 32 bit');
    const dt = d.dt.plus({ days });
    return dt.isValid ? new XDateTime(dt, d.micros) : xError('date is out of range');
  };
  if (!failed(da) && !failed(nb)) return addDays(da, nb);
  if (!failed(db) && !failed(na)) return addDays(db, na);
  if (failed(na)) return na;
  if (failed(nb)) return nb;
  return checkedNumber(na.plus(nb));
}

const PROMPTS: Record<string, (args: string[]) => string> = {
  categorize: ([categories]) => `Categorize the following text into one of the following: ${categories ?? '[]'}`,
};

registerFunctions({
  boolean: oneArg((_s, v) => {
    const b = toBoolean(v);
    return failed(b) ? b : xBool(b);
  }),
  and: variadic(asBoolean, 1, (_s, bs) => xBool(bs.every((b) => b))),
  or: variadic(asBoolean, 1, (_s, bs) => xBool(bs.some((b) => b))),
  // Only the branch taken may be an error.
  if: acceptingErrors(
    threeArgs((_s, test, a, b) => {
      const t = toBoolean(test);
      return failed(t) ? t : t ? a : b;
    }),
  ),
  is_error: acceptingErrors(oneArg((_s, v) => xBool(v instanceof XError))),
  default: acceptingErrors(twoArgs((_s, v, d) => (v instanceof XError || isEmpty(v) ? d : v))),
  json: oneArg((_s, v) => {
    const t = toJSONText(v);
    return failed(t) ? t : xText(t);
  }),
  parse_json: oneText((_s, t) => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(t);
    } catch {
      return xError('unable to parse JSON');
    }
    return fromJSON(parsed);
  }),
  urn_parts: oneText((_s, t) => {
    const urn = parseURN(t);
    if (!urn) return xError(`${t} is not a valid URN`);
    return XObject.of({ scheme: xText(urn.scheme), path: xText(urn.path), display: xText(urn.display) });
  }),
  format_urn: oneText((_s, t) => {
    const urn = parseURN(t);
    if (!urn) return xError(`${t} is not a valid URN`);
    return xText(formatURN(urn));
  }),
  attachment_parts: oneText((_s, t) => {
    const colon = t.indexOf(':');
    if (colon < 0) return xError(`${t} is not a valid attachment`);
    return XObject.of({ content_type: xText(t.slice(0, colon)), url: xText(t.slice(colon + 1)) });
  }),
  format_location: oneText((_s, t) => xText(t.split('>').pop()!.trim())),
  legacy_add: twoArgs((scope, a, b) => legacyAdd(scope, a, b)),
  format: oneArg((scope, v) => {
    const value = unwrapDefault(v);
    if (value instanceof XNumber) return xText(formatNumber(value.value, undefined, true));
    if (value instanceof XDateTime) return FUNCTIONS.get('format_datetime')!.call(scope, [value]);
    if (value instanceof XDate) return FUNCTIONS.get('format_date')!.call(scope, [value]);
    if (value instanceof XTime) return FUNCTIONS.get('format_time')!.call(scope, [value]);
    const t = toText(value);
    return failed(t) ? t : xText(t);
  }),
  prompt: variadic(asText, 1, (_s, [key, ...texts]) => {
    const template = Object.hasOwn(PROMPTS, key!) ? PROMPTS[key!] : undefined;
    return template ? xText(template(texts)) : xError(`no prompt named '${key}'`);
  }),
});

