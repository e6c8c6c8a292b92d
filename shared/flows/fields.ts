// Contact field values: the text as typed plus every typed reading of it
// (number, datetime), as goflow stores them.
import { dateTimeFromText } from './expressions/dates';
import type { Environment } from './expressions/environment';
import { formatISODateTime, parseDecimal } from './expressions/values';
import type { FieldValueJSON } from './contact';
import { LOCATION_LEVELS, type LocationHierarchy } from './locations';

export function fieldValueFromText(text: string, env: Environment): FieldValueJSON {
  const value: FieldValueJSON = { text };
  const number = parseDecimal(text);
  if (number) value.number = Number(number.toFixed());
  const datetime = dateTimeFromText(env, text);
  if (datetime && !number) value.datetime = formatISODateTime(datetime);
  Object.assign(value, locationValues(text, env.locations));
  return value;
}

/** A value naming a place fills the levels above it too: a district knows its state. */
function locationValues(text: string, locations: LocationHierarchy | undefined): Partial<FieldValueJSON> {
  if (!locations) return {};
  const state = locations.find(text, LOCATION_LEVELS.state);
  const district = locations.find(text, LOCATION_LEVELS.district, state);
  const ward = district ? locations.find(text, LOCATION_LEVELS.ward, district) : undefined;
  const out: Partial<FieldValueJSON> = {};
  const deepest = ward ?? district ?? state;
  if (!deepest) return out;
  const [, stateName, districtName, wardName] = deepest.path.split(' > ');
  const country = deepest.path.split(' > ')[0]!;
  if (stateName) out.state = `${country} > ${stateName}`;
  if (districtName) out.district = `${out.state} > ${districtName}`;
  if (wardName) out.ward = `${out.district} > ${wardName}`;
  return out;
}
