import { describe, expect, it } from 'vitest';
import { parseISODateTime } from '#flows/expressions/dates';
import { environmentFromJSON } from '#flows/expressions/environment';
import { evaluateTemplate } from '#flows/expressions/template';
import { XObject } from '#flows/expressions/values';
import { LocationHierarchy } from '#flows/locations';
import { RWANDA } from './support/locations';

const now = parseISODateTime('2026-11-24T15:00:00.000000Z')!;
const env = {
  ...environmentFromJSON({ timezone: 'UTC', date_format: 'DD-MM-YYYY', default_country: 'RW' }, () => now),
  locations: new LocationHierarchy(RWANDA),
};
const run = (template: string) => evaluateTemplate(template, { env, context: XObject.of({}), warnings: [] }).text;

describe('router tests', () => {
  it('match words in any order and report the words that matched', () => {
    expect(run('@(has_any_word("I said YES please", "yes no").match)')).toBe('YES');
    expect(run('@(has_all_words("no way", "yes no"))')).toBe('false');
  });

  it('find numbers in free text and compare them', () => {
    expect(run('@(has_number_between("about 12.5 kg", 10, 20).match)')).toBe('12.5');
    expect(run('@(has_number_lt("7 days", 7))')).toBe('false');
    expect(run('@(has_number_gte("7 days", 7))')).toBe('true');
  });

  it('reads dates in the environment date order', () => {
    expect(run('@(has_date_eq("born 02/03/1990", "1990-03-02"))')).toBe('true');
  });

  it('finds phone numbers using the default country', () => {
    expect(run('@(has_phone("call 0788 123 456").match)')).toBe('+250788123456');
  });

  it('find locations by name or alias, within a parent when one is given', () => {
    expect(run('@(has_state("I live in kigali").match)')).toBe('Rwanda > Kigali City');
    expect(run('@(has_district("Gasabo", "Kigali").match)')).toBe('Rwanda > Kigali City > Gasabo');
    expect(run('@(has_district("Gasabo", "Eastern Province"))')).toBe('false');
    expect(run('@(has_ward("near Ndera", "Kigali", "Gasabo").match)')).toBe('Rwanda > Kigali City > Gasabo > Ndera');
  });

  it('matches categories of results exactly, as goflow does', () => {
    expect(run('@(has_category(object("category", "Success"), "Failure", "Success").match)')).toBe('Success');
    expect(run('@(has_category(object("category", "Success"), "success"))')).toBe('false');
  });
});
