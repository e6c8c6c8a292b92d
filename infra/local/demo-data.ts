// The demo a newcomer finds in the inbox after `npm start` on a fresh data
// folder: an External API channel "Demo gateway" that sends through the local
// demo gateway (so the bot's messages are delivered, and a developer can write
// in as a contact), two topics, a support flow per topic, four contacts with
// fields who talked to the bot (messages in and out) until it opened their
// tickets, one ticket assigned to the demo agent and one closed. Made through
// the HTTP API with the administrator's token — the same requests a real
// integration makes.
import { randomUUID } from 'node:crypto';
import { DEMO_GATEWAY_BODY } from './demo-gateway';

export interface DemoDataOptions {
  apiUrl: string;
  token: string;
  /** The demo gateway's send URL (infra/local/demo-gateway.ts), the demo channel's `send_url`. */
  gatewaySendUrl: string;
  agent: { uuid: string };
  log: (line: string) => void;
}

export const DEMO_CHANNEL_NAME = 'Demo gateway';

const CONTACTS = [
  { name: 'Ana Souza', urn: 'tel:+5511987650001', language: 'por', fields: { city: 'São Paulo', plan: 'Pro' }, topic: 'Billing', answer: 'INV-2041' },
  { name: 'Bruno Lima', urn: 'tel:+5521987650002', language: 'por', fields: { city: 'Rio de Janeiro', plan: 'Basic' }, topic: 'Delivery', answer: 'ORD-7781' },
  { name: 'Carla Mendes', urn: 'telegram:70000003', language: 'eng', fields: { city: 'Lisbon', plan: 'Pro' }, topic: 'Billing', answer: 'INV-2077' },
  { name: 'David Okafor', urn: 'tel:+2348030000004', language: 'eng', fields: { city: 'Lagos', plan: 'Trial' }, topic: 'Delivery', answer: 'ORD-7790' },
] as const;

/** Every scheme a demo contact has, so the demo channel reaches them all (tel first: what a contact writing in gets). */
const DEMO_SCHEMES = [...new Set(CONTACTS.map((contact) => contact.urn.slice(0, contact.urn.indexOf(':'))))];

/** The demo channel's settings: courier's External API contract, JSON body, sent to the demo gateway. */
function demoChannelConfig(sendUrl: string) {
  return { send_url: sendUrl, method: 'POST', content_type: 'json', body: DEMO_GATEWAY_BODY, max_length: 640 };
}

/** The group the support flows put every contact who asked for help in (the contact details panel shows it). */
const SUPPORT_GROUP = { uuid: '5e0a1b2c-3d4e-4f50-8a61-7b8c9d0e1f20', name: 'Support requests' };

/** A messaging flow: greets, asks for a reference, stores it in a field, adds the contact to the support group, thanks, opens a ticket in `topic`. */
function supportFlow(name: string, topic: { uuid: string; name: string }, question: string) {
  const ids = new Map<number, string>();
  const node = (n: number) => ids.get(n) ?? (ids.set(n, randomUUID()), ids.get(n)!);
  const flowUuid = randomUUID();
  return {
    uuid: flowUuid,
    name,
    spec_version: '14.4.2',
    language: 'eng',
    type: 'messaging',
    nodes: [
      {
        uuid: node(1),
        actions: [{ uuid: randomUUID(), type: 'send_msg', text: `Hi @contact.first_name! I'm the Demo bot. ${question}` }],
        router: {
          type: 'switch',
          wait: { type: 'msg' },
          operand: '@input.text',
          result_name: 'Reference',
          categories: [{ uuid: node(7), name: 'All Responses', exit_uuid: node(8) }],
          default_category_uuid: node(7),
          cases: [],
        },
        exits: [{ uuid: node(8), destination_uuid: node(2) }],
      },
      {
        uuid: node(2),
        actions: [
          { uuid: randomUUID(), type: 'set_contact_field', field: { key: 'reference', name: 'Reference' }, value: '@input.text' },
          { uuid: randomUUID(), type: 'add_contact_groups', groups: [SUPPORT_GROUP] },
          { uuid: randomUUID(), type: 'send_msg', text: 'Thanks! A person from our team will take it from here.' },
          { uuid: randomUUID(), type: 'open_ticket', topic, assignee: null, note: 'Reference @results.reference' },
        ],
        exits: [{ uuid: node(9) }],
      },
    ],
  };
}

