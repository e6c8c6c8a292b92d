import { describe, expect, it } from 'vitest';
import {
  MAX_CONTACT_FIELD_VALUE_LENGTH,
  MAX_CONTACT_FIELDS,
  MAX_CONTACT_NAME_LENGTH,
  MAX_CONTACT_URN_LENGTH,
  MAX_CONTACT_URNS,
  upsertContact,
  validateContactInput,
} from '#domain/contact';
import { ConflictError, ForbiddenError, ValidationError } from '#domain/errors';
import { formatTimestamp } from '#domain/time';
import { compareTopics, findTopicByName, MAX_TOPICS_PER_WORKSPACE, newSystemTopic, newTopic, renameTopic, type Topic } from '#domain/topic';
import { hashTokenSecret, newMember } from '#domain/workspace';

const C = '5d76d86b-3bb9-4d5a-b822-c9d86f5d8e4f';
const NOW = '2026-11-24T10:00:00.000000Z';

describe('time', () => {
  it('formats UTC with six fractional digits, as RapidPro does', () => {
    expect(formatTimestamp(new Date('2026-11-24T10:00:00.123Z'))).toBe('2026-11-24T10:00:00.123000Z');
    expect(formatTimestamp(new Date(Date.UTC(2026, 0, 2, 3, 4, 5)))).toBe('2026-01-02T03:04:05.000000Z');
  });
});

describe('topics', () => {
  const general = newSystemTopic('w', NOW);

  it('names are unique regardless of case and at most 64 characters', () => {
    const sales = newTopic('w', ' Sales ', [general], NOW);
    expect(sales).toMatchObject({ name: 'Sales', system: false });
    expect(() => newTopic('w', 'SALES', [general, sales], NOW)).toThrow(ConflictError);
    expect(() => newTopic('w', 'general', [general], NOW)).toThrow(ConflictError);
    expect(() => newTopic('w', 'x'.repeat(65), [general], NOW, 'topic.name')).toThrow(expect.objectContaining({ field: 'topic.name' }));
    expect(() => newTopic('w', '  ', [general], NOW)).toThrow(ValidationError);
    expect(findTopicByName([general, sales], 'sAlEs')).toBe(sales);
  });

  it('a workspace holds at most 50', () => {
    const topics: Topic[] = [general];
    while (topics.length < MAX_TOPICS_PER_WORKSPACE) topics.push(newTopic('w', `t${topics.length}`, topics, NOW));
    expect(() => newTopic('w', 'one more', topics, NOW)).toThrow(expect.objectContaining({ code: 'topic_limit_reached' }));
  });

  it('rename: the system topic never; a taken name never; the same name changes nothing', () => {
    const sales = newTopic('w', 'Sales', [general], NOW);
    const support = newTopic('w', 'Support', [general, sales], NOW);
    const all = [general, sales, support];
    expect(() => renameTopic(general, 'Other', all)).toThrow(ForbiddenError);
    expect(() => renameTopic(sales, 'support', all)).toThrow(expect.objectContaining({ code: 'topic_name_taken' }));
    expect(renameTopic(sales, 'Sales', all).changed).toBe(false);
    expect(renameTopic(sales, 'SALES', all)).toMatchObject({ changed: true, topic: { name: 'SALES', uuid: sales.uuid } });
  });

  it('list the system topic first, then by name', () => {
    const b = newTopic('w', 'beta', [general], NOW);
    const a = newTopic('w', 'Alpha', [general, b], NOW);
    expect([b, general, a].sort(compareTopics).map((t) => t.name)).toEqual(['General', 'Alpha', 'beta']);
  });
});

