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
  xNumber,
  xText,
  type XValue,
} from './expressions/values';
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

function reference(ref: { uuid?: string; name?: string } | null | undefined): XValue {
  if (!ref) return null;
  return XObject.of({ uuid: text(ref.uuid), name: text(ref.name) }, text(ref.name));
}

export function ticketContext(ticket: TicketJSON | undefined | null): XValue {
  if (!ticket) return null;
  const topic = ticket.topic ? XObject.of({ uuid: xText(ticket.topic.uuid), name: xText(ticket.topic.name) }) : null;
  const assignee = ticket.assignee ? XObject.of({ uuid: text(ticket.assignee.uuid), name: text(ticket.assignee.name) }) : null;
  return XObject.of({ uuid: xText(ticket.uuid), topic, assignee });
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

function fieldsContext(contact: Contact, assets: SessionAssets): XObject {
  const props = new Map<string, XValue>();
  for (const field of assets.fields) props.set(field.key, fieldValue(contact.fields[field.key], field.type));
  // Values for fields the assets do not declare are still readable as text.
  for (const [key, value] of Object.entries(contact.fields)) if (!props.has(key)) props.set(key, xText(value.text));
  return new XObject(props);
}

function urnsContext(contact: Contact): XObject {
  const props = new Map<string, XValue>();
  for (const scheme of URN_SCHEMES) {
    const urn = contact.urns.find((u) => parseURN(u)?.scheme === scheme);
    props.set(scheme, urn ? xText(urnWithoutQuery(urn)) : null);
  }
  return new XObject(props);
}

export function contactContext(contact: Contact, assets: SessionAssets, env: Environment): XObject {
  const firstName = contact.name.split(/\s+/)[0] ?? '';
  const firstUrn = contact.urns[0];
  const channelUuid = firstUrn ? new URLSearchParams(parseURN(firstUrn)?.query ?? '').get('channel') : null;
  const channel = channelUuid ? assets.channel(channelUuid) : undefined;
  const displayName = contact.name || (firstUrn && parseURN(firstUrn) ? formatURN(parseURN(firstUrn)!) : '');
  const obj = XObject.of(
    {
      uuid: xText(contact.uuid),
      id: contact.json.id !== undefined ? xText(String(contact.json.id)) : null,
      name: xText(contact.name),
      first_name: xText(firstName),
      language: xText(contact.language),
      status: xText(contact.json.status ?? 'active'),
      timezone: text(contact.json.timezone ?? env.timezone),
      created_on: datetime(contact.json.created_on),
      last_seen_on: datetime(contact.json.last_seen_on),
      urns: new XArray(contact.urns.map((u) => xText(urnWithoutQuery(u)))),
      urn: firstUrn ? xText(urnWithoutQuery(firstUrn)) : null,
      groups: new XArray(contact.groups.map(reference)),
      fields: fieldsContext(contact, assets),
      channel: channel ? XObject.of({ uuid: xText(channel.uuid), name: xText(channel.name), address: text(channel.address) }, xText(channel.name)) : null,
      tickets: new XArray(contact.tickets.filter((t) => (t.status ?? 'open') === 'open').map(ticketContext)),
    },
    xText(displayName),
  );
  obj.deprecated.set('tickets', '@contact.tickets is deprecated, use @ticket instead');
  obj.deprecated.set('id', '@contact.id is deprecated, use @contact.ref instead');
  return obj;
}

function resultContext(result: ResultJSON, localizedCategory?: string): XObject {
  return XObject.of(
    {
      name: xText(result.name),
      value: xText(result.value),
      category: xText(result.category ?? ''),
      category_localized: xText(localizedCategory ?? result.category_localized ?? result.category ?? ''),
      input: xText(result.input ?? ''),
      node_uuid: xText(result.node_uuid),
      created_on: datetime(result.created_on),
      extra: result.extra === undefined ? null : fromJSON(result.extra),
      values: new XArray([xText(result.value)]),
      categories: new XArray([xText(result.category ?? '')]),
    },
    xText(result.value),
  );
}

function resultsContext(run: Run, localize: LocalizeCategory): XObject {
  const props = new Map<string, XValue>();
  for (const [key, result] of Object.entries(run.results)) props.set(key, resultContext(result, localize(result)));
  return new XObject(props);
}

function inputContext(input: MsgInputJSON | undefined): XValue {
  if (!input) return null;
  const attachments = input.attachments ?? [];
  const rendered = [input.text, ...attachments].filter((s) => s !== '').join('\n');
  return XObject.of(
    {
      uuid: xText(input.uuid),
      type: xText(input.type),
      channel: reference(input.channel),
      urn: text(input.urn),
      text: xText(input.text),
      attachments: new XArray(attachments.map(xText)),
      created_on: datetime(input.created_on),
      external_id: text(input.external_id),
    },
    xText(rendered),
  );
}

/** A workspace user (e.g. who started a flow), as expressions see them. */
function userContext(ref: { uuid?: string; email?: string; name?: string } | undefined, assets: SessionAssets): XValue {
  if (!ref) return null;
  const user = assets.user(ref);
  const name = user?.name ?? ref.name ?? '';
  return XObject.of(
    { email: text(user?.email ?? ref.email), name: xText(name), first_name: xText(name.split(/\s+/)[0] ?? '') },
    xText(name),
  );
}

export function triggerContext(trigger: TriggerJSON, assets: SessionAssets): XObject {
  return XObject.of({
    type: xText(trigger.type),
    params: fromJSON(trigger.params ?? {}),
    keyword: xText(trigger.keyword_match?.keyword ?? ''),
    user: userContext(trigger.user, assets),
    origin: xText(trigger.origin ?? ''),
    ticket: ticketContext(trigger.ticket),
    campaign: null,
  });
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

function relatedRunContext(related: RelatedRun | undefined, assets: SessionAssets, env: Environment, localize: LocalizeCategory): XValue {
  if (!related) return null;
  const contact = contactContext(related.contact, assets, env);
  // Editors have long split subflows on @child.run.status; it still works, with a warning.
  const legacyRun = XObject.of({ status: xText(related.status) });
  legacyRun.deprecated.set('status', '@child.run.status is deprecated, use @child.status instead');
  const results = new Map<string, XValue>(Object.entries(related.results).map(([key, result]) => [key, resultContext(result, localize(result))]));
  return XObject.of(
    {
      uuid: xText(related.uuid),
      contact,
      flow: reference(related.flow),
      urns: urnsContext(related.contact),
      fields: contact.get('fields') ?? null,
      status: xText(related.status),
      results: new XObject(results),
      run: legacyRun,
    },
    xText(`${related.contact.name || related.contact.uuid}@${related.flow.name}`),
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

export interface ContextInput {
  session: Session;
  run: Run;
  nodeUuid: string | undefined;
  assets: SessionAssets;
  env: Environment;
  localize: LocalizeCategory;
}

export function buildContext({ session, run, nodeUuid, assets, env, localize }: ContextInput): XObject {
  const contact = contactContext(session.contact, assets, env);
  const visitCount = nodeUuid ? run.path.filter((s) => s.node_uuid === nodeUuid).length : 0;
  const globals = new Map<string, XValue>(assets.globals.map((g) => [g.key, xText(g.value)]));
  return XObject.of({
    contact,
    fields: contact.get('fields') ?? null,
    urns: urnsContext(session.contact),
    results: resultsContext(run, localize),
    locals: new XObject(new Map(Object.entries(run.locals).map(([k, v]) => [k, xText(v)]))),
    input: inputContext(session.input),
    run: XObject.of({
      uuid: xText(run.uuid),
      contact,
      flow: reference(run.flow),
      status: xText(run.status),
      results: resultsContext(run, localize),
      created_on: datetime(run.json.created_on),
      exited_on: datetime(run.json.exited_on),
    }),
    node: nodeUuid ? XObject.of({ uuid: xText(nodeUuid), visit_count: xNumber(visitCount) }) : null,
    ticket: ticketContext(session.contact.openTicket()),
    trigger: triggerContext(session.trigger, assets),
    globals: new XObject(globals),
    parent: relatedRunContext(relatedRun(session.parentOf(run), session) ?? (run === session.runs[0] ? triggeringRun(session) : undefined), assets, env, localize),
    child: relatedRunContext(relatedRun(session.childOf(run), session), assets, env, localize),
    webhook: null,
    legacy_extra: new XObject(new Map()),
  });
}
