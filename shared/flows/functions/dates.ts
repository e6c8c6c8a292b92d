// Date, datetime and time functions. Datetimes are shown in the
// environment's time zone; layouts use goflow's codes (see expressions/dates).
import Decimal from 'decimal.js';
import { DateTime, Info } from 'luxon';
import {
  dateOf,
  dateTimeFromParts,
  formatWithLayout,
  nowDateTime,
  parseWithLayout,
} from '../expressions/dates';
import { XDate, XDateTime, XError, XTime, xError, xNumber, xText, type XValue } from '../expressions/values';
import { argDate, argDateTime, argTime } from './convert';
import { failed, registerFunctions } from './registry';
import { asAny, asDateTime, asInteger, asNumber, asText, noArgs, oneArg, oneDate, oneDateTime, threeIntegers, typed } from './wrappers';

function inZone(v: XDateTime, zone: string): XDateTime {
  return new XDateTime(v.dt.setZone(zone), v.micros);
}

/** A datetime that luxon could represent, or the error (a year past 9999, an unknown zone…). */
function valid(v: XDateTime, what = 'datetime'): XDateTime | XError {
  return v.dt.isValid ? v : xError(`${what} is out of range`);
}

function validZone(zone: string): string | XError {
  return zone === 'UTC' || Info.isValidIANAZone(zone) ? zone : xError(`unknown time zone: ${zone}`);
}

const UNITS: Record<string, keyof import('luxon').DurationLikeObject> = {
  Y: 'years',
  M: 'months',
  W: 'weeks',
  D: 'days',
  h: 'hours',
  m: 'minutes',
  s: 'seconds',
};

function formatIn(dt: XDateTime, layout: string, what: string): XValue {
  if (!dt.dt.isValid) return xError(`${what} is out of range`);
  const out = formatWithLayout(dt, layout);
  return out === undefined ? xError(`invalid ${what} format: ${layout}`) : xText(out);
}

