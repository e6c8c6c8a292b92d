// remove_contact_groups: removes the contact from static groups, or from
// all of them with `all_groups`.
import type { Reference } from '../definition/types';
import { FieldChecker, type ActionType } from './action';
import { resolveGroups, type GroupSelector } from './add_contact_groups';

export interface RemoveContactGroupsAction {
  uuid: string;
  type: 'remove_contact_groups';
  groups: GroupSelector[];
  all_groups: boolean;
}

export const removeContactGroups: ActionType<RemoveContactGroupsAction> = {
  type: 'remove_contact_groups',
  read(json) {
    const checker = new FieldChecker(json).uuids('groups', 'uuid');
    if (json.all_groups === true && Array.isArray(json.groups) && json.groups.length) {
      checker.problems.push("can't specify specific groups when all_groups=true");
    }
    checker.check();
    return {
      uuid: json.uuid as string,
      type: 'remove_contact_groups',
      groups: (json.groups as GroupSelector[] | undefined) ?? [],
      all_groups: json.all_groups === true,
    };
  },
  execute(action, ctx) {
    const contact = ctx.session.contact;
    const removed: Reference[] = [];
    const candidates = action.all_groups
      ? contact.groups.map((g) => ctx.assets.group(g.uuid) ?? { ...g }).filter((g) => !('query' in g && g.query))
      : resolveGroups(ctx, action.groups);
    for (const group of candidates) {
      if (!action.all_groups && 'query' in group && group.query) {
        ctx.error(`Can't remove contacts from the query based group '${group.name}'`);
        continue;
      }
      if (contact.groups.some((g) => g.uuid === group.uuid)) removed.push({ uuid: group.uuid, name: group.name });
    }
    if (!removed.length) return;
    contact.json.groups = contact.groups.filter((g) => !removed.some((r) => r.uuid === g.uuid));
    ctx.emit('contact_groups_changed', { groups_removed: removed });
  },
};
