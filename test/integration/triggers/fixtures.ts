// Flows and exports the closed-ticket trigger tests (and the benchmark) use:
// a satisfaction survey that reads @trigger.ticket (the example of
// docs/triggers.md), a flow that puts the contact in a group, and a
// background flow that notes the closed ticket on the contact.

export const VIP = { uuid: 'b2000000-0000-4000-8000-00000000a001', name: 'VIP' };
export const OPTED_OUT = { uuid: 'b2000000-0000-4000-8000-00000000a002', name: 'Opted Out' };

/** uuids of one flow's nodes, exits and categories: `<prefix>-0000-4000-9000-<n>`, distinct from every flow uuid (`…-8000-…`). */
function ids(prefix: string) {
  return (n: number) => `${prefix}-0000-4000-9000-${String(n).padStart(12, '0')}`;
}

/**
 * The satisfaction survey (spec 13.1): asks for a rating naming the closed
 * ticket's topic and assignee, waits for the answer, thanks the contact.
 */
export function surveyFlow(uuid: string, name = 'Satisfaction Survey', greeting = 'Thanks for contacting us'): Record<string, unknown> {
  const id = ids(uuid.slice(0, 8));
  return {
    uuid,
    name,
    spec_version: '13.1.0',
    language: 'eng',
    type: 'messaging',
    revision: 1,
    expire_after_minutes: 1440,
    localization: {},
    nodes: [
      {
        uuid: id(1),
        actions: [
          {
            uuid: id(2),
            type: 'send_msg',
            text: `${greeting} about @trigger.ticket.topic.name@(if(trigger.ticket.assignee, " with " & trigger.ticket.assignee.name, "")). How would you rate it, 1 to 5?`,
          },
        ],
        exits: [{ uuid: id(3), destination_uuid: id(4) }],
      },
      {
        uuid: id(4),
        router: {
          type: 'switch',
          wait: { type: 'msg' },
          operand: '@input.text',
          result_name: 'Rating',
          cases: [],
          categories: [{ uuid: id(5), name: 'All Responses', exit_uuid: id(6) }],
          default_category_uuid: id(5),
        },
        exits: [{ uuid: id(6), destination_uuid: id(7) }],
      },
      {
        uuid: id(7),
        actions: [{ uuid: id(8), type: 'send_msg', text: 'Thank you for rating us @results.rating.' }],
        exits: [{ uuid: id(9) }],
      },
    ],
  };
}

/** Puts the contact in a group and ends: how a contact gets the groups triggers match on. */
export function joinGroupFlow(uuid: string, group: { uuid: string; name: string }): Record<string, unknown> {
  const id = ids(uuid.slice(0, 8));
  return {
    uuid,
    name: `Join ${group.name}`,
    spec_version: '13.1.0',
    language: 'eng',
    type: 'messaging',
    revision: 1,
    localization: {},
    nodes: [{ uuid: id(1), actions: [{ uuid: id(2), type: 'add_contact_groups', groups: [group] }], exits: [{ uuid: id(3) }] }],
  };
}

/** A background flow: writes the closed ticket's uuid to the contact field `last_closed_ticket`, sends nothing, never waits. */
export function noteClosedTicketFlow(uuid: string): Record<string, unknown> {
  const id = ids(uuid.slice(0, 8));
  return {
    uuid,
    name: 'Note Closed Ticket',
    spec_version: '13.1.0',
    language: 'eng',
    type: 'messaging_background',
    revision: 1,
    localization: {},
    nodes: [
      {
        uuid: id(1),
        actions: [{ uuid: id(2), type: 'set_contact_field', field: { key: 'last_closed_ticket', name: 'Last Closed Ticket' }, value: '@trigger.ticket.uuid' }],
        exits: [{ uuid: id(3) }],
      },
    ],
  };
}

/** A RapidPro export file holding flows, groups and closed-ticket triggers (`trigger_type: "T"`). */
export function exportOf(
  flows: Record<string, unknown>[],
  triggers: { flow: Record<string, unknown>; groups?: { uuid: string; name: string }[]; exclude_groups?: { uuid: string; name: string }[] }[] = [],
): Record<string, unknown> {
  return {
    version: '13',
    site: 'https://app.rapidpro.io',
    flows,
    campaigns: [],
    fields: [{ key: 'last_closed_ticket', name: 'Last Closed Ticket', value_type: 'text' }],
    groups: [
      { uuid: VIP.uuid, name: VIP.name, query: null },
      { uuid: OPTED_OUT.uuid, name: OPTED_OUT.name, query: null },
    ],
    triggers: [
      // Not Ticketer's (a missed call): an import skips trigger types it does not run.
      { trigger_type: 'M', keywords: null, flow: { uuid: flows[0]!.uuid, name: flows[0]!.name }, groups: [], exclude_groups: [] },
      ...triggers.map(({ flow, groups = [], exclude_groups = [] }) => ({
        trigger_type: 'T',
        keywords: null,
        flow: { uuid: flow.uuid, name: flow.name },
        groups,
        exclude_groups,
        channel: null,
      })),
    ],
  };
}
