// @vitest-environment happy-dom
// The ticket view against a fake API: the conversation in time order (bot,
// contact, notes, history lines), the contact's fields, the checkmark for an
// open ticket and Reopen under a closed one.
import { QueryClientProvider } from '@tanstack/react-query';
import { cleanup, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createQueryClient } from '../App';
import { I18nProvider } from '../i18n';
import { TicketView } from './TicketView';

const T = '0190a000-0000-7000-8000-0000000000t1'.replace('t1', 'a1');
const C = '0190a000-0000-7000-8000-0000000000c1';
const ana = { uuid: '0190a000-0000-7000-8000-0000000000u1', email: 'ana@example.com', name: 'Ana' };
const me = { user: ana, workspace: { uuid: 'w', name: 'Demo', api_rate_limit: null, pause_bot_during_tickets: true, created_on: '2026-11-24T10:00:00.000000Z' }, role: 'agent' as const };
const topic = { uuid: '0190a000-0000-7000-8000-0000000000p1', name: 'Billing' };

function detail(status: 'open' | 'closed') {
  return {
    ticket: {
      uuid: T, status, contact: { uuid: C, name: 'Carla' }, topic, assignee: null, opened_on: '2026-11-24T10:00:02.000000Z', opened_by: null, opened_in: null,
      modified_on: '2026-11-24T10:00:02.000000Z', last_activity_on: '2026-11-24T10:00:05.000000Z', closed_on: status === 'closed' ? '2026-11-24T10:00:06.000000Z' : null, replied_on: null,
    },
    history: [
      { uuid: 'e1', type: 'ticket_opened', created_on: '2026-11-24T10:00:02.000000Z', created_by: null, topic },
      { uuid: 'e2', type: 'ticket_note_added', created_on: '2026-11-24T10:00:03.000000Z', created_by: ana, note: 'Charged twice' },
      { uuid: 'e3', type: 'ticket_assignee_changed', created_on: '2026-11-24T10:00:04.000000Z', created_by: ana, assignee: ana, previous_assignee: null },
    ],
    contact: { uuid: C, name: 'Carla', language: 'por', urns: ['tel:+5511900000000'], fields: { city: 'Recife', reference: null }, groups: [{ uuid: 'g1', name: 'VIP customers' }], open_ticket: status === 'open' ? T : null, created_on: '2026-11-24T10:00:00.000000Z', modified_on: '2026-11-24T10:00:00.000000Z' },
  };
}
const item = (fields: Record<string, unknown>) => ({
  kind: 'msg', quick_replies: [], attachments: [], urn: 'tel:+5511900000000', channel: null, user: null, flow: null, ticket_uuid: T, failed_reason: null, ...fields,
  modified_on: fields.created_on,
});
// Newest first, as the API answers.
const conversation = {
  results: [
    { kind: 'event', uuid: 'e3', type: 'ticket_assignee_changed', created_on: '2026-11-24T10:00:04.000000Z', created_by: ana, assignee: ana, previous_assignee: null },
    { kind: 'event', uuid: 'e2', type: 'ticket_note_added', created_on: '2026-11-24T10:00:03.000000Z', created_by: ana, note: 'Charged twice' },
    { kind: 'event', uuid: 'e1', type: 'ticket_opened', created_on: '2026-11-24T10:00:02.000000Z', created_by: null, topic },
    item({ uuid: 'm2', direction: 'in', status: 'handled', text: 'INV-1', created_on: '2026-11-24T10:00:01.000000Z' }),
    item({ uuid: 'm1', direction: 'out', status: 'delivered', text: 'Your invoice number?', flow: { uuid: 'f', name: 'Billing help' }, created_on: '2026-11-24T10:00:00.000000Z' }),
  ],
  next_cursor: null,
};

function fakeApi(status: 'open' | 'closed') {
  vi.stubGlobal('fetch', async (request: Request) => {
    const path = new URL(request.url).pathname;
    const body = path === `/tickets/${T}` ? detail(status) : path === `/tickets/${T}/conversation` ? conversation : path === '/topics' ? { results: [] } : null;
    return new Response(JSON.stringify(body ?? { message: 'Not Found' }), { status: body ? 200 : 404, headers: { 'content-type': 'application/json' } });
  });
}

function renderView() {
  return render(
    <QueryClientProvider client={createQueryClient()}>
      <I18nProvider initial="en">
        <TicketView uuid={T} me={me} />
      </I18nProvider>
    </QueryClientProvider>,
  );
}

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe('the ticket view', () => {
  it('draws the conversation oldest first with notes and history lines, the contact fields and the checkmark', async () => {
    fakeApi('open');
    renderView();
    const list = await screen.findByRole('list', { name: 'Conversation' });
    await vi.waitFor(() => expect(list.textContent).toContain('INV-1'));
    const items = within(list).getAllByRole('listitem').map((item) => item.textContent ?? '');
    const order = ['Your invoice number?', 'INV-1', 'Ticket opened in Billing', 'Charged twice', 'Assigned to Ana by Ana'].map((text) => items.findIndex((item) => item.includes(text)));
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(order.every((index) => index >= 0)).toBe(true);
    const details = screen.getByRole('complementary', { name: 'Contact details' });
    expect(details.textContent).toContain('Recife');
    expect(details.textContent).toContain('tel:+5511900000000');
    expect(within(details).getAllByRole('listitem').map((item) => item.textContent)).toContain('VIP customers');
    expect(list.textContent).toContain('delivered');
    expect(screen.getByRole('button', { name: 'Close ticket' })).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Reopen' })).toBeNull();
  });

  it('offers Reopen instead of the checkmark and the compose boxes under a closed conversation', async () => {
    fakeApi('closed');
    renderView();
    await screen.findByRole('button', { name: 'Reopen' });
    expect(screen.queryByRole('button', { name: 'Close ticket' })).toBeNull();
    expect(screen.queryByRole('textbox', { name: 'Note' })).toBeNull();
  });
});
