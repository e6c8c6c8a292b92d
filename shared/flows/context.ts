// Builds the expression context of a run: @contact, @fields, @urns,
// @results, @locals, @input, @run, @node, @ticket, @trigger, @globals,
// @parent, @child — shaped as goflow exposes them.
import type { SessionAssets } from './assets';
import { Contact, type FieldValueJSON } from './contact';
import { parseISODateTime } from './expressions/dates';
import type { Environment } from './expressions/environment';
import {
  XArray,
  XObject,
  fromJSON,
  parseDecimal,
  toText,
  xNumber,
  xText,
  type XValue,
} from './expressions/values';
import type { Reference } from './definition/types';
import { tokenize } from './functions/words';
import type { TicketJSON } from './ports';
import type { FlowReference, Run, ResultJSON, Session } from './session';
import type { TriggerJSON } from './triggers';
import type { MsgInputJSON } from './inputs';
import { formatURN, parseURN, urnWithoutQuery } from './urns';

const URN_SCHEMES = ['discord', 'ext', 'facebook', 'fcm', 'freshchat', 'instagram', 'jiochat', 'line', 'mailto', 'rocketchat', 'slack', 'tel', 'telegram', 'twitter', 'twitterid', 'viber', 'vk', 'webchat', 'wechat', 'whatsapp'];

const text = (s: string | undefined | null): XValue => (s === undefined || s === null ? null : xText(s));

function datetime(s: string | undefined | null): XValue {
  if (!s) return null;
  return parseISODateTime(s) ?? xText(s);
}

/**
 * Lines of `Name: value`, the default text of @fields, @results and
 * @globals. goflow sorts the lines of fields and results, not of globals.
 */
function lines(entries: [string, string][], sorted: boolean): XValue {
  const out = entries.map(([name, value]) => `${name}: ${value}`);
  return xText((sorted ? out.sort() : out).join('\n'));
}

/** The first word of a name (goflow tokenizes, so "Ryan-Lewis" → "Ryan"). */
function firstName(name: string): XValue {
  const first = tokenize(name)[0];
  return first ? xText(first.text) : null;
}

// Each function below is one of goflow's `@context` types; the default (what
// `@x` renders as text and what functions receive) is the one goflow
// documents for that type. Types without a default (ticket, group, node,
// trigger, urns) render as `{key: value, …}`.

/** @context topic: renders its name. */
function topicContext(topic: Reference | null | undefined): XValue {
  if (!topic) return null;
  return XObject.of({ uuid: xText(topic.uuid), name: xText(topic.name) }, xText(topic.name));
}

/** @context user: renders the name, or the e-mail when there is no name. */
function userContext(ref: { uuid?: string; email?: string; name?: string } | null | undefined, assets: SessionAssets | undefined): XValue {
  if (!ref) return null;
  const user = assets?.user(ref);
  const name = user?.name ?? ref.name ?? '';
  const email = user?.email ?? ref.email ?? '';
  return XObject.of({ email: xText(email), name: xText(name), first_name: firstName(name) ?? xText('') }, xText(name || email));
}

/** @context group: no default, a group renders as `{name: …, uuid: …}`. */
function groupContext(group: Reference): XValue {
  return XObject.of({ uuid: xText(group.uuid), name: xText(group.name) });
}

/** @context channel: renders its name. */
function channelContext(channel: { uuid: string; name: string; address?: string } | null | undefined): XValue {
  if (!channel) return null;
  return XObject.of({ uuid: xText(channel.uuid), name: xText(channel.name), address: xText(channel.address ?? '') }, xText(channel.name));
}

/** @context flow: renders its name. */
function flowContext(ref: FlowReference, assets: SessionAssets): XValue {
  const revision = ref.revision ?? (assets.flow(ref.uuid) as { revision?: number } | undefined)?.revision;
  return XObject.of(
    { uuid: xText(ref.uuid), name: xText(ref.name), revision: revision === undefined ? null : xNumber(revision) },
    xText(ref.name),
  );
}

