import { describe, expect, it } from 'vitest';
import { SessionAssets } from '#flows/assets';
import { Contact, reevaluateSmartGroups } from '#flows/contact';
import { ContactQueryError, evaluateContactQuery, parseContactQuery } from '#flows/contact-query';
import { parseISODateTime } from '#flows/expressions/dates';
import { environmentFromJSON } from '#flows/expressions/environment';
import { contact } from './fixtures/flows';

const env = environmentFromJSON({ timezone: 'UTC' }, () => parseISODateTime('2026-11-24T10:00:00.000000Z')!);
const assets = new SessionAssets({
  fields: [
    { key: 'age', name: 'Age', type: 'number' },
    { key: 'gender', name: 'Gender', type: 'text' },
  ],
  groups: [
    { uuid: 'g0000000-0000-4000-8000-000000000001', name: 'Adults', query: 'age >= 18' },
    { uuid: 'g0000000-0000-4000-8000-000000000002', name: 'No Age', query: 'age = ""' },
  ],
});
const ben = (fields: Record<string, unknown> = {}) => new Contact(contact({ fields }) as never);
const matches = (query: string, c = ben({ age: { text: '34', number: 34 }, gender: { text: 'Male' } })) =>
  evaluateContactQuery(c, parseContactQuery(query), assets, env);

describe('contact queries', () => {
  it('compare numbers, text (case-insensitively) and URNs', () => {
    expect(matches('age > 30')).toBe(true);
    expect(matches('age < 30')).toBe(false);
    expect(matches('gender = male')).toBe(true);
    expect(matches('tel ~ "206555"')).toBe(true);
    expect(matches('name ~ "hag"')).toBe(true);
  });

  it('combine conditions with AND, OR and parentheses (side by side means AND)', () => {
    expect(matches('gender = female OR (age > 30 AND tel ~ "+1")')).toBe(true);
    expect(matches('gender = male age < 30')).toBe(false);
  });

  it('treat = "" as "has no value" and != "" as "has one"', () => {
    expect(matches('age = ""', ben())).toBe(true);
    expect(matches('age != ""', ben())).toBe(false);
  });

  it('refuses queries it cannot read', () => {
    expect(() => parseContactQuery('age >')).toThrow(ContactQueryError);
  });

  it('keep smart groups current', () => {
    const c = ben();
    expect(reevaluateSmartGroups(c, assets, env)).toEqual({ added: [{ uuid: 'g0000000-0000-4000-8000-000000000002', name: 'No Age' }], removed: [] });
    c.fields.age = { text: '40', number: 40 };
    expect(reevaluateSmartGroups(c, assets, env)).toEqual({
      added: [{ uuid: 'g0000000-0000-4000-8000-000000000001', name: 'Adults' }],
      removed: [{ uuid: 'g0000000-0000-4000-8000-000000000002', name: 'No Age' }],
    });
  });
});
