// Contacts writing in through a channel, on DynamoDB Local: the contact found
// or created by URN, each gateway message stored once, keyword and catch-all
// triggers (with groups), waiting sessions, open tickets and the paused bot.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedWorkspace } from '../storage/support';
import { supportFlow13 } from '../../flows/fixtures/flows';
import { joinGroupFlow, OPTED_OUT, VIP } from '../triggers/fixtures';
import { CHANNEL, createConversationWorld, inbound, OTHER_CHANNEL, sayFlow, type ConversationWorld } from './world';

let world: ConversationWorld;

beforeAll(async () => {
  world = await createConversationWorld('inbound');
});
afterAll(() => world.table.drop());

/** A workspace of its own (triggers are per workspace), with an administrator, two agents and the given export imported. */
async function workspaceWith(definitions?: Record<string, unknown>) {
  const ws = await seedWorkspace(world.useCases, 'Inbound');
  const admin = await world.useCases.addMember({ workspace: ws.workspace.uuid, email: `admin-${ws.workspace.uuid}@example.com`, name: 'Ada', role: 'administrator' });
  const asAdmin = { workspace: ws.workspace.uuid, user: admin.uuid };
  const imported = definitions ? await world.flows.importFlows({ actor: asAdmin, definitions }) : null;
  return { ...ws, asAdmin, imported, uuid: ws.workspace.uuid };
}

const trigger = (type: 'K' | 'C', flow: { uuid: string; name: string }, extra: Record<string, unknown> = {}) => ({
  trigger_type: type,
  flow: { uuid: flow.uuid, name: flow.name },
  groups: [],
  exclude_groups: [],
  channel: null,
  ...extra,
});

async function messagesOf(workspace: string, contact: string) {
  const page = await world.flows.listMessages({ actor: { workspace, user: null }, contact, limit: 250 });
  return page.results.reverse();
}
const outTexts = async (workspace: string, contact: string) => (await messagesOf(workspace, contact)).filter((m) => m.direction === 'out').map((m) => m.text);

