// Triggers: "when a ticket is closed, start flow X" (RapidPro's trigger type
// "T", slug `closed_ticket`), "when a message starts with a keyword, start flow
// X" ("K", `keyword`) and "when a message matches nothing else, start flow X"
// ("C", `catch_all`), each optionally only for contacts in some groups, or not
// for contacts in others. A workspace may hold several; at most one matches a
// contact: the most specific by groups (RapidPro's rule).
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

/** What starts the flow; stored triggers without a type are closed-ticket ones (the first kind Ticketer had). */
export type TriggerType = 'closed_ticket' | 'keyword' | 'catch_all';
export const TRIGGER_TYPES: readonly TriggerType[] = ['closed_ticket', 'keyword', 'catch_all'];
/** RapidPro export files' `trigger_type` of each. */
export const RAPIDPRO_TRIGGER_TYPE: Record<TriggerType, string> = { closed_ticket: 'T', keyword: 'K', catch_all: 'C' };
/** Keyword triggers: `F` the message's first word is the keyword, `O` the message is only the keyword. */
export type MatchType = 'F' | 'O';

export interface ClosedTicketTrigger {
  workspace: string;
  uuid: string;
  /** Absent: `closed_ticket`. */
  type?: TriggerType;
  /** keyword triggers: lowercase words (any of them matches). */
  keywords?: string[];
  match_type?: MatchType;
  flow: FlowRefOfTrigger;
  /** Only contacts in at least one of these groups (empty: every contact). */
  groups: GroupRef[];
  /** Never contacts in any of these groups. */
  exclude_groups: GroupRef[];
  created_on: string;
  modified_on: string;
}

/** Any kind of trigger (the closed-ticket one came first and kept its name). */
export type Trigger = ClosedTicketTrigger;

export interface TriggerInput {
  type?: TriggerType;
  keywords?: string[];
  match_type?: MatchType;
  flow: { uuid: string };
  groups?: GroupRef[];
  exclude_groups?: GroupRef[];
}

/** RapidPro allows a handful of groups per trigger; a few dozen keeps items small and matching trivial. */
export const MAX_TRIGGER_GROUPS = 25;
/** Triggers a workspace may hold; they are read in full on every close. */
export const MAX_TRIGGERS_PER_WORKSPACE = 100;

export const MAX_TRIGGER_KEYWORDS = 10;
/** RapidPro: one word of letters, digits or _ , at most 16 characters. */
export const KEYWORD_PATTERN = /^[\p{L}\p{N}_]{1,16}$/u;

export function triggerType(trigger: Pick<ClosedTicketTrigger, 'type'>): TriggerType {
  return trigger.type ?? 'closed_ticket';
}

export function validateTriggerInput(input: TriggerInput): void {
  const type = input.type ?? 'closed_ticket';
  if (!TRIGGER_TYPES.includes(type)) throw new ValidationError('type', `The type must be one of ${TRIGGER_TYPES.join(', ')}.`);
  if (!isUuid(input.flow.uuid)) throw new ValidationError('flow.uuid', 'The flow uuid must be a UUID.');
  if (type === 'keyword') {
    const keywords = input.keywords ?? [];
    if (keywords.length === 0 || keywords.length > MAX_TRIGGER_KEYWORDS)
      throw new ValidationError('keywords', `A keyword trigger has 1 to ${MAX_TRIGGER_KEYWORDS} keywords.`);
    keywords.forEach((keyword, index) => {
      if (!KEYWORD_PATTERN.test(keyword)) throw new ValidationError(`keywords.${index}`, 'A keyword is one word of letters, digits or _, at most 16 characters.');
    });
    if (input.match_type !== undefined && input.match_type !== 'F' && input.match_type !== 'O')
      throw new ValidationError('match_type', 'The match type is F (first word) or O (only word).');
  } else {
    if (input.keywords?.length) throw new ValidationError('keywords', 'Only keyword triggers have keywords.');
    if (input.match_type !== undefined) throw new ValidationError('match_type', 'Only keyword triggers have a match type.');
  }
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

/**
 * What two triggers must not share: type and groups, and for keyword triggers
 * a keyword (one signature per keyword, so overlapping keyword lists tie too).
 */
export function triggerSignatures(trigger: Pick<ClosedTicketTrigger, 'type' | 'keywords' | 'groups' | 'exclude_groups'>): string[] {
  const type = triggerType(trigger);
  const groups = groupSignature(trigger);
  if (type !== 'keyword') return [`${type}|${groups}`];
  return [...new Set(trigger.keywords ?? [])].map((keyword) => `keyword:${keyword.toLowerCase()}|${groups}`);
}

export function assertNoTwin(candidate: ClosedTicketTrigger, existing: readonly ClosedTicketTrigger[]): void {
  const mine = new Set(triggerSignatures(candidate));
  const twin = existing.find((other) => other.uuid !== candidate.uuid && triggerSignatures(other).some((signature) => mine.has(signature)));
  if (twin) {
    const what = { closed_ticket: 'on closed tickets', keyword: 'for this keyword', catch_all: 'for unmatched messages' }[triggerType(candidate)];
    throw new ConflictError('trigger_exists', `Trigger ${twin.uuid} already starts a flow ${what} for these groups; change or delete it.`);
  }
}

/** The words of a message as RapidPro tokenizes it for keywords: runs of letters, digits and _, lowercased. */
export function messageWords(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}_]+/gu) ?? [];
}

/**
 * The trigger an inbound message starts, or null: a keyword trigger whose
 * keyword is the first word (`F`) or the only word (`O`) of the text, else —
 * only when no session waits for the contact — a catch-all trigger; among
 * those that apply to the contact's groups, the most specific (matchingTrigger).
 */
export function messageTrigger(
  triggers: readonly ClosedTicketTrigger[],
  text: string,
  contactGroups: ReadonlySet<string>,
  sessionWaiting: boolean,
): { trigger: ClosedTicketTrigger; keyword: string | null; match: MatchType | null } | null {
  const words = messageWords(text);
  const first = words[0];
  if (first !== undefined) {
    const keyworded = triggers.filter(
      (trigger) => triggerType(trigger) === 'keyword' && (trigger.keywords ?? []).includes(first) && (trigger.match_type !== 'O' || words.length === 1),
    );
    const found = matchingTrigger(keyworded, contactGroups);
    if (found) return { trigger: found, keyword: first, match: found.match_type ?? 'F' };
  }
  if (sessionWaiting) return null;
  const catchAll = matchingTrigger(triggers.filter((trigger) => triggerType(trigger) === 'catch_all'), contactGroups);
  return catchAll ? { trigger: catchAll, keyword: null, match: null } : null;
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
