// Number functions, all in decimal arithmetic.
import Decimal from 'decimal.js';
import { XError, checkedNumber, divide, toBoolean, xError, xNumber, xText } from '../expressions/values';
import { registerFunctions } from './registry';
import { asAny, asInteger, asNumber, noArgs, numberAndOptionalInteger, oneNumber, twoNumbers, typed, variadic } from './wrappers';

// Rounding to more places than this never changes a number in range (±1E100).
const MAX_ROUND_PLACES = 1000;

/**
 * Rounds to `places` decimals; negative places round the integer part to
 * the nearest 10^-places (round(12.146, -1) → 10).
 */
function roundTo(n: Decimal, places: number, mode: Decimal.Rounding): XNumberOrError {
  const p = Math.max(-MAX_ROUND_PLACES, Math.min(MAX_ROUND_PLACES, places));
  if (p >= 0) return checkedNumber(n.toDecimalPlaces(p, mode));
  const unit = new Decimal(10).pow(-p);
  return checkedNumber(n.div(unit).toDecimalPlaces(0, mode).times(unit));
}
type XNumberOrError = ReturnType<typeof checkedNumber>;

const rounding = (mode: Decimal.Rounding) => numberAndOptionalInteger((_s, n, places) => roundTo(n, places, mode), 0);

/** Groups thousands with commas and keeps at most `places` decimals. */
export function formatNumber(n: Decimal, places: number | undefined, humanize: boolean): string {
  const fixed = places === undefined ? n.toFixed() : n.toFixed(places, Decimal.ROUND_HALF_UP);
  if (!humanize) return fixed;
  const [whole = '', fraction] = fixed.split('.');
  const sign = whole.startsWith('-') ? '-' : '';
  const digits = sign ? whole.slice(1) : whole;
  const grouped = digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${sign}${grouped}${fraction !== undefined ? `.${fraction}` : ''}`;
}

/** A random decimal in [0, 1). */
function random(): Decimal {
  return new Decimal(Math.random()).toDecimalPlaces(16);
}

registerFunctions({
  number: oneNumber((_s, n) => xNumber(n)),
  abs: oneNumber((_s, n) => xNumber(n.abs())),
  round: rounding(Decimal.ROUND_HALF_UP),
  round_up: rounding(Decimal.ROUND_CEIL),
  round_down: rounding(Decimal.ROUND_FLOOR),
  max: variadic(asNumber, 1, (_s, ns) => xNumber(Decimal.max(...ns))),
  min: variadic(asNumber, 1, (_s, ns) => xNumber(Decimal.min(...ns))),
  mean: variadic(asNumber, 1, (_s, ns) => checkedNumber(divide(ns.reduce((a, b) => a.plus(b), new Decimal(0)), new Decimal(ns.length)))),
  mod: twoNumbers((_s, a, b) => (b.isZero() ? xError('division by zero') : checkedNumber(a.mod(b)))),
  rand: noArgs(() => xNumber(random())),
  rand_between: twoNumbers((_s, a, b) => checkedNumber(random().times(b.minus(a).plus(1)).plus(a).floor())),
  percent: oneNumber((_s, n) => {
    const rounded = roundTo(n.times(100), 0, Decimal.ROUND_HALF_UP);
    return rounded instanceof XError ? rounded : xText(`${rounded.value.toFixed(0)}%`);
  }),
  format_number: typed([asNumber], [asInteger, asAny], (_s, n, places, human) => {
    if (places !== undefined && (places < 0 || places > 9)) return xError(`must take 0-9 number of places, got ${places}`);
    const humanize = human === undefined ? true : toBoolean(human);
    if (humanize instanceof XError) return humanize;
    return xText(formatNumber(n, places, humanize));
  }),
});
