import { describe, expect, it } from 'vitest';
import { translate } from '../i18n';
import { parseEmails } from '../screens/ManageLogins';
import { closedTriggerFor } from '../screens/Triggers';
import { attachmentLink, historyLine, inTimeOrder, lastMessageLine, type ConversationEntry, type TicketEvent } from './conversation';

const t = (key: Parameters<typeof translate>[1], params?: Record<string, string | number>) => translate('en', key, params);
const bruno = { uuid: 'u2', email: 'bruno@example.com', name: 'Bruno' };
const event = (fields: Partial<TicketEvent>): TicketEvent => ({ uuid: 'e', type: 'ticket_opened', created_on: '2026-11-24T10:00:00.000000Z', created_by: null, ...fields });

describe('the conversation', () => {
  it('names an attachment by its file, not by its signed link, and opens the link', () => {
    const signed = 'http://127.0.0.1:8006/bucket/ws/01a2/refund%20receipt.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Signature=abc';
    expect(attachmentLink(signed)).toEqual({ url: signed, label: 'refund receipt.txt' });
    expect(attachmentLink(`image/jpeg:${signed}`)).toEqual({ url: signed, label: 'refund receipt.txt' });
    expect(attachmentLink('geo:-1.95,30.06')).toEqual({ url: 'geo:-1.95,30.06', label: 'geo:-1.95,30.06' });
  });

  it('says who did what, as history lines', () => {
    expect(historyLine(event({ type: 'ticket_assignee_changed', created_by: bruno, assignee: { uuid: 'u1', email: 'ana@example.com', name: 'Ana' } }), t)).toBe(
      'Assigned to Ana by Bruno',
    );
    expect(historyLine(event({ type: 'ticket_assignee_changed', created_by: bruno, assignee: null }), t)).toBe('Unassigned by Bruno');
    expect(historyLine(event({ type: 'ticket_opened', topic: { uuid: 't', name: 'Billing' } }), t)).toBe('Ticket opened in Billing');
    expect(historyLine(event({ type: 'ticket_closed', created_by: null }), t)).toBe('Closed by the flow');
  });

  it('puts messages and events in time order, oldest first', () => {
    const entries: ConversationEntry[] = [
      { kind: 'event', ...event({ uuid: 'b', created_on: '2026-11-24T10:00:02.000000Z' }) },
      {
        kind: 'msg', uuid: 'a', direction: 'in', text: 'hi', attachments: [], quick_replies: [], status: 'handled', urn: 'tel:+1', channel: null, user: null, flow: null,
        ticket_uuid: null, created_on: '2026-11-24T10:00:01.000000Z', modified_on: '2026-11-24T10:00:01.000000Z', failed_reason: null,
      },
      { kind: 'event', ...event({ uuid: 'c', created_on: '2026-11-24T10:00:02.000000Z' }) },
    ];
    expect(inTimeOrder(entries).map((entry) => entry.uuid)).toEqual(['a', 'b', 'c']);
  });

  it('reads email addresses typed one per line or separated by commas', () => {
    expect(parseEmails('ana@example.com, ben@example.com\n\nana@example.com;cy@example.com ')).toEqual(['ana@example.com', 'ben@example.com', 'cy@example.com']);
    expect(parseEmails('  ')).toEqual([]);
  });
});

describe('the ticket list\'s last message', () => {
  const at = '2026-11-24T10:00:00.000000Z';
  it('shows the contact\'s text on one line, a reply marked, an attachment named, and nothing without a message', () => {
    expect(lastMessageLine({ text: 'My order\nnever came', direction: 'in', created_on: at }, t)).toBe('My order never came');
    expect(lastMessageLine({ text: 'On it!', direction: 'out', created_on: at }, t)).toBe('Reply: On it!');
    expect(lastMessageLine({ text: ' ', direction: 'in', created_on: at }, t)).toBe('Attachment');
    expect(lastMessageLine(null, t)).toBeNull();
    expect(lastMessageLine({ text: 'Feito', direction: 'out', created_on: at }, (key, params) => translate('pt-BR', key, params))).toBe('Resposta: Feito');
  });
});

describe('the closed-ticket trigger a save changes', () => {
  const flow = { uuid: 'f', name: 'Survey' };
  const base = { type: 'closed_ticket' as const, flow, exclude_groups: [], created_on: '2026-11-24T10:00:00.000000Z', modified_on: '2026-11-24T10:00:00.000000Z' };
  const vip = { uuid: 'g1', name: 'VIP' };
  const gold = { uuid: 'g2', name: 'Gold' };
  const everyone = { ...base, uuid: 't1', groups: [] };
  const vipGold = { ...base, uuid: 't2', groups: [vip, gold] };
  const excluding = { ...base, uuid: 't3', groups: [vip], exclude_groups: [gold] };
  const closed = [everyone, vipGold, excluding] as unknown as Parameters<typeof closedTriggerFor>[0];
  it('is the one for exactly the chosen groups, in any order; none chosen: the one for every contact; else none (a new one)', () => {
    expect(closedTriggerFor(closed, [])?.uuid).toBe('t1');
    expect(closedTriggerFor(closed, ['g2', 'g1'])?.uuid).toBe('t2');
    expect(closedTriggerFor(closed, ['g1'])).toBeUndefined();
    expect(closedTriggerFor([], [])).toBeUndefined();
  });
});
