// The pure rules of conversations: keyword and catch-all matching, twin
// triggers, replies on the ticket, URNs, filenames and outgoing limits.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalizeUrn, validateUrn } from '#domain/contact';
import { ConflictError, ValidationError } from '#domain/errors';
import { recordContactMessage, recordReply, type Ticket } from '#domain/ticket';
import { assertNoTwin, messageTrigger, messageWords, validateTriggerInput, type ClosedTicketTrigger } from '#domain/triggers';
import { sanitizeFilename, validateOutgoing } from '#use-cases/conversations';

const VIP = '00000000-0000-4000-8000-000000000001';
let created = 0;
function trigger(flow: string, fields: Partial<ClosedTicketTrigger> = {}): ClosedTicketTrigger {
  created++;
  return {
    workspace: 'w',
    uuid: `10000000-0000-4000-8000-${String(created).padStart(12, '0')}`,
    flow: { uuid: flow, name: flow },
    groups: [],
    exclude_groups: [],
    created_on: `2026-11-24T10:00:${String(created).padStart(2, '0')}.000000Z`,
    modified_on: '2026-11-24T10:00:00.000000Z',
    ...fields,
  };
}

describe('messageTrigger', () => {
  const help = trigger('help', { type: 'keyword', keywords: ['help'], match_type: 'F' });
  const vipHelp = trigger('vip-help', { type: 'keyword', keywords: ['help'], groups: [{ uuid: VIP, name: 'VIP' }] });
  const join = trigger('join', { type: 'keyword', keywords: ['join', 'inscription'], match_type: 'O' });
  const fallback = trigger('fallback', { type: 'catch_all' });
  const closed = trigger('survey');
  const all = [closed, help, vipHelp, join, fallback];

  it('matches the first word, any case, by RapidPro\'s tokens', () => {
    expect(messageWords('  HELP, me please!')).toEqual(['help', 'me', 'please']);
    expect(messageTrigger(all, 'Help! me', new Set(), false)).toMatchObject({ trigger: { flow: { uuid: 'help' } }, keyword: 'help', match: 'F' });
    expect(messageTrigger(all, 'help', new Set([VIP]), true)).toMatchObject({ trigger: { flow: { uuid: 'vip-help' } } });
    expect(messageTrigger(all, 'helpful', new Set(), false)?.trigger.flow.uuid).toBe('fallback');
  });

  it('matches only-word triggers only on a message of that one word', () => {
    expect(messageTrigger(all, 'Inscription.', new Set(), false)).toMatchObject({ trigger: { flow: { uuid: 'join' } }, match: 'O' });
    expect(messageTrigger(all, 'join us', new Set(), false)?.trigger.flow.uuid).toBe('fallback');
  });

  it('falls back to the catch-all only when no session waits, and never to a closed-ticket trigger', () => {
    expect(messageTrigger(all, 'anything', new Set(), true)).toBeNull();
    expect(messageTrigger(all, '', new Set(), false)?.trigger.flow.uuid).toBe('fallback');
    expect(messageTrigger([closed], 'anything', new Set(), false)).toBeNull();
  });
});

describe('keyword trigger input', () => {
  it('needs 1 to 10 single words, and only keyword triggers have them', () => {
    const flow = { uuid: '20000000-0000-4000-8000-000000000001' };
    expect(() => validateTriggerInput({ type: 'keyword', keywords: ['help'], flow })).not.toThrow();
    expect(() => validateTriggerInput({ type: 'keyword', keywords: ['two words'], flow })).toThrow(ValidationError);
    expect(() => validateTriggerInput({ type: 'keyword', keywords: [], flow })).toThrow(ValidationError);
    expect(() => validateTriggerInput({ type: 'keyword', keywords: ['a'.repeat(17)], flow })).toThrow(ValidationError);
    expect(() => validateTriggerInput({ type: 'catch_all', keywords: ['help'], flow })).toThrow(ValidationError);
    expect(() => validateTriggerInput({ type: 'catch_all', match_type: 'O', flow })).toThrow(ValidationError);
  });

  it('refuses a twin: the same keyword and groups, or a second catch-all for the same groups', () => {
    const existing = [trigger('a', { type: 'keyword', keywords: ['help', 'aide'] }), trigger('b', { type: 'catch_all' }), trigger('c')];
    expect(() => assertNoTwin(trigger('d', { type: 'keyword', keywords: ['aide'] }), existing)).toThrow(ConflictError);
    expect(() => assertNoTwin(trigger('d', { type: 'keyword', keywords: ['aide'], groups: [{ uuid: VIP, name: 'VIP' }] }), existing)).not.toThrow();
    expect(() => assertNoTwin(trigger('d', { type: 'catch_all' }), existing)).toThrow(ConflictError);
    expect(() => assertNoTwin(trigger('d', { type: 'keyword', keywords: ['other'] }), existing)).not.toThrow();
  });
});