/** @context ticket: no default; its topic renders the topic's name, its assignee the user's. */
export function ticketContext(ticket: TicketJSON | undefined | null, assets?: SessionAssets): XValue {
  if (!ticket) return null;
  return XObject.of({
    uuid: xText(ticket.uuid),
    topic: topicContext(ticket.topic),
    assignee: userContext(ticket.assignee as { uuid?: string; email?: string; name?: string } | null | undefined, assets),
  });
}

/** A contact field value as its field type reads it. */
function fieldValue(value: FieldValueJSON | undefined, type: string): XValue {
  if (!value) return null;
  switch (type) {
    case 'number': {
      const n = value.number !== undefined ? parseDecimal(String(value.number)) : undefined;
      return n ? xNumber(n) : null;
    }
    case 'datetime':
      return value.datetime ? datetime(value.datetime) : null;
    case 'state':
    case 'district':
    case 'ward':
      return text(value[type] ?? null);
    default:
      return xText(value.text);
  }
}

/** @fields: one property per field; renders `Name: value` lines of the set ones. */
function fieldsContext(contact: Contact, assets: SessionAssets): XObject {
  const props = new Map<string, XValue>();
  const named: [string, string][] = [];
  const add = (key: string, name: string, value: XValue) => {
    props.set(key, value);
    const rendered = value === null ? undefined : toText(value);
    if (typeof rendered === 'string') named.push([name, rendered]);
  };
  for (const field of assets.fields) add(field.key, field.name, fieldValue(contact.fields[field.key], field.type));
  // Values for fields the assets do not declare are still readable as text.
  for (const [key, value] of Object.entries(contact.fields)) if (!props.has(key)) add(key, key, xText(value.text));
  return new XObject(props, lines(named, true));
}

/** @urns: the first URN of each scheme the contact has, null for every other known scheme. */
function urnsContext(contact: Contact): XObject {
  const props = new Map<string, XValue>();
  for (const urn of contact.urns) {
    const scheme = parseURN(urn)?.scheme;
    if (scheme && !props.has(scheme)) props.set(scheme, xText(urnWithoutQuery(urn)));
  }
  for (const scheme of URN_SCHEMES) if (!props.has(scheme)) props.set(scheme, null);
  return new XObject(props);
}

/** How goflow shows a contact: the name, or else the first URN formatted. */
function formatContact(contact: Contact): string {
  if (contact.name) return contact.name;
  const first = contact.urns[0] ? parseURN(contact.urns[0]) : undefined;
  return first ? formatURN(first) : '';
}

/** @context contact: renders the name, or the first URN formatted when there is no name. */
export function contactContext(contact: Contact, assets: SessionAssets): XObject {
  const firstUrn = contact.urns[0];
  const channelUuid = firstUrn ? new URLSearchParams(parseURN(firstUrn)?.query ?? '').get('channel') : null;
  const obj = XObject.of(
    {
      uuid: xText(contact.uuid),
      id: contact.json.id !== undefined ? xText(String(contact.json.id)) : null,
      name: xText(contact.name),
      first_name: firstName(contact.name),
      language: xText(contact.language),
      status: xText(contact.json.status ?? 'active'),
      timezone: text(contact.json.timezone),
      created_on: datetime(contact.json.created_on),
      last_seen_on: datetime(contact.json.last_seen_on),
      urns: new XArray(contact.urns.map((u) => xText(urnWithoutQuery(u)))),
      urn: firstUrn ? xText(urnWithoutQuery(firstUrn)) : null,
      groups: new XArray(contact.groups.map(groupContext)),
      fields: fieldsContext(contact, assets),
      channel: channelContext(channelUuid ? assets.channel(channelUuid) : undefined),
      tickets: new XArray(contact.tickets.filter((t) => (t.status ?? 'open') === 'open').map((t) => ticketContext(t, assets))),
    },
    xText(formatContact(contact)),
  );
  obj.deprecated.set('tickets', '@contact.tickets is deprecated, use @ticket instead');
  obj.deprecated.set('id', '@contact.id is deprecated, use @contact.ref instead');
  return obj;
}

