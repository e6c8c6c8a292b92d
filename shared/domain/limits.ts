// The lengths of the strings Ticketer accepts and stores, in one place: the
// request schemas (shared/http/*-schemas.ts) and the Invoke commands
// (functions/ticket-command.ts, functions/flow-engine.ts) take their limits
// from here, and docs/api.md ("Limits") lists them. A longer string is a 400
// `invalid_request` (or an `invalid_request` answer of a command) naming the
// field, never a storage error: together they keep every item far below
// DynamoDB's 400 KB. test/unit/http/limits.test.ts reads every route's and
// command's schema and fails on a string without a limit.
//
// Limits that belong to one part of the domain stay beside its rules and are
// re-exported here so that this file reads as the whole list.
export {
  MAX_CONTACT_FIELD_VALUE_LENGTH,
  MAX_CONTACT_FIELDS,
  MAX_CONTACT_NAME_LENGTH,
  MAX_CONTACT_URN_LENGTH,
  MAX_CONTACT_URNS,
} from './contact';
export { MAX_NOTE_LENGTH } from './ticket';
export { MAX_TOPIC_NAME_LENGTH } from './topic';
export { MAX_NAME_LENGTH as MAX_USER_NAME_LENGTH, MAX_PASSWORD_LENGTH } from './people';

/** A contact field key: RapidPro's rule, `[a-z][a-z0-9_]*`, at most 36 characters. */
export const MAX_CONTACT_FIELD_KEY_LENGTH = 36;

/** The name a caller gives a thing Ticketer only refers to: the flow a ticket was opened in, a group. */
export const MAX_REFERENCE_NAME_LENGTH = 255;

/** An e-mail address (RFC 5321's path limit). */
export const MAX_EMAIL_LENGTH = 254;

/** Idempotency keys of the HTTP API (`Idempotency-Key`) and of TicketCommand. */
export const MAX_IDEMPOTENCY_KEY_LENGTH = 128;

/** FlowEngine's start_flow key: longer, because a closed-ticket trigger's key names the trigger and the close. */
export const MAX_FLOW_START_KEY_LENGTH = 200;

/** A message's text (inbound, a reply, a flow's message, a ticket's last message). */
export const MAX_MESSAGE_TEXT_LENGTH = 4096;

/** An attachment (`content-type:url` or a URL). */
export const MAX_ATTACHMENT_LENGTH = 2048;

/** A paging cursor as this API hands them out (signed, shared/http/cursor-seal.ts). */
export const MAX_CURSOR_LENGTH = 2048;

/** Short codes: statuses, timestamps, header values that select a format. */
export const MAX_CODE_LENGTH = 64;