describe('contacts', () => {
  it('limits names, URNs and fields as RapidPro does, naming the field', () => {
    const uuid = '5d76d86b-3bb9-4d5a-b822-c9d86f5d8e4f';
    const fieldOf = (input: Parameters<typeof validateContactInput>[0]) => {
      try {
        validateContactInput(input);
        return null;
      } catch (error) {
        return (error as ValidationError).field;
      }
    };
    const fields = (count: number, value = 'x') => Object.fromEntries(Array.from({ length: count }, (_, index) => [`f${index}`, value]));
    const urns = (count: number, length = 20) => Array.from({ length: count }, (_, index) => `tel:${String(index).padStart(length - 4, '1')}`);
    expect(fieldOf({ uuid, name: 'x'.repeat(MAX_CONTACT_NAME_LENGTH), urns: urns(MAX_CONTACT_URNS, MAX_CONTACT_URN_LENGTH), fields: fields(MAX_CONTACT_FIELDS, 'x'.repeat(MAX_CONTACT_FIELD_VALUE_LENGTH)) })).toBeNull();
    expect(fieldOf({ uuid, name: 'x'.repeat(MAX_CONTACT_NAME_LENGTH + 1) })).toBe('contact.name');
    expect(fieldOf({ uuid, urns: urns(MAX_CONTACT_URNS + 1) })).toBe('contact.urns');
    expect(fieldOf({ uuid, urns: urns(1, MAX_CONTACT_URN_LENGTH + 1) })).toBe('contact.urns');
    expect(fieldOf({ uuid, fields: fields(MAX_CONTACT_FIELDS + 1) })).toBe('contact.fields');
    expect(fieldOf({ uuid, fields: { bio: 'x'.repeat(MAX_CONTACT_FIELD_VALUE_LENGTH + 1) } })).toBe('contact.fields.bio');
  });

  it('upsert creates, then merges given values and fields; null clears a field', () => {
    const created = upsertContact(null, 'w', { uuid: C, name: 'Ann', urns: ['tel:+1', 'tel:+1'], fields: { a: '1', b: '2' } }, NOW);
    expect(created).toMatchObject({ changed: true, contact: { name: 'Ann', urns: ['tel:+1'], language: null, open_ticket: null, version: 0 } });
    const later = '2026-11-25T10:00:00.000000Z';
    const merged = upsertContact(created.contact, 'w', { uuid: C, fields: { b: null, c: '3' } }, later);
    expect(merged.contact).toMatchObject({ name: 'Ann', fields: { a: '1', b: null, c: '3' }, created_on: NOW, modified_on: later });
    expect(upsertContact(merged.contact, 'w', { uuid: C, name: 'Ann' }, later).changed).toBe(false);
  });

  it('validates what it stores, naming the field', () => {
    expect(() => upsertContact(null, 'w', { uuid: C, language: 'en' }, NOW)).toThrow(expect.objectContaining({ field: 'contact.language' }));
    expect(() => upsertContact(null, 'w', { uuid: C, urns: ['12345'] }, NOW)).toThrow(expect.objectContaining({ field: 'contact.urns' }));
    expect(() => upsertContact(null, 'w', { uuid: C, fields: { 'Bad Key': 'x' } }, NOW)).toThrow(expect.objectContaining({ field: 'contact.fields' }));
    expect(() => upsertContact(null, 'w', { uuid: 'WS#x#TICKET', name: 'X' }, NOW)).toThrow(expect.objectContaining({ field: 'contact.uuid' }));
  });
});

describe('members and tokens', () => {
  it('emails are lowercased and validated; roles are RapidPro’s', () => {
    expect(newMember({ workspace: 'w', email: ' Ann@Example.COM ', name: 'Ann', role: 'agent' }, NOW).email).toBe('ann@example.com');
    expect(() => newMember({ workspace: 'w', email: 'nope', name: 'X', role: 'agent' }, NOW)).toThrow(expect.objectContaining({ field: 'email' }));
    expect(() => newMember({ workspace: 'w', email: 'a@b.c', name: 'X', role: 'owner' as never }, NOW)).toThrow(expect.objectContaining({ field: 'role' }));
  });

  it('a token is stored as its sha256', () => {
    expect(hashTokenSecret('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});