function apiCaller(apiUrl: string, token: string) {
  return async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const response = await fetch(`${apiUrl}${path}`, {
      method,
      headers: { authorization: `Token ${token}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`demo data: ${method} ${path} answered ${response.status} ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  };
}

/**
 * On a later start: points the remembered demo channel at the demo gateway's current URL (its port may have
 * changed). Undefined when the channel is gone (deleted in the inbox).
 */
export async function keepDemoChannel(options: { apiUrl: string; token: string; gatewaySendUrl: string; channel: { uuid: string }; log: (line: string) => void }) {
  const call = apiCaller(options.apiUrl, options.token);
  const channels = await call<{ results: { uuid: string; config: { send_url?: string } }[] }>('GET', '/channels');
  const channel = channels.results.find((candidate) => candidate.uuid === options.channel.uuid);
  if (!channel) {
    options.log(`the demo channel was deleted; npm start -- --fresh seeds it again`);
    return undefined;
  }
  if (channel.config.send_url !== options.gatewaySendUrl) {
    options.log(`pointing the demo channel at ${options.gatewaySendUrl}…`);
    await call('PATCH', `/channels/${channel.uuid}`, { config: { send_url: options.gatewaySendUrl } });
  }
  return { uuid: channel.uuid };
}

export async function seedDemoData({ apiUrl, token, gatewaySendUrl, agent, log }: DemoDataOptions): Promise<{ channel: { uuid: string } }> {
  const call = apiCaller(apiUrl, token);
  log('seeding the demo channel, contacts, conversations and tickets…');
  // Before any conversation: the bot's messages go out through it (and are reported delivered).
  const channel = await call<{ uuid: string }>('POST', '/channels', {
    type: 'EX',
    name: DEMO_CHANNEL_NAME,
    schemes: DEMO_SCHEMES,
    config: demoChannelConfig(gatewaySendUrl),
  });
  const topics: Record<string, { uuid: string; name: string }> = {};
  for (const name of ['Billing', 'Delivery']) {
    const topic = await call<{ uuid: string; name: string }>('POST', '/topics', { name });
    topics[name] = { uuid: topic.uuid, name: topic.name };
  }
  const flows = {
    Billing: supportFlow('Billing help', topics.Billing!, 'What is the number of the invoice you have a question about?'),
    Delivery: supportFlow('Delivery help', topics.Delivery!, 'What is your order number?'),
  };
  await call('POST', '/flows', {
    version: '13',
    fields: [{ key: 'reference', name: 'Reference', type: 'text' }],
    groups: [{ ...SUPPORT_GROUP, query: null }],
    flows: Object.values(flows),
  });
  const tickets: string[] = [];
  for (const contact of CONTACTS) {
    const uuid = randomUUID();
    await call('POST', `/flows/${flows[contact.topic].uuid}/start`, {
      contact: { uuid, name: contact.name, urns: [contact.urn], language: contact.language, fields: contact.fields },
    });
    await call('POST', `/contacts/${uuid}/messages`, { text: contact.answer });
    const stored = await call<{ open_ticket: string | null }>('GET', `/contacts/${uuid}`);
    if (!stored.open_ticket) throw new Error(`demo data: the flow opened no ticket for ${contact.name}`);
    tickets.push(stored.open_ticket);
  }
  // One assigned to the demo agent, one closed; the others wait in Unassigned.
  await call('POST', `/tickets/${tickets[1]}/assign`, { assignee: agent.uuid, note: 'Can you check the carrier for this one?' });
  await call('POST', `/tickets/${tickets[3]}/notes`, { note: 'Delivered on the second attempt.' });
  await call('POST', `/tickets/${tickets[3]}/close`);
  return { channel: { uuid: channel.uuid } };
}
