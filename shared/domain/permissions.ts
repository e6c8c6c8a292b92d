// Who may do what: the one table that decides every use case, for every entry
// point (each HTTP route names its permission in its route description, the
// ticket command function names its own). RapidPro's roles
// (shared/reference/rapidpro-tickets.md): administrators do everything;
// editors too, except managing people; agents work tickets (folders, the topic
// list, the contact panel, every ticket command, opening a ticket by hand) but
// manage neither people, topics nor settings; viewers only look.
import { ForbiddenError } from './errors';
import type { Role } from './workspace';

/** A flow runtime invoking the ticket command function: no user, no role. */
export type Principal = Role | 'flow_runtime';

export const PERMISSIONS = {
  /** Folders and counts, ticket lists and details, topics list, members list, the contact panel, the workspace. */
  'tickets.read': ['administrator', 'editor', 'agent', 'viewer'],
  /** Open a ticket by hand, assign, add notes, change topic, close, reopen; create or update a contact. */
  'tickets.work': ['administrator', 'editor', 'agent'],
  /** Send messages to contacts: reply on a ticket, RapidPro's POST messages.json. */
  'messages.send': ['administrator', 'editor', 'agent'],
  /** Ask for an upload URL for a message attachment. */
  'attachments.upload': ['administrator', 'editor', 'agent'],
  /** Open a ticket from a flow (the ticket command function). */
  'tickets.open_from_flow': ['flow_runtime'],
  /** Create and rename topics. */
  'topics.manage': ['administrator', 'editor'],
  /** Import and list flows, start flows for contacts, hand inbound messages to the flow engine. */
  'flows.manage': ['administrator', 'editor'],
  /** Invite people, list and revoke invitations, change roles, remove members. */
  'people.manage': ['administrator'],
  /** Rename the workspace, set its API rate limit. */
  'workspace.settings': ['administrator', 'editor'],
  /** Create, list and revoke one's own API tokens; sign out. */
  'tokens.own': ['administrator', 'editor', 'agent', 'viewer'],
  /** Add, list, change and delete channels (gateways, Telegram bots); they hold secrets. */
  'channels.manage': ['administrator'],
} as const satisfies Record<string, readonly Principal[]>;

export type Permission = keyof typeof PERMISSIONS;

const DESCRIPTIONS: Record<Permission, string> = {
  'tickets.read': 'see tickets',
  'tickets.work': 'work tickets or change contacts',
  'tickets.open_from_flow': 'open tickets from a flow',
  'messages.send': 'send messages to contacts',
  'attachments.upload': 'upload attachments',
  'topics.manage': 'create or rename topics',
  'flows.manage': 'manage or run flows',
  'people.manage': 'manage people (invitations, roles, members)',
  'workspace.settings': 'change workspace settings',
  'tokens.own': 'manage API tokens',
  'channels.manage': 'manage channels',
};

export function can(principal: Principal, permission: Permission): boolean {
  return (PERMISSIONS[permission] as readonly Principal[]).includes(principal);
}

/** ForbiddenError `permission_denied`, naming the role and what it may not do. */
export function requirePermission(principal: Principal, permission: Permission): void {
  if (!can(principal, permission))
    throw new ForbiddenError('permission_denied', `The ${principal} role may not ${DESCRIPTIONS[permission]}.`);
}

/** Tickets are assigned only to members who may work them (never to a viewer). */
export function mayBeAssigned(role: Role): boolean {
  return can(role, 'tickets.work');
}

/** The roles that hold a permission, for documentation (OpenAPI descriptions, the docs' role table). */
export function rolesWith(permission: Permission): Principal[] {
  return [...PERMISSIONS[permission]];
}
