// Mapping between the use cases' views and RapidPro API v2 shapes.
import type { HttpEvent } from './handler';
import { publicUrl } from './urls';
import type { z } from 'zod';
import type { ticketSchema } from './ticket-schemas';
import type { topicSchema } from './topic-schemas';
import type { v2TicketSchema, v2TopicSchema, v2UserSchema } from './rapidpro-v2-schemas';
import type { MemberView } from '#use-cases/index';

type TicketView = z.output<typeof ticketSchema>;
type TopicView = z.output<typeof topicSchema>;
type UserRef = { email: string; name: string } | null;

const v2User = (user: UserRef) => (user ? { email: user.email, name: user.name } : null);

export function toV2Ticket(ticket: TicketView): z.output<typeof v2TicketSchema> {
  return {
    uuid: ticket.uuid,
    contact: { uuid: ticket.contact.uuid, name: ticket.contact.name },
    status: ticket.status,
    topic: { uuid: ticket.topic.uuid, name: ticket.topic.name },
    body: null,
    assignee: v2User(ticket.assignee),
    opened_on: ticket.opened_on,
    opened_by: v2User(ticket.opened_by),
    opened_in: ticket.opened_in ? { uuid: ticket.opened_in.uuid, name: ticket.opened_in.name } : null,
    modified_on: ticket.modified_on,
    closed_on: ticket.closed_on,
  };
}

export function toV2Topic(topic: TopicView): z.output<typeof v2TopicSchema> {
  return {
    uuid: topic.uuid,
    name: topic.name,
    counts: { open: topic.counts.open, closed: topic.counts.closed },
    system: topic.system,
    created_on: topic.created_on,
  };
}

/** RapidPro users carry first and last name; Ticketer keeps one name, split at its first space. */
export function toV2User(member: MemberView): z.output<typeof v2UserSchema> {
  const [first = '', ...rest] = member.name.split(' ');
  return {
    uuid: member.uuid,
    email: member.email,
    name: member.name,
    first_name: first,
    last_name: rest.join(' '),
    role: member.role,
    created_on: member.created_on,
  };
}

/**
 * The absolute URL of the next page, as RapidPro clients follow it: the
 * request's own URL with its query and `cursor` replaced.
 */
export function nextPageUrl(event: HttpEvent, cursor: string | null): string | null {
  if (!cursor) return null;
  const url = publicUrl(event, event.rawPath);
  url.search = new URLSearchParams(event.rawQueryString).toString();
  url.searchParams.set('cursor', cursor);
  return url.toString();
}