/** @context result: renders its value. */
function resultContext(result: ResultJSON, localizedCategory?: string): XObject {
  return XObject.of(
    {
      name: xText(result.name),
      value: xText(result.value),
      category: xText(result.category ?? ''),
      category_localized: xText(localizedCategory || result.category_localized || result.category || ''),
      input: xText(result.input ?? ''),
      node_uuid: xText(result.node_uuid),
      created_on: datetime(result.created_on),
      extra: result.extra === undefined ? null : fromJSON(result.extra),
      // Legacy (RapidPro's v12 editor) shapes that migrated flows still read.
      values: new XArray([xText(result.value)]),
      categories: new XArray([xText(result.category ?? '')]),
    },
    xText(result.value),
  );
}

/** @results: one property per result; renders `Name: value` lines. */
function resultsContext(results: Record<string, ResultJSON>, localize: LocalizeCategory): XObject {
  const props = new Map<string, XValue>();
  for (const [key, result] of Object.entries(results)) props.set(key, resultContext(result, localize(result)));
  return new XObject(props, lines(Object.values(results).map((r) => [r.name, r.value]), true));
}

/** The URL of an attachment `content/type:url`. */
function attachmentURL(attachment: string): string {
  const m = /^[^:/\s]+\/[^:\s]+:(.*)$/s.exec(attachment);
  return m ? m[1]! : attachment;
}

/** @context input: renders the text and the attachments' URLs, one per line. */
function inputContext(input: MsgInputJSON | undefined): XValue {
  if (!input) return null;
  const attachments = input.attachments ?? [];
  const rendered = [input.text, ...attachments.map(attachmentURL)].filter((s) => s !== '').join('\n');
  const payload = (input as { payload?: unknown }).payload;
  return XObject.of(
    {
      uuid: xText(input.uuid),
      type: xText(input.type),
      channel: channelContext(input.channel),
      urn: text(input.urn),
      text: xText(input.text),
      attachments: new XArray(attachments.map(xText)),
      created_on: datetime(input.created_on),
      external_id: xText(input.external_id ?? ''),
      payload: payload === undefined || payload === null ? new XObject(new Map()) : fromJSON(payload),
    },
    xText(rendered),
  );
}

/** @context trigger: no default. */
export function triggerContext(trigger: TriggerJSON, assets: SessionAssets): XObject {
  return XObject.of({
    type: xText(trigger.type),
    params: fromJSON(trigger.params ?? {}),
    keyword: xText(trigger.keyword_match?.keyword ?? ''),
    user: userContext(trigger.user, assets),
    origin: xText(trigger.origin ?? ''),
    ticket: ticketContext(trigger.ticket, assets),
    campaign: null,
  });
}

/** @globals: one property per global; renders `Name: value` lines. */
function globalsContext(assets: SessionAssets): XObject {
  const props = new Map<string, XValue>(assets.globals.map((g) => [g.key, xText(g.value)]));
  return new XObject(props, lines(assets.globals.map((g) => [g.name ?? g.key, g.value]), false));
}

export type LocalizeCategory = (result: ResultJSON) => string | undefined;

/** What @parent and @child show of a related run. */
interface RelatedRun {
  uuid: string;
  flow: FlowReference;
  status: string;
  contact: Contact;
  results: Record<string, ResultJSON>;
}

/** The default of a run and a related run: `contact@flow`. */
function runSummary(contact: Contact, flow: FlowReference): XValue {
  return xText(`${formatContact(contact)}@${flow.name}`);
}

