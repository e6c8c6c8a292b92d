// Argument conversions shared by the function families.
import type { Environment } from '../expressions/environment';
import { dateFromText, dateOf, dateTimeFromParts, dateTimeFromText, timeFromText, timeOf } from '../expressions/dates';
import { XDate, XDateTime, XError, XText, XTime, unwrapDefault, xError, type XValue } from '../expressions/values';

export function argDateTime(env: Environment, v: XValue): XDateTime | XError {
  v = unwrapDefault(v);
  if (v instanceof XDateTime) return v;
  if (v instanceof XDate) return dateTimeFromParts(v, new XTime(0, 0, 0, 0), env.timezone);
  if (v instanceof XText) {
    return dateTimeFromText(env, v.value) ?? xError(`unable to convert "${v.value}" to a datetime`);
  }
  return xError(`unable to convert ${v === null ? 'null' : v.kind} to a datetime`);
}

export function argDate(env: Environment, v: XValue): XDate | XError {
  v = unwrapDefault(v);
  if (v instanceof XDate) return v;
  // The calendar day is the one in the environment's time zone.
  if (v instanceof XDateTime) return dateOf(new XDateTime(v.dt.setZone(env.timezone), v.micros));
  if (v instanceof XText) return dateFromText(env, v.value) ?? xError(`unable to convert "${v.value}" to a date`);
  return xError(`unable to convert ${v === null ? 'null' : v.kind} to a date`);
}

export function argTime(v: XValue): XTime | XError {
  v = unwrapDefault(v);
  if (v instanceof XTime) return v;
  if (v instanceof XDateTime) return timeOf(v);
  if (v instanceof XText) return timeFromText(v.value) ?? xError(`unable to convert "${v.value}" to a time`);
  return xError(`unable to convert ${v === null ? 'null' : v.kind} to a time`);
}