describe('the contact of a URN', () => {
  it('is created once, however many of its first messages arrive at once', async () => {
    const ws = await workspaceWith();
    const urn = 'tel:+254700000111';
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, index) => world.useCases.receiveFromChannel(inbound(world, { workspace: ws.uuid, urn, text: `first ${index}`, contact_name: 'Zawadi' }))),
    );
    const contacts = [...new Set(answers.map((answer) => answer.contact_uuid))];
    expect(contacts).toHaveLength(1);
    expect(answers.every((answer) => !answer.duplicate && answer.ticket_uuid === null)).toBe(true);
    const contact = contacts[0]!;
    const stored = await messagesOf(ws.uuid, contact);
    expect(stored.map((message) => message.text).sort()).toEqual(Array.from({ length: 10 }, (_, index) => `first ${index}`).sort());
    expect(stored.every((message) => message.direction === 'in' && message.urn === urn && message.channel?.uuid === CHANNEL.uuid)).toBe(true);
    expect(await world.useCases.getContact({ actor: ws.asAnn, contact })).toMatchObject({ urns: [urn], name: 'Zawadi', status: 'active', last_channel: CHANNEL });
    expect(await world.repos.conversations.findContactByUrn(ws.uuid, urn)).toBe(contact);
    // Another workspace's same URN is another contact.
    const other = await workspaceWith();
    const elsewhere = await world.useCases.receiveFromChannel(inbound(world, { workspace: other.uuid, urn }));
    expect(elsewhere.contact_uuid).not.toBe(contact);
  });

  it('is the contact that was given the URN first (over the API or with a ticket), when it had none', async () => {
    const ws = await workspaceWith();
    const known = crypto.randomUUID();
    await world.useCases.upsertContact({ actor: ws.asAnn, contact: { uuid: known, name: 'Known', urns: ['tel:+254700000333', 'ext:known'] } });
    // A second contact given the same URN does not take it over.
    await world.useCases.upsertContact({ actor: ws.asAnn, contact: { uuid: crypto.randomUUID(), name: 'Later', urns: ['tel:+254700000333'] } });
    const written = await world.useCases.receiveFromChannel(inbound(world, { workspace: ws.uuid, urn: 'tel:+254700000333' }));
    expect(written.contact_uuid).toBe(known);
    const opened = await world.useCases.openTicket({ actor: ws.asAnn, contact: { uuid: crypto.randomUUID(), name: 'Walk-in', urns: ['telegram:4242'] }, topic: null, assignee: null });
    const fromTelegram = await world.useCases.receiveFromChannel(inbound(world, { workspace: ws.uuid, urn: 'telegram:4242', channel: OTHER_CHANNEL }));
    expect(fromTelegram).toMatchObject({ contact_uuid: opened.ticket!.contact.uuid, ticket_uuid: opened.ticket!.uuid });
  });

  it('remembers the channel the contact last wrote in', async () => {
    const ws = await workspaceWith();
    const first = await world.useCases.receiveFromChannel(inbound(world, { workspace: ws.uuid, urn: 'telegram:555001' }));
    await world.useCases.receiveFromChannel(inbound(world, { workspace: ws.uuid, urn: 'telegram:555001', channel: OTHER_CHANNEL }));
    expect(await world.useCases.getContact({ actor: ws.asAnn, contact: first.contact_uuid })).toMatchObject({ last_channel: OTHER_CHANNEL });
  });

  it('is registered by /start without a message, and stopped by the gateway', async () => {
    const ws = await workspaceWith();
    const registered = await world.useCases.registerChannelContact({ workspace: ws.uuid, channel: OTHER_CHANNEL, urn: 'telegram:777', name: 'Juma' });
    expect(registered.created).toBe(true);
    expect(await world.useCases.registerChannelContact({ workspace: ws.uuid, channel: OTHER_CHANNEL, urn: 'telegram:777', name: 'Other' })).toEqual({ contact_uuid: registered.contact_uuid, created: false });
    expect(await messagesOf(ws.uuid, registered.contact_uuid)).toEqual([]);
    expect(await world.useCases.getContact({ actor: ws.asAnn, contact: registered.contact_uuid })).toMatchObject({ name: 'Juma', status: 'active' });

    expect(await world.useCases.stopChannelContact({ workspace: ws.uuid, urn: 'telegram:999' })).toBeNull();
    expect(await world.useCases.stopChannelContact({ workspace: ws.uuid, urn: 'telegram:777' })).toEqual({ contact_uuid: registered.contact_uuid });
    expect((await world.useCases.getContact({ actor: ws.asAnn, contact: registered.contact_uuid })).status).toBe('stopped');
    // Writing in again ends the stop (RapidPro unstops a contact that writes).
    await world.useCases.receiveFromChannel(inbound(world, { workspace: ws.uuid, urn: 'telegram:777', channel: OTHER_CHANNEL }));
    expect((await world.useCases.getContact({ actor: ws.asAnn, contact: registered.contact_uuid })).status).toBe('active');
  });

  it('refuses bad input by name and stores nothing', async () => {
    const ws = await workspaceWith();
    await expect(world.useCases.receiveFromChannel(inbound(world, { workspace: ws.uuid, urn: 'not a urn' }))).rejects.toMatchObject({ field: 'urn' });
    await expect(world.useCases.receiveFromChannel(inbound(world, { workspace: ws.uuid, text: 'x'.repeat(4097) }))).rejects.toMatchObject({ field: 'text' });
    await expect(world.useCases.receiveFromChannel(inbound(world, { workspace: ws.uuid, text: ' ', attachments: [] }))).rejects.toMatchObject({ field: 'text' });
    await expect(world.useCases.receiveFromChannel(inbound(world, { workspace: ws.uuid, received_on: 'yesterday' }))).rejects.toMatchObject({ field: 'received_on' });
    const urn = 'ext:refused';
    await expect(world.useCases.receiveFromChannel(inbound(world, { workspace: ws.uuid, urn, attachments: Array(11).fill('image/png:https://x.example/a.png') }))).rejects.toMatchObject({ field: 'attachments' });
    // The contact may exist (found before the message was checked), but no message was stored.
    const contact = await world.repos.conversations.findContactByUrn(ws.uuid, urn);
    if (contact) expect(await messagesOf(ws.uuid, contact)).toEqual([]);
  });
});

