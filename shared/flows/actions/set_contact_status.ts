// set_contact_status: active, blocked, stopped or archived. Blocking or
// stopping a contact takes it out of every group.
import { FieldChecker, type ActionType } from './action';

export interface SetContactStatusAction {
  uuid: string;
  type: 'set_contact_status';
  status: 'active' | 'blocked' | 'stopped' | 'archived';
}

const STATUSES = new Set(['active', 'blocked', 'stopped', 'archived']);

export const setContactStatus: ActionType<SetContactStatusAction> = {
  type: 'set_contact_status',
  read(json) {
    const checker = new FieldChecker(json).required('status');
    if (typeof json.status === 'string' && json.status !== '' && !STATUSES.has(json.status)) checker.problems.push("field 'status' is not a valid contact status");
    checker.check();
    return { uuid: json.uuid as string, type: 'set_contact_status', status: json.status as SetContactStatusAction['status'] };
  },
  execute(action, ctx) {
    const contact = ctx.session.contact;
    if ((contact.json.status ?? 'active') === action.status) return;
    contact.json.status = action.status;
    ctx.emit('contact_status_changed', { status: action.status });
    if (action.status !== 'active' && contact.groups.length) {
      // Smart groups drop the contact first, then static ones, as goflow reports it.
      const isSmart = (uuid: string) => Boolean(ctx.assets.group(uuid)?.query);
      const removed = [...contact.groups.filter((g) => isSmart(g.uuid)), ...contact.groups.filter((g) => !isSmart(g.uuid))];
      contact.json.groups = [];
      ctx.emit('contact_groups_changed', { groups_removed: removed });
    } else ctx.contactChanged();
  },
};