registerFunctions({
  date: oneArg((scope, v) => argDate(scope.env, v)),
  datetime: oneArg((scope, v) => argDateTime(scope.env, v)),
  time: oneArg((_scope, v) => argTime(v)),
  now: noArgs((scope) => nowDateTime(scope.env)),
  today: noArgs((scope) => dateOf(nowDateTime(scope.env))),
  tz: oneDateTime((_scope, dt) => xText(dt.dt.zoneName ?? 'UTC')),
  tz_offset: oneDateTime((_scope, dt) => xText(dt.dt.toFormat('ZZZ'))),
  parse_datetime: typed([asText, asText], [asText], (scope, text, layout, z) => {
    const zone = validZone(z ?? scope.env.timezone);
    if (failed(zone)) return zone;
    const parsed = parseWithLayout(text, layout);
    if (!parsed?.date) return xError(`unable to parse "${text}" as a datetime with layout ${layout}`);
    const zoneName = parsed.offset ? (parsed.offset === 'Z' ? 'UTC' : `UTC${parsed.offset}`) : zone;
    return valid(dateTimeFromParts(parsed.date, parsed.time, zoneName));
  }),
  parse_time: typed([asText, asText], [], (_scope, text, layout) => {
    const parsed = parseWithLayout(text, layout);
    return parsed ? parsed.time : xError(`unable to parse "${text}" as a time with layout ${layout}`);
  }),
  datetime_from_epoch: typed([asNumber], [], (scope, seconds) => {
    const micros = seconds.times(1_000_000).floor();
    // Luxon keeps milliseconds; the microseconds beyond them are kept beside.
    const millis = micros.div(1000).floor();
    if (millis.abs().gt(8.64e15)) return xError('epoch time is out of range');
    const dt = DateTime.fromMillis(millis.toNumber(), { zone: scope.env.timezone });
    return valid(new XDateTime(dt, micros.minus(millis.times(1000)).toNumber()));
  }),
  datetime_diff: typed([asDateTime, asDateTime, asText], [], (_scope, from, to, unit) => {
    const x = from.dt;
    const y = to.dt.setZone(x.zone);
    switch (unit) {
      case 'Y':
        return xNumber(y.year - x.year);
      case 'M':
        return xNumber((y.year - x.year) * 12 + y.month - x.month);
      case 'W':
      case 'D':
      case 'h':
      case 'm':
      case 's': {
        const unitName = UNITS[unit]!;
        return xNumber(Math.trunc(y.diff(x, unitName).as(unitName)));
      }
      default:
        return xError(`unknown unit: ${unit}, must be one of s, m, h, D, W, M, Y`);
    }
  }),
  datetime_add: typed([asDateTime, asInteger, asText], [], (_scope, dt, amount, unit) => {
    const unitName = Object.hasOwn(UNITS, unit) ? UNITS[unit] : undefined;
    if (!unitName) return xError(`unknown unit: ${unit}, must be one of s, m, h, D, W, M, Y`);
    return valid(new XDateTime(dt.dt.plus({ [unitName]: amount }), dt.micros));
  }),
  replace_time: typed([asDateTime, asAny], [], (scope, dt, t) => {
    const time = argTime(t);
    if (failed(time)) return time;
    return valid(dateTimeFromParts(dateOf(dt), time, dt.dt.zoneName ?? scope.env.timezone));
  }),
  epoch: oneDateTime((_scope, dt) => xNumber(new Decimal(dt.dt.toMillis()).times(1000).plus(dt.micros).div(1_000_000))),
  date_from_parts: threeIntegers((_scope, year, month, day) => {
    if (month < 1 || month > 12) return xError(`invalid value for month, must be 1-12`);
    // Days past the month's end roll over, as in goflow.
    const dt = DateTime.fromObject({ year, month, day: 1 }, { zone: 'UTC' }).plus({ days: day - 1 });
    if (!dt.isValid) return xError('date is out of range');
    return new XDate(dt.year, dt.month, dt.day);
  }),
  time_from_parts: threeIntegers((_scope, hour, minute, second) => {
    if (hour < 0 || hour > 23) return xError('invalid value for hour, must be 0-23');
    if (minute < 0 || minute > 59) return xError('invalid value for minute, must be 0-59');
    if (second < 0 || second > 59) return xError('invalid value for second, must be 0-59');
    return new XTime(hour, minute, second, 0);
  }),
  weekday: oneDate((_scope, d) => xNumber(DateTime.fromObject({ year: d.year, month: d.month, day: d.day }, { zone: 'UTC' }).weekday % 7)),
  week_number: oneDate((_scope, d) => {
    const date = DateTime.fromObject({ year: d.year, month: d.month, day: d.day }, { zone: 'UTC' });
    const jan1Weekday = date.startOf('year').weekday % 7;
    return xNumber(Math.floor((date.ordinal - 1 + jan1Weekday) / 7) + 1);
  }),
  format_date: typed([asAny], [asText], (scope, v, layout = scope.env.dateFormat) => {
    const d = argDate(scope.env, v);
    if (failed(d)) return d;
    return formatIn(dateTimeFromParts(d, new XTime(0, 0, 0, 0), 'UTC'), layout, 'date');
  }),
  format_datetime: typed([asAny], [asText, asText], (scope, v, layout = `${scope.env.dateFormat} ${scope.env.timeFormat}`, z) => {
    const zone = validZone(z ?? scope.env.timezone);
    if (failed(zone)) return zone;
    const dt = argDateTime(scope.env, v);
    if (failed(dt)) return dt;
    return formatIn(inZone(dt, zone), layout, 'date');
  }),
  format_time: typed([asAny], [asText], (scope, v, layout = scope.env.timeFormat) => {
    const t = argTime(v);
    if (failed(t)) return t;
    return formatIn(dateTimeFromParts(new XDate(2000, 1, 1), t, 'UTC'), layout, 'time');
  }),
});