describe('a gateway retry', () => {
  it('with the same external id is the same message: stored once, answered with the first uuid', async () => {
    const ws = await workspaceWith();
    const message = inbound(world, { workspace: ws.uuid, external_id: 'gw-1' });
    const first = await world.useCases.receiveFromChannel(message);
    const again = await world.useCases.receiveFromChannel({ ...message, text: 'changed on the way' });
    expect(again).toEqual({ ...first, duplicate: true });

    // Five copies at once: one is stored, all answer its uuid.
    const racing = await Promise.all(Array.from({ length: 5 }, () => world.useCases.receiveFromChannel({ ...message, external_id: 'gw-2', text: 'second' })));
    expect(new Set(racing.map((answer) => answer.msg_uuid)).size).toBe(1);
    expect(racing.filter((answer) => !answer.duplicate).length).toBeLessThanOrEqual(1);
    // The same id on another channel is another message.
    const otherChannel = await world.useCases.receiveFromChannel({ ...message, channel: OTHER_CHANNEL });
    expect(otherChannel.duplicate).toBe(false);

    const stored = await messagesOf(ws.uuid, first.contact_uuid);
    expect(stored.map((m) => [m.text, m.external_id])).toEqual([
      ['hello', 'gw-1'],
      ['second', 'gw-2'],
      ['hello', 'gw-1'],
    ]);
    expect(stored[0]!.uuid).toBe(first.msg_uuid);
  });
});

