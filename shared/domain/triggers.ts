// Closed-ticket triggers: "when a ticket is closed, start flow X", optionally
// only for contacts in some groups, or not for contacts in others (RapidPro's
// trigger type "T", slug `closed_ticket`). A workspace may hold several; at
// most one matches a contact: the most specific by groups (RapidPro's rule).
import { ConflictError, ValidationError } from './errors';
import { isUuid } from './ids';

export interface GroupRef {
  uuid: string;
  name: string;
}

export interface FlowRefOfTrigger {
  uuid: string;
  name: string;
}

export interface ClosedTicketTrigger {
  workspace: string;
  uuid: string;
  flow: FlowRefOfTrigger;
  /** Only contacts in at least one of these groups (empty: every contact). */
  groups: GroupRef[];
  /** Never contacts in any of these groups. */
  exclude_groups: GroupRef[];
  created_on: string;
  modified_on: string;
}

export interface TriggerInput {
  flow: { uuid: string };
  groups?: GroupRef[];
  exclude_groups?: GroupRef[];
}

/** RapidPro allows a handful of groups per trigger; a few dozen keeps items small and matching trivial. */
export const MAX_TRIGGER_GROUPS = 25;
/** Triggers a workspace may hold; they are read in full on every close. */
export const MAX_TRIGGERS_PER_WORKSPACE = 100;

export function validateTriggerInput(input: TriggerInput): void {
  if (!isUuid(input.flow.uuid)) throw new ValidationError('flow.uuid', 'The flow uuid must be a UUID.');
  for (const field of ['groups', 'exclude_groups'] as const) {
    const groups = input[field] ?? [];
    if (groups.length > MAX_TRIGGER_GROUPS) throw new ValidationError(field, `At most ${MAX_TRIGGER_GROUPS} groups.`);
    groups.forEach((group, index) => {
      if (!isUuid(group.uuid)) throw new ValidationError(`${field}.${index}.uuid`, 'The group uuid must be a UUID.');
    });
  }
  const included = new Set((input.groups ?? []).map((group) => group.uuid));
  const both = (input.exclude_groups ?? []).find((group) => included.has(group.uuid));
  if (both) throw new ValidationError('exclude_groups', `Group ${both.uuid} cannot be both included and excluded.`);
}

/** Two triggers with the same groups would tie for every contact: RapidPro refuses the second. */
export function groupSignature(trigger: Pick<ClosedTicketTrigger, 'groups' | 'exclude_groups'>): string {
  const uuids = (groups: GroupRef[]) => [...new Set(groups.map((group) => group.uuid))].sort().join(',');
  return `${uuids(trigger.groups)}|${uuids(trigger.exclude_groups)}`;
}

export function assertNoTwin(candidate: ClosedTicketTrigger, existing: readonly ClosedTicketTrigger[]): void {
  const twin = existing.find((other) => other.uuid !== candidate.uuid && groupSignature(other) === groupSignature(candidate));
  if (twin)
    throw new ConflictError('trigger_exists', `Trigger ${twin.uuid} already starts a flow on closed tickets for these groups; change or delete it.`);
}

function applies(trigger: ClosedTicketTrigger, contactGroups: ReadonlySet<string>): boolean {
  if (trigger.exclude_groups.some((group) => contactGroups.has(group.uuid))) return false;
  return trigger.groups.length === 0 || trigger.groups.some((group) => contactGroups.has(group.uuid));
}

/** Include groups narrow more than exclude groups, which narrow more than none. */
function specificity(trigger: ClosedTicketTrigger): number {
  return (trigger.groups.length > 0 ? 2 : 0) + (trigger.exclude_groups.length > 0 ? 1 : 0);
}

/**
 * The one trigger that starts a flow for a contact whose ticket closed, or
 * null. Among the triggers that apply, the most specific wins; equally
 * specific ones (a contact in two groups with a trigger each) go to the
 * oldest, so the choice never depends on storage order.
 */
export function matchingTrigger(triggers: readonly ClosedTicketTrigger[], contactGroups: ReadonlySet<string>): ClosedTicketTrigger | null {
  const candidates = triggers.filter((trigger) => applies(trigger, contactGroups));
  candidates.sort(
    (a, b) => specificity(b) - specificity(a) || a.created_on.localeCompare(b.created_on) || a.uuid.localeCompare(b.uuid),
  );
  return candidates[0] ?? null;
}

/**
 * The idempotency key of the flow start a close causes. A ticket's version
 * grows with every change, so (ticket, version of the closed image) names one
 * close: the same after a stream redelivery, a pipe retry (a new SQS message)
 * or a redrive, and different after reopen + close.
 */
export function closedTicketStartKey(ticket: string, version: number): string {
  return `closed_ticket:${ticket}:${version}`;
}
