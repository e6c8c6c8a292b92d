// What each object of the expression context renders as (goflow's
// `@context` documentation): in a template, as a function argument and in
// json(). A RapidPro flow reading `@ticket.topic` must say the topic's name.
import { describe, expect, it } from 'vitest';
import { SessionAssets } from '#flows/assets';
import type { FlowJSON } from '#flows/definition/types';
import { FlowEngine } from '#flows/engine';
import { inMemoryServices } from './support/in-memory-services';
import { contact } from './fixtures/flows';

const TOPIC = { uuid: 'a1000000-0000-4000-8000-0000000000e2', name: 'Delivery' };
const TICKET = { uuid: 'e0000000-0000-4000-8000-000000000009', status: 'open', topic: TOPIC, assignee: { uuid: 'a0000000-0000-4000-8000-0000000000b0', name: 'Bob McFarlane' } };
const FLOW_UUID = 'b3000000-0000-4000-8000-000000000001';

/** Runs a one-node flow that sends `template`, started by a closed-ticket trigger, and returns the text sent. */
async function render(template: string, triggerExtra: Record<string, unknown> = {}): Promise<string> {
  const flow = {
    uuid: FLOW_UUID,
    name: 'Ticket Closed',
    spec_version: '14.4.2',
    language: 'eng',
    type: 'messaging',
    revision: 7,
    nodes: [
      {
        uuid: 'b3000000-0000-4000-8000-0000000000a1',
        actions: [{ uuid: 'b3000000-0000-4000-8000-0000000000b1', type: 'send_msg', text: template }],
        exits: [{ uuid: 'b3000000-0000-4000-8000-0000000000c1' }],
      },
    ],
  };
  const services = inMemoryServices();
  const engine = new FlowEngine(services);
  const assets = new SessionAssets({
    flows: [flow as unknown as FlowJSON],
    topics: [TOPIC],
    users: [{ uuid: 'a0000000-0000-4000-8000-0000000000b0', email: 'bob@example.com', name: 'Bob McFarlane' }, { email: 'ann@example.com', name: '' }],
    fields: [
      { key: 'age', name: 'Age', type: 'number' },
      { key: 'city', name: 'City', type: 'text' },
    ],
    globals: [{ key: 'org_name', name: 'Org Name', value: 'Nyaruka' }],
    channels: [{ uuid: 'd0000000-0000-4000-8000-000000000001', name: 'My Phone', address: '+12065550000', schemes: ['tel'], roles: ['send', 'receive'] }],
  } as never);
  const sprint = await engine.start({
    assets,
    contact: contact({
      urns: ['tel:+12065551212?channel=d0000000-0000-4000-8000-000000000001', 'mailto:ben@example.com'],
      groups: [{ uuid: 'f0000000-0000-4000-8000-000000000001', name: 'Testers' }],
      fields: { age: { text: '23', number: 23 } },
      tickets: [TICKET],
    }),
    trigger: {
      type: 'ticket',
      flow: { uuid: FLOW_UUID, name: 'Ticket Closed' },
      triggered_on: '2026-01-01T00:00:00.000000Z',
      event: { type: 'ticket_closed', ticket_uuid: TICKET.uuid },
      ticket: TICKET,
      ...triggerExtra,
    },
  });
  const sent = sprint.events.find((e) => e.type === 'msg_created');
  expect(sent, JSON.stringify(sprint.events)).toBeDefined();
  return (sent!.msg as { text: string }).text;
}

describe('context defaults', () => {
  it('renders a ticket topic as its name, on the ticket and on the trigger', async () => {
    expect(await render('Your @ticket.topic ticket was closed')).toBe('Your Delivery ticket was closed');
    expect(await render('Your @trigger.ticket.topic ticket was closed')).toBe('Your Delivery ticket was closed');
  });

  it('passes the default to functions and compares on it', async () => {
    expect(await render('@(upper(ticket.topic))')).toBe('DELIVERY');
    expect(await render('@(ticket.topic = "Delivery")')).toBe('true');
    expect(await render('@(text_length(trigger.ticket.topic))')).toBe('8');
  });

  it('serializes objects in json() by their properties, not their default', async () => {
    expect(await render('@(json(ticket.topic))')).toBe(`{"name":"Delivery","uuid":"${TOPIC.uuid}"}`);
  });

  it('renders a user (the assignee) as the name, or the e-mail without one', async () => {
    expect(await render('@ticket.assignee')).toBe('Bob McFarlane');
    expect(await render('@ticket.assignee.first_name')).toBe('Bob');
    expect(await render('@trigger.user', { user: { email: 'ann@example.com', name: '' } })).toBe('ann@example.com');
  });

  it('renders a ticket, which has no default, as its properties', async () => {
    expect(await render('@ticket')).toBe(`{assignee: Bob McFarlane, topic: Delivery, uuid: ${TICKET.uuid}}`);
  });

  it('renders the contact, its channel and groups as goflow does', async () => {
    expect(await render('@contact')).toBe('Ben Haggerty');
    expect(await render('@contact.channel')).toBe('My Phone');
    expect(await render('@contact.groups')).toBe('[{name: Testers, uuid: f0000000-0000-4000-8000-000000000001}]');
    expect(await render('@(contact.groups[0].name)')).toBe('Testers');
  });

  it('renders fields and globals as Name: value lines, urns as the URN of each scheme', async () => {
    expect(await render('@fields')).toBe('Age: 23');
    expect(await render('@globals')).toBe('Org Name: Nyaruka');
    expect(await render('@urns.mailto')).toBe('mailto:ben@example.com');
    expect(await render('@(count(urns) > 10)')).toBe('true');
  });

  it('renders a run as contact@flow, and its flow as the name', async () => {
    expect(await render('@run')).toBe('Ben Haggerty@Ticket Closed');
    expect(await render('@run.flow')).toBe('Ticket Closed');
    expect(await render('@run.flow.revision')).toBe('7');
  });

  it('renders a trigger, which has no default, with its type and ticket', async () => {
    expect(await render('@trigger.type')).toBe('ticket');
    expect(await render('@(json(trigger.ticket.topic.name))')).toBe('"Delivery"');
  });

  it('renders an input as its text and attachment URLs', async () => {
    const text = await render('@input', {
      type: 'msg',
      msg: { uuid: '90000000-0000-4000-8000-000000000001', urn: 'tel:+12065551212', text: 'Hi there', attachments: ['image/jpeg:https://example.com/a.jpg'] },
    });
    expect(text).toBe('Hi there\nhttps://example.com/a.jpg');
  });
});
