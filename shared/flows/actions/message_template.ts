// WhatsApp-style message templates on send_msg: when the workspace has a
// translation of the template for the sending channel and the contact's
// locale, the message text, attachments and quick replies come from that
// translation's components, filled with the evaluated template variables.
import type { TemplateAsset, TemplateTranslation } from '../assets';
import type { Reference } from '../definition/types';

export interface TemplatedMsg {
  text: string;
  attachments: string[];
  quickReplies: string[];
  locale: string;
  templating: Record<string, unknown>;
}

/** Picks the translation for the channel, in the run language or else the workspace's default. */
export function pickTranslation(template: TemplateAsset, channelUuid: string, languages: string[], country: string | undefined): TemplateTranslation | undefined {
  const forChannel = template.translations.filter((t) => t.channel.uuid === channelUuid);
  for (const language of languages) {
    const wanted = country ? [`${language}-${country}`, language] : [language];
    for (const locale of wanted) {
      const found = forChannel.find((t) => t.locale === locale);
      if (found) return found;
    }
  }
  return undefined;
}

const isAttachment = (value: string) => /^[^:\s]+\/[^:\s]+:\S+$/.test(value);

export function applyTemplate(template: Reference, translation: TemplateTranslation, values: string[]): TemplatedMsg {
  const variables = translation.variables.map((v, i) => ({ type: v.type, value: values[i] ?? '' }));
  const fill = (content: string, mapping: Record<string, number>) =>
    content.replace(/\{\{(\d+)\}\}/g, (_m, key: string) => variables[mapping[key] ?? -1]?.value ?? '');

  const texts: { header?: string; body?: string; footer?: string } = {};
  const attachments: string[] = [];
  const quickReplies: string[] = [];
  for (const component of translation.components) {
    const [kind, format] = component.type.split('/');
    if (kind === 'header' && format === 'media') {
      for (const index of Object.values(component.variables)) {
        const value = variables[index]?.value ?? '';
        if (isAttachment(value)) attachments.push(value);
      }
    } else if (kind === 'header' || kind === 'body' || kind === 'footer') {
      texts[kind] = fill(component.content, component.variables);
    } else if (kind === 'button' && format === 'quick_reply') {
      quickReplies.push(fill(component.content, component.variables));
    }
  }

  const templating: Record<string, unknown> = { template };
  const components = translation.components
    .filter((c) => Object.keys(c.variables).length > 0)
    .map((c) => ({ name: c.name, type: c.type, variables: c.variables }));
  if (components.length) templating.components = components;
  if (variables.length) templating.variables = variables;

  return {
    text: [texts.header, texts.body, texts.footer].filter((t) => t).join('\n\n'),
    attachments,
    quickReplies,
    locale: translation.locale,
    templating,
  };
}
