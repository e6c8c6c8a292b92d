// The inbox's ticket list on DynamoDB Local: each ticket carries its last
// message (the flow's input at open, then every contact message joining it
// and every agent reply, in the transactions that already write the ticket),
// and the ticket's contact comes with its groups from its last flow session.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { supportFlow13 } from '../../flows/fixtures/flows';
import { joinGroupFlow, OPTED_OUT, VIP } from '../triggers/fixtures';
import { seedWorkspace } from '../storage/support';
import { createConversationWorld, inbound, type ConversationWorld } from './world';

let world: ConversationWorld;

beforeAll(async () => {
  world = await createConversationWorld('last-message');
});
afterAll(() => world.table.drop());

const support = supportFlow13() as { uuid: string; name: string };
const joinVip = joinGroupFlow('c4000000-0000-4000-8000-00000000f001', VIP) as { uuid: string };

async function workspace() {
  const ws = await seedWorkspace(world.useCases, 'Inbox');
  const admin = await world.useCases.addMember({ workspace: ws.workspace.uuid, email: `admin-${ws.workspace.uuid}@example.com`, name: 'Ada', role: 'administrator' });
  const asAdmin = { workspace: ws.workspace.uuid, user: admin.uuid };
  await world.flows.importFlows({
    actor: asAdmin,
    definitions: {
      version: '13',
      flows: [support, joinVip],
      groups: [
        { uuid: VIP.uuid, name: VIP.name, query: null },
        { uuid: OPTED_OUT.uuid, name: OPTED_OUT.name, query: null },
      ],
      triggers: [{ trigger_type: 'K', flow: { uuid: support.uuid, name: support.name }, keywords: ['support'], groups: [], exclude_groups: [], channel: null }],
    },
  });
  return { ...ws, uuid: ws.workspace.uuid };
}

describe('a ticket\'s last message', () => {
  it('is the flow\'s input at open, then each contact message and agent reply, in the folder page and the detail', async () => {
    const ws = await workspace();
    const first = await world.useCases.receiveFromChannel(inbound(world, { workspace: ws.uuid, text: 'support' }));
    const contact = first.contact_uuid;
    const urn = (await world.useCases.getContact({ actor: ws.asAnn, contact })).urns[0]!;
    await world.useCases.receiveFromChannel(inbound(world, { workspace: ws.uuid, urn, text: 'Ryan' }));
    const ticket = (await world.useCases.getContact({ actor: ws.asAnn, contact })).open_ticket!;
    const lastOf = async () => {
      const page = await world.useCases.listFolder({ actor: ws.asAnn, folder: 'all', status: 'open' });
      const listed = page.results.find((candidate) => candidate.uuid === ticket)!;
      const detail = await world.useCases.getTicket({ actor: ws.asAnn, ticket });
      expect(detail.ticket.last_message).toEqual(listed.last_message);
      return listed.last_message;
    };
    // The support flow opened it on the answer "Ryan": its input is the ticket's first last message.
    expect(await lastOf()).toEqual({ text: 'Ryan', direction: 'in', created_on: expect.any(String) });

    const long = `My order never came. ${'x'.repeat(200)}`;
    await world.useCases.receiveFromChannel(inbound(world, { workspace: ws.uuid, urn, text: long }));
    const joined = await lastOf();
    expect(joined).toMatchObject({ text: long.slice(0, 160), direction: 'in' });

    const reply = await world.useCases.replyToTicket({ actor: ws.asAnn, ticket, input: { text: 'Sorry! Checking with the carrier.' } });
    expect(await lastOf()).toEqual({ text: 'Sorry! Checking with the carrier.', direction: 'out', created_on: reply.created_on });
    expect(reply.created_on >= joined!.created_on).toBe(true);
  });

  it('is null for a ticket opened by hand, until a message joins it', async () => {
    const ws = await workspace();
    const opened = await world.useCases.openTicket({ actor: ws.asAnn, contact: { uuid: crypto.randomUUID(), name: 'Walk-in', urns: ['telegram:9191'] }, topic: null, assignee: null });
    expect(opened.ticket!.last_message).toBeNull();
    const page = await world.useCases.listFolder({ actor: ws.asAnn, folder: 'unassigned', status: 'open' });
    expect(page.results.find((ticket) => ticket.uuid === opened.ticket!.uuid)!.last_message).toBeNull();
    await world.useCases.receiveFromChannel(inbound(world, { workspace: ws.uuid, urn: 'telegram:9191', text: 'Hello?' }));
    expect((await world.useCases.getTicket({ actor: ws.asAnn, ticket: opened.ticket!.uuid })).ticket.last_message).toMatchObject({ text: 'Hello?', direction: 'in' });
  });
});

describe('the ticket\'s contact details', () => {
  it('carry the contact\'s groups from its last flow session, and none without a session', async () => {
    const ws = await workspace();
    const opened = await world.useCases.openTicket({ actor: ws.asAnn, contact: { uuid: crypto.randomUUID(), name: 'Vera', urns: ['tel:+254700009001'] }, topic: null, assignee: null });
    const ticket = opened.ticket!.uuid;
    expect((await world.useCases.getTicket({ actor: ws.asAnn, ticket })).contact.groups).toEqual([]);
    await world.flows.startFlow({ actor: { workspace: ws.uuid, user: null }, flow: joinVip.uuid, contact: { uuid: opened.ticket!.contact.uuid } });
    expect((await world.useCases.getTicket({ actor: ws.asAnn, ticket })).contact.groups).toEqual([VIP]);
  });

  it('name groups out of the workspace\'s groups, which GET /groups lists by name', async () => {
    const ws = await workspace();
    expect(await world.triggers.listGroups({ actor: ws.asAnn })).toEqual([OPTED_OUT, VIP]);
    const empty = await seedWorkspace(world.useCases, 'Empty');
    expect(await world.triggers.listGroups({ actor: empty.asAnn })).toEqual([]);
  });
});