describe('triggers', () => {
  it('start flows by keyword (first word, only word, any case) and the catch-all; a waiting session takes the next message', async () => {
    const help = sayFlow('Help', 'How can we help?');
    const join = sayFlow('Join', 'Welcome aboard', { wait: false });
    const fallback = sayFlow('Fallback', 'Sorry, I did not get that', { wait: false });
    const ws = await workspaceWith({
      version: '13',
      flows: [help, join, fallback],
      triggers: [trigger('K', help, { keywords: ['help'], match_type: 'F' }), trigger('K', join, { keyword: 'Join', match_type: 'O' }), trigger('C', fallback)],
    });
    expect(ws.imported!.triggers.map((t) => [t.type, t.keywords ?? null, t.match_type ?? null]).sort()).toEqual([
      ['catch_all', null, null],
      ['keyword', ['help'], 'F'],
      ['keyword', ['join'], 'O'],
    ]);

    const a = await world.useCases.receiveFromChannel(inbound(world, { workspace: ws.uuid, text: 'HELP, me please' }));
    expect(await outTexts(ws.uuid, a.contact_uuid)).toEqual(['How can we help?']);
    // The session waits: the next message is its answer, not the catch-all.
    await world.useCases.receiveFromChannel(inbound(world, { workspace: ws.uuid, urn: (await world.useCases.getContact({ actor: ws.asAnn, contact: a.contact_uuid })).urns[0]!, text: 'my order is late' }));
    expect(await outTexts(ws.uuid, a.contact_uuid)).toEqual(['How can we help?', 'Help got my order is late']);
    const messages = await messagesOf(ws.uuid, a.contact_uuid);
    // Outgoing messages of channel-started sprints go out through that channel, with their quick replies.
    expect(messages.find((m) => m.text === 'How can we help?')).toMatchObject({ direction: 'out', status: 'queued', origin: 'flow', channel: CHANNEL, quick_replies: ['Yes', 'No'], flow: { uuid: help.uuid } });
    expect(messages[0]).toMatchObject({ direction: 'in', flow: { uuid: help.uuid }, origin: 'channel' });

    const b = await world.useCases.receiveFromChannel(inbound(world, { workspace: ws.uuid, text: 'join us' }));
    expect(await outTexts(ws.uuid, b.contact_uuid)).toEqual(['Sorry, I did not get that']);
    const c = await world.useCases.receiveFromChannel(inbound(world, { workspace: ws.uuid, text: 'JOIN!' }));
    expect(await outTexts(ws.uuid, c.contact_uuid)).toEqual(['Welcome aboard']);
    const d = await world.useCases.receiveFromChannel(inbound(world, { workspace: ws.uuid, text: 'helping hands' }));
    expect(await outTexts(ws.uuid, d.contact_uuid)).toEqual(['Sorry, I did not get that']);
  });

  it('match the contact\'s groups: the most specific trigger wins, excluded contacts get none', async () => {
    const vipHelp = sayFlow('VIP Help', 'Right away, VIP', { wait: false });
    const help = sayFlow('Help', 'How can we help?', { wait: false });
    const promo = sayFlow('Promo', 'Here is your coupon', { wait: false });
    const joinVip = joinGroupFlow('c3000000-0000-4000-8000-00000000f001', VIP);
    const ws = await workspaceWith({
      version: '13',
      flows: [vipHelp, help, promo, joinVip],
      groups: [
        { uuid: VIP.uuid, name: VIP.name, query: null },
        { uuid: OPTED_OUT.uuid, name: OPTED_OUT.name, query: null },
      ],
      triggers: [
        trigger('K', help, { keywords: ['help'] }),
        trigger('K', vipHelp, { keywords: ['help'], groups: [VIP] }),
        trigger('K', promo, { keywords: ['promo'], exclude_groups: [VIP] }),
      ],
    });
    const vip = await world.useCases.receiveFromChannel(inbound(world, { workspace: ws.uuid, text: 'hi' }));
    await world.flows.startFlow({ actor: ws.asAdmin, flow: joinVip.uuid as string, contact: { uuid: vip.contact_uuid } });
    const vipUrn = (await world.useCases.getContact({ actor: ws.asAnn, contact: vip.contact_uuid })).urns[0]!;
    await world.useCases.receiveFromChannel(inbound(world, { workspace: ws.uuid, urn: vipUrn, text: 'help' }));
    await world.useCases.receiveFromChannel(inbound(world, { workspace: ws.uuid, urn: vipUrn, text: 'promo' }));
    expect(await outTexts(ws.uuid, vip.contact_uuid)).toEqual(['Right away, VIP']);

    const plain = await world.useCases.receiveFromChannel(inbound(world, { workspace: ws.uuid, text: 'help' }));
    const plainUrn = (await world.useCases.getContact({ actor: ws.asAnn, contact: plain.contact_uuid })).urns[0]!;
    await world.useCases.receiveFromChannel(inbound(world, { workspace: ws.uuid, urn: plainUrn, text: 'promo' }));
    expect(await outTexts(ws.uuid, plain.contact_uuid)).toEqual(['How can we help?', 'Here is your coupon']);
  });

  it('take a burst of one contact\'s messages: each is stored and routed once', async () => {
    const fallback = sayFlow('Fallback', 'Sorry, I did not get that', { wait: false });
    const ws = await workspaceWith({ version: '13', flows: [fallback], triggers: [trigger('C', fallback)] });
    const urn = 'tel:+254700000222';
    const answers = await Promise.all(Array.from({ length: 10 }, (_, index) => world.useCases.receiveFromChannel(inbound(world, { workspace: ws.uuid, urn, text: `line ${index}` }))));
    const contact = answers[0]!.contact_uuid;
    expect(answers.every((answer) => answer.contact_uuid === contact)).toBe(true);
    const stored = await messagesOf(ws.uuid, contact);
    expect(stored.filter((m) => m.direction === 'in').map((m) => m.text).sort()).toEqual(Array.from({ length: 10 }, (_, i) => `line ${i}`).sort());
    expect(stored.filter((m) => m.direction === 'out').map((m) => m.text)).toEqual(Array(10).fill('Sorry, I did not get that'));
  });

  it('are managed over HTTP beside the closed-ticket ones: a second trigger for a keyword and groups is refused', async () => {
    const help = sayFlow('Help', 'How can we help?', { wait: false });
    const ws = await workspaceWith({ version: '13', flows: [help] });
    const created = await world.triggers.createTrigger({ actor: ws.asAdmin, input: { type: 'keyword', keywords: ['Help', 'aide'], match_type: 'O', flow: { uuid: help.uuid } } });
    expect(created).toMatchObject({ type: 'keyword', keywords: ['help', 'aide'], match_type: 'O' });
    await expect(world.triggers.createTrigger({ actor: ws.asAdmin, input: { type: 'keyword', keywords: ['aide'], flow: { uuid: help.uuid } } })).rejects.toMatchObject({ code: 'trigger_exists' });
    await expect(world.triggers.createTrigger({ actor: ws.asAdmin, input: { type: 'keyword', keywords: [], flow: { uuid: help.uuid } } })).rejects.toMatchObject({ field: 'keywords' });
    await expect(world.triggers.createTrigger({ actor: ws.asAdmin, input: { type: 'catch_all', keywords: ['x'], flow: { uuid: help.uuid } } })).rejects.toMatchObject({ field: 'keywords' });
    const catchAll = await world.triggers.createTrigger({ actor: ws.asAdmin, input: { type: 'catch_all', flow: { uuid: help.uuid } } });
    // A closed-ticket trigger for the same (no) groups is no twin of the catch-all.
    const closed = await world.triggers.createTrigger({ actor: ws.asAdmin, input: { flow: { uuid: help.uuid } } });
    expect((await world.triggers.listTriggers({ actor: ws.asAdmin })).map((t) => t.type)).toEqual(['keyword', 'catch_all', 'closed_ticket']);
    // A change without a type keeps the trigger's type, keywords and match type.
    const changed = await world.triggers.updateTrigger({ actor: ws.asAdmin, trigger: created.uuid, input: { flow: { uuid: help.uuid }, exclude_groups: [OPTED_OUT] } });
    expect(changed).toMatchObject({ uuid: created.uuid, type: 'keyword', keywords: ['help', 'aide'], match_type: 'O', exclude_groups: [OPTED_OUT] });
    const retyped = await world.triggers.updateTrigger({ actor: ws.asAdmin, trigger: created.uuid, input: { type: 'keyword', keywords: ['hilfe'], flow: { uuid: help.uuid } } });
    expect(retyped).toMatchObject({ keywords: ['hilfe'], match_type: 'O', exclude_groups: [] });
    expect(catchAll.type).toBe('catch_all');
    expect(closed.type).toBe('closed_ticket');
  });
});