describe('a reply on the ticket', () => {
  const ticket: Ticket = {
    workspace: 'w',
    uuid: 't',
    status: 'open',
    contact: 'c',
    topic: 'p',
    assignee: null,
    opened_on: '2026-11-24T10:00:00.000000Z',
    opened_by: null,
    opened_in: null,
    modified_on: '2026-11-24T10:00:00.000000Z',
    last_activity_on: '2026-11-24T10:00:00.000000Z',
    closed_on: null,
    replied_on: null,
    last_message: null,
    version: 3,
  };

  it('assigns an unassigned ticket to the sender, sets replied_on once and moves last_activity_on', () => {
    const first = recordReply(ticket, { user: 'ann', now: '2026-11-24T10:05:00.000000Z' }, 'First answer');
    expect(first.ticket).toMatchObject({ assignee: 'ann', replied_on: '2026-11-24T10:05:00.000000Z', last_activity_on: '2026-11-24T10:05:00.000000Z', modified_on: '2026-11-24T10:05:00.000000Z', version: 4 });
    expect(first.events).toMatchObject([{ type: 'ticket_assignee_changed', assignee: 'ann', previous_assignee: null, created_by: 'ann' }]);
    const second = recordReply(first.ticket, { user: 'bob', now: '2026-11-24T10:06:00.000000Z' }, 'Second answer');
    expect(second.ticket).toMatchObject({ assignee: 'ann', replied_on: '2026-11-24T10:05:00.000000Z', last_activity_on: '2026-11-24T10:06:00.000000Z', modified_on: '2026-11-24T10:05:00.000000Z', version: 5 });
    expect(second.events).toEqual([]);
    expect(first.ticket.last_message).toEqual({ text: 'First answer', direction: 'out', created_on: '2026-11-24T10:05:00.000000Z' });
    expect(second.ticket.last_message).toEqual({ text: 'Second answer', direction: 'out', created_on: '2026-11-24T10:06:00.000000Z' });
  });

  it('is refused on a closed ticket', () => {
    expect(() => recordReply({ ...ticket, status: 'closed' }, { user: 'ann', now: 'x' }, 'Hi')).toThrow(expect.objectContaining({ code: 'ticket_closed' }));
  });

  it('a contact\'s message never moves last_activity_on backwards', () => {
    expect(recordContactMessage(ticket, '2026-11-24T09:00:00.000000Z', 'Hello')).toMatchObject({ last_activity_on: ticket.last_activity_on, version: 4 });
    expect(recordContactMessage(ticket, '2026-11-24T11:00:00.000000Z', 'Hello').last_activity_on).toBe('2026-11-24T11:00:00.000000Z');
  });

  it('a contact\'s message becomes the last message, its text cut to 160 characters, unless a newer one is stored', () => {
    const long = `${'a'.repeat(159)}éxyz`;
    const joined = recordContactMessage(ticket, '2026-11-24T11:00:00.000000Z', long);
    expect(joined.last_message).toEqual({ text: `${'a'.repeat(159)}é`, direction: 'in', created_on: '2026-11-24T11:00:00.000000Z' });
    expect(recordContactMessage(joined, '2026-11-24T10:30:00.000000Z', 'late').last_message).toEqual(joined.last_message);
  });
});

describe('URNs, filenames and outgoing limits', () => {
  it('normalizes URN schemes and refuses what is not a URN', () => {
    expect(normalizeUrn(' TEL:+254700000001 ')).toBe('tel:+254700000001');
    expect(validateUrn('telegram:1234')).toBe('telegram:1234');
    for (const bad of ['', 'tel:', 'no scheme', ':x', '1tel:2', 'tel:   ']) expect(() => validateUrn(bad), bad).toThrow(ValidationError);
  });

  it('reduces any filename to a safe key segment', () => {
    expect(sanitizeFilename('../../etc/passwd')).toBe('passwd');
    expect(sanitizeFilename('C:\\Users\\ann\\Ünïcödé report (final).pdf')).toBe('Unicode_report_final_.pdf');
    expect(sanitizeFilename('...')).toBe('file');
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), (name) => {
        const safe = sanitizeFilename(name);
        expect(safe).toMatch(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$|^file$/);
      }),
    );
  });

  it('accepts an outgoing message within RapidPro\'s limits only', () => {
    expect(validateOutgoing({ text: 'hi', quick_replies: ['Yes'] })).toEqual({ text: 'hi', attachments: [], quick_replies: ['Yes'] });
    expect(() => validateOutgoing({ text: '' })).toThrow(ValidationError);
    expect(validateOutgoing({ text: '', attachments: ['https://x.example/a.png'] }).attachments).toHaveLength(1);
    expect(() => validateOutgoing({ text: 'x'.repeat(4097) })).toThrow(ValidationError);
    expect(() => validateOutgoing({ text: 'x', quick_replies: ['x'.repeat(65)] })).toThrow(ValidationError);
  });
});
