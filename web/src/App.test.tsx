// @vitest-environment happy-dom
// The shell against a fake API (fetch): signed out it asks for a sign-in, an
// agent gets no Manage Logins, an administrator does.
import { cleanup, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { App, createQueryClient } from './App';

const ME = (role: string) => ({
  user: { uuid: '0190a000-0000-7000-8000-000000000001', email: 'ana@example.com', name: 'Ana' },
  workspace: { uuid: '0190a000-0000-7000-8000-000000000002', name: 'Demo', api_rate_limit: null, created_on: '2026-11-24T10:00:00.000000Z' },
  role,
});

function fakeApi(routes: Record<string, () => Response>) {
  const calls: string[] = [];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (input: Request) => {
      const url = new URL(input.url);
      calls.push(`${input.method} ${url.pathname}`);
      const route = routes[`${input.method} ${url.pathname}`];
      return route ? route() : new Response(JSON.stringify({ message: 'Not Found' }), { status: 404 });
    }),
  );
  return calls;
}
const json = (body: unknown, status = 200) => () => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

beforeEach(() => window.history.replaceState(null, '', '/inbox/all'));
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe('the app shell', () => {
  it('asks a signed-out visitor to sign in', async () => {
    fakeApi({ 'GET /me': json({ message: 'Unauthorized' }, 401) });
    render(<App queryClient={createQueryClient()} locale="en" />);
    expect(await screen.findByRole('button', { name: 'Sign in' })).toBeTruthy();
    expect(screen.getByLabelText('Email')).toBeTruthy();
    expect(screen.getByLabelText('Password')).toBeTruthy();
  });

  it('shows an agent the tickets but not Manage Logins, and an administrator both', async () => {
    const empty = { all: 0, unassigned: 0, mine: 0, topics: [] };
    fakeApi({ 'GET /me': json(ME('agent')), 'GET /folders': json(empty), 'GET /tickets': json({ results: [], next_cursor: null }) });
    render(<App queryClient={createQueryClient()} locale="en" />);
    const nav = await screen.findByRole('navigation', { name: 'Main' });
    expect(nav.textContent).toContain('Tickets');
    expect(nav.textContent).not.toContain('Manage Logins');
    await waitFor(() => expect(screen.getByRole('link', { name: /^All/ })).toBeTruthy());
    cleanup();
    vi.unstubAllGlobals();

    fakeApi({ 'GET /me': json(ME('administrator')), 'GET /folders': json(empty), 'GET /tickets': json({ results: [], next_cursor: null }) });
    render(<App queryClient={createQueryClient()} locale="en" />);
    const adminNav = await screen.findByRole('navigation', { name: 'Main' });
    for (const name of ['Tickets', 'Manage Logins', 'Triggers', 'Flows']) expect(adminNav.textContent).toContain(name);
  });
});
