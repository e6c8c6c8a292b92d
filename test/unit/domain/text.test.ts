// Input classes refused wherever they occur (shared/domain/text.ts), and the
// contact field keys that can never be keys (shared/domain/contact.ts).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { validateContactInput } from '#domain/contact';
import { ValidationError } from '#domain/errors';
import { findMalformedText, isWellFormedText } from '#domain/text';

describe('findMalformedText', () => {
  it('names the place of a lone surrogate in a value or a key, and of a __proto__ key', () => {
    expect(findMalformedText({ contact: { name: 'a\ud800' } })).toMatchObject({ path: 'contact.name' });
    expect(findMalformedText({ list: ['ok', '\udc00'] })).toMatchObject({ path: 'list.1' });
    expect(findMalformedText({ fields: { ['k\ud800']: 'x' } })).toMatchObject({ path: 'fields' });
    expect(findMalformedText(JSON.parse('{"contact": {"fields": {"__proto__": "x"}}}'))).toMatchObject({ path: 'contact.fields.__proto__' });
    expect(findMalformedText('\ud83d')).toMatchObject({ path: '' });
  });

  it('accepts emoji, other scripts and `constructor` keys', () => {
    expect(findMalformedText({ name: 'Support 💬 👩‍👩‍👧', city: 'São Paulo', 名前: '山田', constructor: 'x' })).toBeNull();
  });

  it('agrees with a UTF-8 round trip on any string', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        const roundTrips = Buffer.from(text, 'utf8').toString('utf8') === text;
        expect(isWellFormedText(text)).toBe(roundTrips);
      }),
      { numRuns: 500 },
    );
  });
});

describe('contact field keys', () => {
  it.each(['constructor', 'name', 'uuid', 'has'])('refuses "%s", naming the field', (key) => {
    const attempt = () => validateContactInput({ uuid: '5f1b6c1e-6d43-4a8e-9d2b-8f0b6f0b6f0b', fields: { [key]: 'x' } });
    expect(attempt).toThrow(ValidationError);
    expect(() => attempt()).toThrow(expect.objectContaining({ field: `contact.fields.${key}` }));
  });

  it('accepts keys that only look like them (prototype names are camelCase)', () => {
    expect(() => validateContactInput({ uuid: '5f1b6c1e-6d43-4a8e-9d2b-8f0b6f0b6f0b', fields: { valueof: 'x', plan: 'gold', name_2: 'y' } })).not.toThrow();
  });
});
