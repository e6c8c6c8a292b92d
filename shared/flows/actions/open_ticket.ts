// open_ticket: asks the ticket service (a port) to open a ticket for the
// contact. Sets the local `_new_ticket` to the ticket's uuid, or to "" when
// nothing was opened, and the node's router splits on it (spec 14.3+).
import type { Reference } from '../definition/types';
import { FieldChecker, type ActionContext, type ActionType } from './action';

export interface OpenTicketAction {
  uuid: string;
  type: 'open_ticket';
  topic: Reference | null;
  /** A user by uuid, or by an email template. */
  assignee: { uuid?: string; name?: string; email?: string } | null;
  note: string;
}

export const NEW_TICKET_LOCAL = '_new_ticket';
const MAX_NOTE_LENGTH = 10000;

export const openTicket: ActionType<OpenTicketAction> = {
  type: 'open_ticket',
  read(json) {
    new FieldChecker(json).maxLength('note', MAX_NOTE_LENGTH).check();
    return {
      uuid: json.uuid as string,
      type: 'open_ticket',
      topic: (json.topic as Reference | null | undefined) ?? null,
      assignee: (json.assignee as OpenTicketAction['assignee'] | undefined) ?? null,
      note: (json.note as string | undefined) ?? '',
    };
  },
  async execute(action, ctx) {
    ctx.run.locals[NEW_TICKET_LOCAL] = '';
    if (ctx.session.json.batch_start) {
      ctx.error("Can't open tickets during batch starts");
      return;
    }
    let topic: Reference | undefined;
    if (action.topic) {
      topic = ctx.assets.topic(action.topic.uuid);
      if (!topic) {
        ctx.missingDependency('topic', action.topic);
        return;
      }
    } else topic = ctx.assets.defaultTopic() ?? { uuid: ctx.newUUID(), name: 'General' };

    const assignee = resolveAssignee(action, ctx);
    const note = ctx.evaluate(action.note).trim();
    const contact = ctx.session.contact;
    // The run by its place in the session, not its uuid: a run started in this sprint gets a new uuid when the sprint is run again.
    const runIndex = ctx.session.runs.indexOf(ctx.run);
    let result;
    try {
      result = await ctx.services.tickets.open({
        idempotencyKey: `${ctx.session.uuid}:${runIndex}:${action.uuid}:${ctx.visitCount()}`,
        contactUuid: contact.uuid,
        flow: { uuid: ctx.flow.uuid, name: ctx.flow.name },
        topic: { uuid: topic.uuid, name: topic.name },
        assignee,
        note,
        ...(ctx.session.input ? { input: { text: ctx.session.input.text, created_on: ctx.session.input.created_on } } : {}),
      });
    } catch (e) {
      ctx.error(`Unable to open ticket: ${e instanceof Error ? e.message : String(e)}`);
      return;
    }
    if (!result.opened) return;

    const ticket = { uuid: result.ticket.uuid, status: 'open', topic: result.ticket.topic ?? topic, ...(assignee ? { assignee } : {}) };
    ctx.emit('ticket_opened', { ticket });
    if (note) ctx.emit('ticket_note_added', { ticket_uuid: ticket.uuid, note });
    contact.addTicket(ticket);
    ctx.run.locals[NEW_TICKET_LOCAL] = ticket.uuid;
    ctx.contactChanged();
  },
};

function resolveAssignee(action: OpenTicketAction, ctx: ActionContext): Reference | null {
  const ref = action.assignee;
  if (!ref) return null;
  if (ref.email !== undefined) {
    const email = ctx.evaluateStrict(ref.email)?.trim();
    if (!email) return null;
    const user = ctx.assets.user({ email });
    if (!user?.uuid) {
      ctx.error(`No such user with email '${email}'`, 'user:missing', { email });
      return null;
    }
    return { uuid: user.uuid, name: user.name };
  }
  const user = ctx.assets.user({ uuid: ref.uuid });
  if (!user?.uuid) {
    ctx.missingDependency('user', { uuid: ref.uuid, name: ref.name });
    return null;
  }
  return { uuid: user.uuid, name: user.name };
}