describe('a contact with an open ticket', () => {
  it('writes into the ticket: the message joins it, last_activity_on moves, and the bot stays quiet until the setting is off', async () => {
    const support = supportFlow13() as { uuid: string; name: string };
    const survey = sayFlow('Survey', 'How are we doing?');
    const ws = await workspaceWith({ version: '13', flows: [support, survey], triggers: [trigger('K', support, { keywords: ['support'] })] });
    const first = await world.useCases.receiveFromChannel(inbound(world, { workspace: ws.uuid, text: 'support' }));
    const contact = first.contact_uuid;
    const urn = (await world.useCases.getContact({ actor: ws.asAnn, contact })).urns[0]!;
    const named = await world.useCases.receiveFromChannel(inbound(world, { workspace: ws.uuid, urn, text: 'Ryan' }));
    expect(named.ticket_uuid).toBeNull();
    const ticket = (await world.useCases.getContact({ actor: ws.asAnn, contact })).open_ticket!;
    expect(ticket).toBeTruthy();
    expect(await outTexts(ws.uuid, contact)).toEqual(['Hi! What is your name?', 'An agent will be with you, Ryan.']);

    // A flow waits for the contact meanwhile (started by hand, say).
    await world.flows.startFlow({ actor: ws.asAdmin, flow: survey.uuid, contact: { uuid: contact } });
    const before = (await world.useCases.getTicket({ actor: ws.asAnn, ticket })).ticket;
    const joined = await world.useCases.receiveFromChannel(inbound(world, { workspace: ws.uuid, urn, text: 'are you there?' }));
    const keyword = await world.useCases.receiveFromChannel(inbound(world, { workspace: ws.uuid, urn, text: 'support' }));
    expect([joined.ticket_uuid, keyword.ticket_uuid]).toEqual([ticket, ticket]);
    const after = (await world.useCases.getTicket({ actor: ws.asAnn, ticket })).ticket;
    expect(after.last_activity_on > before.last_activity_on).toBe(true);
    expect(after.modified_on).toBe(before.modified_on);
    // Paused: neither the waiting survey nor the keyword ran.
    expect(await outTexts(ws.uuid, contact)).toEqual(['Hi! What is your name?', 'An agent will be with you, Ryan.', 'How are we doing?']);
    const stored = await messagesOf(ws.uuid, contact);
    expect(stored.filter((m) => m.direction === 'in' && m.ticket_uuid === ticket).map((m) => m.text)).toEqual(['are you there?', 'support']);
    expect(stored.find((m) => m.text === 'are you there?')?.flow).toBeNull();

    // Only administrators change the setting.
    await expect(world.useCases.updateWorkspace({ actor: ws.asAnn, pause_bot_during_tickets: false })).rejects.toMatchObject({ code: 'permission_denied' });
    expect(await world.useCases.updateWorkspace({ actor: ws.asAdmin, pause_bot_during_tickets: false })).toMatchObject({ pause_bot_during_tickets: false });
    const resumed = await world.useCases.receiveFromChannel(inbound(world, { workspace: ws.uuid, urn, text: 'great' }));
    expect(resumed.ticket_uuid).toBe(ticket);
    expect((await outTexts(ws.uuid, contact)).at(-1)).toBe('Survey got great');
    const latest = (await messagesOf(ws.uuid, contact)).find((m) => m.text === 'great')!;
    expect(latest).toMatchObject({ ticket_uuid: ticket, flow: { uuid: survey.uuid } });
    expect((await world.useCases.getTicket({ actor: ws.asAnn, ticket })).ticket.last_activity_on >= latest.created_on).toBe(true);
  });
});
