// What the conversation of a ticket shows, in time order: messages in and out
// (bot, contact, agents) and the ticket's history (notes set apart, lines such
// as "Assigned to Ana by Bruno").
import type { Schemas } from '../api/client';
import type { Translate } from '../i18n';

export type TicketEvent = Schemas['TicketEvent'];

export type ConversationMessage = Schemas['ConversationMsg'];

/** An item of GET /tickets/{ticket}/conversation. */
export type ConversationEntry = Schemas['ConversationItem'];

/** Oldest first, as a chat reads; entries of the same instant keep their order. */
export function inTimeOrder(entries: readonly ConversationEntry[]): ConversationEntry[] {
  return entries
    .map((entry, index) => ({ entry, index }))
    .sort((a, b) => a.entry.created_on.localeCompare(b.entry.created_on) || a.index - b.index)
    .map(({ entry }) => entry);
}

/**
 * Where an attachment opens and what its link says: RapidPro's `content-type:url` form loses its type,
 * and the label is the file's name — never the signed link's query string.
 */
export function attachmentLink(attachment: string): { url: string; label: string } {
  const url = /^[\w.+-]+\/[\w.+-]+:https?:/.test(attachment) ? attachment.slice(attachment.indexOf(':') + 1) : attachment;
  // Other kinds (geo:…, telegram-file:…) are shown as they are.
  if (!/^https?:\/\//.test(url)) return { url, label: url };
  try {
    const parsed = new URL(url);
    const name = parsed.pathname.split('/').filter(Boolean).pop();
    return { url, label: name ? decodeURIComponent(name) : parsed.host };
  } catch {
    return { url, label: url };
  }
}

/** The history line of an event, e.g. "Assigned to Ana by Bruno"; notes are drawn apart (their text is the note). */
export function historyLine(event: TicketEvent, t: Translate): string {
  const user = event.created_by?.name || event.created_by?.email || t('history.system');
  switch (event.type) {
    case 'ticket_opened':
      return event.created_by ? t('history.ticket_opened_by', { topic: event.topic?.name ?? '', user }) : t('history.ticket_opened', { topic: event.topic?.name ?? '' });
    case 'ticket_assignee_changed':
      return event.assignee ? t('history.assigned', { assignee: event.assignee.name || event.assignee.email, user }) : t('history.unassigned', { user });
    case 'ticket_note_added':
      return t('history.ticket_note_added', { user });
    case 'ticket_topic_changed':
      return t('history.ticket_topic_changed', { topic: event.topic?.name ?? '', user });
    case 'ticket_closed':
      return t('history.ticket_closed', { user });
    case 'ticket_reopened':
      return t('history.ticket_reopened', { user });
  }
}

/** The ticket list's line for the ticket's last message: a reply marked as such, an attachment-only message named; none: null. */
export function lastMessageLine(message: Schemas['LastMessage'] | null, t: Translate): string | null {
  if (!message) return null;
  const text = message.text.trim() === '' ? t('list.attachment') : message.text.replace(/\s+/g, ' ').trim();
  return message.direction === 'out' ? t('list.replied', { text }) : text;
}
