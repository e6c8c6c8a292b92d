// send_msg: evaluates a (localized) text, attachments and quick replies and
// creates an outgoing message to the contact's first sendable URN. A
// message template, when the channel has a translation of it, supplies the
// content instead (see message_template).
import type { ChannelAsset } from '../assets';
import type { Reference } from '../definition/types';
import { parseURN, urnWithoutQuery } from '../urns';
import { FieldChecker, truncate, type ActionContext, type ActionType } from './action';
import { applyTemplate, pickTranslation } from './message_template';

export interface SendMsgAction {
  uuid: string;
  type: 'send_msg';
  text: string;
  attachments: string[];
  quick_replies: string[];
  template?: Reference;
  template_variables: string[];
}

const MAX_ATTACHMENTS = 10;
const MAX_QUICK_REPLIES = 10;
const MAX_QUICK_REPLY_LENGTH = 1000;
const MAX_ATTACHMENT_LENGTH = 2048;
const MAX_QUICK_REPLY_TEXT = 64;
const MAX_QUICK_REPLY_EXTRA = 1000;

interface QuickReply {
  type: 'text';
  text: string;
  extra?: string;
}

interface Destination {
  urn: string;
  channel: ChannelAsset;
}

export const sendMsg: ActionType<SendMsgAction> = {
  type: 'send_msg',
  read(json) {
    new FieldChecker(json)
      .required('text')
      .maxItems('attachments', MAX_ATTACHMENTS)
      .maxItems('quick_replies', MAX_QUICK_REPLIES)
      .maxLength('quick_replies', MAX_QUICK_REPLY_LENGTH)
      .check();
    return {
      uuid: json.uuid as string,
      type: 'send_msg',
      text: json.text as string,
      attachments: (json.attachments as string[] | undefined) ?? [],
      quick_replies: (json.quick_replies as string[] | undefined) ?? [],
      template: json.template as Reference | undefined,
      template_variables: (json.template_variables as string[] | undefined) ?? [],
    };
  },
  execute(action, ctx) {
    const [textTemplate = action.text] = ctx.localize(action.uuid, 'text', [action.text]);
    let text = ctx.evaluate(textTemplate);

    let attachments: string[] = [];
    for (const template of ctx.localize(action.uuid, 'attachments', action.attachments)) {
      const attachment = ctx.evaluate(template).trim();
      const colon = attachment.indexOf(':');
      if (colon <= 0 || attachment.slice(colon + 1).trim() === '') {
        ctx.error('Attachment evaluated to invalid value and will be ignored');
      } else if (attachment.length > MAX_ATTACHMENT_LENGTH) {
        ctx.error(`Evaluated attachment is longer than the ${MAX_ATTACHMENT_LENGTH} limit and will be ignored`);
      } else attachments.push(attachment);
    }

    let quickReplies: QuickReply[] = [];
    for (const template of ctx.localize(action.uuid, 'quick_replies', action.quick_replies)) {
      const evaluated = ctx.evaluate(template).trim();
      if (evaluated === '') {
        ctx.error('Quick reply evaluated to empty string and will be ignored');
        continue;
      }
      const [replyText = '', extra] = evaluated.split('<extra>', 2);
      const reply: QuickReply = { type: 'text', text: truncate(replyText, MAX_QUICK_REPLY_TEXT, '...') };
      if (extra !== undefined && extra !== '') reply.extra = truncate(extra, MAX_QUICK_REPLY_EXTRA, '...');
      quickReplies.push(reply);
    }

    const destination = findDestination(ctx);
    const country = ctx.session.contact.country() ?? ctx.env.defaultCountry;
    let locale = country ? `${ctx.language}-${country}` : ctx.language;
    let templating: Record<string, unknown> | undefined;

    const template = action.template && destination ? ctx.assets.template(action.template.uuid) : undefined;
    const translation = template && destination ? pickTranslation(template, destination.channel.uuid, [ctx.language, ctx.env.defaultLanguage], country) : undefined;
    if (template && translation) {
      const values = ctx.localize(action.uuid, 'template_variables', action.template_variables).map((v) => ctx.evaluate(v));
      const templated = applyTemplate({ uuid: template.uuid, name: template.name }, translation, values);
      text = templated.text;
      attachments = templated.attachments;
      quickReplies = templated.quickReplies.map((q) => ({ type: 'text', text: q }));
      locale = templated.locale;
      templating = templated.templating;
    }

    const msg: Record<string, unknown> = {};
    if (destination) {
      msg.urn = urnWithoutQuery(destination.urn);
      msg.channel = { uuid: destination.channel.uuid, name: destination.channel.name };
    }
    msg.text = text;
    if (attachments.length) msg.attachments = attachments;
    if (quickReplies.length) msg.quick_replies = quickReplies;
    if (templating) msg.templating = templating;
    msg.locale = locale;
    const status = ctx.session.contact.json.status ?? 'active';
    if (status !== 'active') msg.unsendable_reason = `contact_${status}`;
    else if (!destination) msg.unsendable_reason = 'no_route';
    else if (ctx.services.isForbiddenContent?.(text)) msg.unsendable_reason = 'forbidden_content';
    ctx.emit('msg_created', { msg });
  },
};

/** The contact's first URN that a channel can send to (honouring channel affinity). */
function findDestination(ctx: ActionContext): Destination | undefined {
  for (const urn of ctx.session.contact.urns) {
    const parsed = parseURN(urn);
    if (!parsed) continue;
    const affinity = new URLSearchParams(parsed.query).get('channel') ?? undefined;
    const channel = ctx.assets.sendingChannel(parsed.scheme, affinity);
    if (channel) return { urn, channel };
  }
  return undefined;
}
