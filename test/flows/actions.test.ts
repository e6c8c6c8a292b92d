import { describe, expect, it } from 'vitest';
import { SessionAssets } from '#flows/assets';
import { FlowEngine } from '#flows/engine';
import type { FlowJSON } from '#flows/definition/types';
import { inMemoryServices } from './support/in-memory-services';
import { contact } from './fixtures/flows';

let n = 0;
const uuid = () => `ac000000-0000-4000-8000-${String(++n).padStart(12, '0')}`;

/** A one-node flow running the given actions in order. */
function flowOf(actions: Record<string, unknown>[]): FlowJSON {
  return {
    uuid: 'ac000000-0000-4000-8000-100000000000',
    name: 'Actions',
    spec_version: '14.4.2',
    language: 'eng',
    type: 'messaging',
    nodes: [{ uuid: uuid(), actions: actions.map((a) => ({ uuid: uuid(), ...a })) as never, exits: [{ uuid: uuid() }] }],
  };
}

async function runActions(actions: Record<string, unknown>[], contactOverrides: Record<string, unknown> = {}) {
  const services = inMemoryServices();
  const flow = flowOf(actions);
  const assets = new SessionAssets({
    flows: [flow],
    groups: [
      { uuid: 'ac000000-0000-4000-8000-200000000001', name: 'Customers' },
      { uuid: 'ac000000-0000-4000-8000-200000000002', name: 'Spanish Speakers', query: 'language = spa' },
    ],
  });
  const sprint = await new FlowEngine(services).start({
    assets,
    contact: contact(contactOverrides),
    trigger: { type: 'manual', flow: { uuid: flow.uuid, name: flow.name }, triggered_on: '2026-01-01T00:00:00.000000Z' },
    environment: { default_country: 'RW', allowed_languages: ['eng', 'spa'] },
  });
  const events = sprint.events.filter((e) => e.type !== 'run_started' && e.type !== 'run_ended').map(({ uuid: _u, created_on: _c, ...rest }) => rest);
  return { sprint, events, services };
}

describe('actions', () => {
  it('set, increment and read run locals', async () => {
    const { events, sprint } = await runActions([
      { type: 'set_run_local', local: 'count', value: '2', operation: 'set' },
      { type: 'set_run_local', local: 'count', value: '@(1 + 2)', operation: 'increment' },
      { type: 'send_msg', text: 'count is @locals.count' },
    ]);
    expect(sprint.session.runs[0]!.locals).toEqual({ count: '5' });
    expect(events[0]).toMatchObject({ type: 'msg_created', msg: { text: 'count is 5' } });
  });

  it('change language and keep smart groups current', async () => {
    const { events, sprint } = await runActions([{ type: 'set_contact_language', language: 'spa' }]);
    expect(events).toEqual([
      { type: 'contact_language_changed', language: 'spa' },
      { type: 'contact_groups_changed', groups_added: [{ uuid: 'ac000000-0000-4000-8000-200000000002', name: 'Spanish Speakers' }] },
    ]);
    expect(sprint.session.contact.language).toBe('spa');
  });

  it("add a phone URN normalized with the contact's country, once", async () => {
    const { events, sprint } = await runActions(
      [
        { type: 'add_contact_urn', scheme: 'tel', path: '0788 123 456' },
        { type: 'add_contact_urn', scheme: 'tel', path: '+250788123456' },
      ],
      { urns: ['tel:+250781111111'] },
    );
    expect(events).toEqual([{ type: 'contact_urns_changed', urns: ['tel:+250781111111', 'tel:+250788123456'] }]);
    expect(sprint.session.runs[0]!.locals).toEqual({ _has_urn: 'tel:+250788123456' });
  });

  it('refuse an invalid URN', async () => {
    const { events } = await runActions([{ type: 'add_contact_urn', scheme: 'mailto', path: 'not an address' }]);
    expect(events).toEqual([{ type: 'error', text: "'mailto:not an address' is not valid URN", code: 'urn:invalid', extra: { urn: 'mailto:not an address' } }]);
  });

  it('add to and remove from static groups, refusing smart groups', async () => {
    const { events } = await runActions([
      { type: 'add_contact_groups', groups: [{ uuid: 'ac000000-0000-4000-8000-200000000001', name: 'Customers' }] },
      { type: 'add_contact_groups', groups: [{ uuid: 'ac000000-0000-4000-8000-200000000002', name: 'Spanish Speakers' }] },
      { type: 'remove_contact_groups', groups: [], all_groups: true },
    ]);
    expect(events).toEqual([
      { type: 'contact_groups_changed', groups_added: [{ uuid: 'ac000000-0000-4000-8000-200000000001', name: 'Customers' }] },
      { type: 'error', text: "Can't add contacts to the query based group 'Spanish Speakers'" },
      { type: 'contact_groups_changed', groups_removed: [{ uuid: 'ac000000-0000-4000-8000-200000000001', name: 'Customers' }] },
    ]);
  });

  it('block a contact: messages become unsendable', async () => {
    const { events } = await runActions([
      { type: 'set_contact_status', status: 'blocked' },
      { type: 'send_msg', text: 'hello?' },
    ]);
    expect(events[0]).toEqual({ type: 'contact_status_changed', status: 'blocked' });
    expect(events[1]).toMatchObject({ type: 'msg_created', msg: { unsendable_reason: 'contact_blocked' } });
  });

  it('send e-mail through the mail port', async () => {
    const { events, services } = await runActions([{ type: 'send_email', addresses: ['agent@example.com'], subject: 'About @contact.name', body: 'Hello' }]);
    expect(services.email.sent).toEqual([{ to: ['agent@example.com'], subject: 'About Ben Haggerty', body: 'Hello' }]);
    expect(events).toEqual([{ type: 'email_sent', to: ['agent@example.com'], subject: 'About Ben Haggerty', body: 'Hello' }]);
  });

  it('send messages in the contact language when the flow has it', async () => {
    const services = inMemoryServices();
    const flow = flowOf([{ type: 'send_msg', text: 'Hello', quick_replies: ['Yes', 'No'] }]);
    const action = flow.nodes[0]!.actions![0]!;
    flow.localization = { spa: { [action.uuid]: { text: ['Hola'], quick_replies: ['Sí', 'No'] } } };
    const sprint = await new FlowEngine(services).start({
      assets: new SessionAssets({ flows: [flow] }),
      contact: contact({ language: 'spa' }),
      trigger: { type: 'manual', flow: { uuid: flow.uuid, name: flow.name }, triggered_on: '2026-01-01T00:00:00.000000Z' },
      environment: { allowed_languages: ['eng', 'spa'] },
    });
    expect(sprint.events[1]!.msg).toMatchObject({ text: 'Hola', quick_replies: [{ type: 'text', text: 'Sí' }, { type: 'text', text: 'No' }], locale: 'spa-US' });
  });
});