/** @context related_run (@parent, @child): renders `contact@flow`. */
function relatedRunContext(related: RelatedRun | undefined, assets: SessionAssets, localize: LocalizeCategory): XValue {
  if (!related) return null;
  const contact = contactContext(related.contact, assets);
  // Editors have long split subflows on @child.run.status; it still works, with a warning.
  const legacyRun = XObject.of({ status: xText(related.status) });
  legacyRun.deprecated.set('status', '@child.run.status is deprecated, use @child.status instead');
  return XObject.of(
    {
      uuid: xText(related.uuid),
      contact,
      flow: flowContext(related.flow, assets),
      urns: urnsContext(related.contact),
      fields: contact.get('fields') ?? null,
      status: xText(related.status),
      results: resultsContext(related.results, localize),
      run: legacyRun,
    },
    runSummary(related.contact, related.flow),
  );
}

function relatedRun(run: Run | undefined, session: Session): RelatedRun | undefined {
  return run && { uuid: run.uuid, flow: run.flow, status: run.status, contact: session.contact, results: run.results };
}

/** A session started from another session's flow knows the run that started it. */
function triggeringRun(session: Session): RelatedRun | undefined {
  const summary = session.trigger.run_summary;
  if (!summary) return undefined;
  return { uuid: summary.uuid, flow: summary.flow, status: summary.status, contact: new Contact(structuredClone(summary.contact)), results: summary.results ?? {} };
}

/** @context node: the current node, its categories and how often this run visited it. */
function nodeContext(run: Run, nodeUuid: string | undefined, assets: SessionAssets): XValue {
  if (!nodeUuid) return null;
  const node = assets.flow(run.flow.uuid)?.nodes?.find((n) => n.uuid === nodeUuid);
  const categories = (node?.router?.categories ?? []).map((c) => xText(c.name));
  const visitCount = run.path.filter((s) => s.node_uuid === nodeUuid).length;
  return XObject.of({ uuid: xText(nodeUuid), categories: new XArray(categories), visit_count: xNumber(visitCount) });
}

export interface ContextInput {
  session: Session;
  run: Run;
  nodeUuid: string | undefined;
  assets: SessionAssets;
  /** The merged environment (context values are built from the session and assets alone today). */
  env: Environment;
  localize: LocalizeCategory;
}

export function buildContext({ session, run, nodeUuid, assets, localize }: ContextInput): XObject {
  const contact = contactContext(session.contact, assets);
  const locals = new XObject(new Map(Object.entries(run.locals).map(([k, v]) => [k, xText(v)])));
  const results = resultsContext(run.results, localize);
  return XObject.of({
    contact,
    fields: contact.get('fields') ?? null,
    urns: urnsContext(session.contact),
    results,
    locals,
    input: inputContext(session.input),
    // @context run: renders `contact@flow`.
    run: XObject.of(
      {
        uuid: xText(run.uuid),
        contact,
        flow: flowContext(run.flow, assets),
        status: xText(run.status),
        locals,
        results,
        path: new XArray(run.path.map((s) => XObject.of({ node_uuid: xText(s.node_uuid), arrived_on: datetime(s.arrived_on) }))),
        created_on: datetime(run.json.created_on),
        exited_on: datetime(run.json.exited_on),
      },
      runSummary(session.contact, run.flow),
    ),
    node: nodeContext(run, nodeUuid, assets),
    ticket: ticketContext(session.contact.openTicket(), assets),
    trigger: triggerContext(session.trigger, assets),
    // The session does not keep the resume that continued it (see docs/flow-engine.md).
    resume: null,
    globals: globalsContext(assets),
    parent: relatedRunContext(relatedRun(session.parentOf(run), session) ?? (run === session.runs[0] ? triggeringRun(session) : undefined), assets, localize),
    child: relatedRunContext(relatedRun(session.childOf(run), session), assets, localize),
    webhook: null,
    legacy_extra: new XObject(new Map()),
  });
}
