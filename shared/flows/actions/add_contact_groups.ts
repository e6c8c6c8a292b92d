// add_contact_groups: adds the contact to static groups, given by reference
// or by a name template (`name_match`).
import type { GroupAsset } from '../assets';
import type { Reference } from '../definition/types';
import { FieldChecker, type ActionContext, type ActionType } from './action';

export interface GroupSelector {
  uuid?: string;
  name?: string;
  name_match?: string;
}

export interface AddContactGroupsAction {
  uuid: string;
  type: 'add_contact_groups';
  groups: GroupSelector[];
}

/** Resolves group selectors, emitting errors for the ones that fail. */
export function resolveGroups(ctx: ActionContext, selectors: GroupSelector[]): GroupAsset[] {
  const groups: GroupAsset[] = [];
  for (const selector of selectors) {
    if (selector.name_match !== undefined) {
      const name = ctx.evaluateStrict(selector.name_match);
      if (name === undefined) continue;
      const group = ctx.assets.groupByName(name);
      if (!group) ctx.error(`No such group with name '${name}'`, 'group:missing', { name });
      else groups.push(group);
      continue;
    }
    const group = ctx.assets.group(selector.uuid ?? '');
    if (!group) ctx.missingDependency('group', { uuid: selector.uuid, name: selector.name });
    else groups.push(group);
  }
  return groups;
}

export const addContactGroups: ActionType<AddContactGroupsAction> = {
  type: 'add_contact_groups',
  read(json) {
    new FieldChecker(json).required('groups').uuids('groups', 'uuid').check();
    return { uuid: json.uuid as string, type: 'add_contact_groups', groups: json.groups as GroupSelector[] };
  },
  execute(action, ctx) {
    const contact = ctx.session.contact;
    if ((contact.json.status ?? 'active') !== 'active') return;
    const added: Reference[] = [];
    for (const group of resolveGroups(ctx, action.groups)) {
      if (group.query) {
        ctx.error(`Can't add contacts to the query based group '${group.name}'`);
        continue;
      }
      if (contact.groups.some((g) => g.uuid === group.uuid) || added.some((g) => g.uuid === group.uuid)) continue;
      added.push({ uuid: group.uuid, name: group.name });
    }
    if (!added.length) return;
    contact.json.groups = [...contact.groups, ...added];
    ctx.emit('contact_groups_changed', { groups_added: added });
  },
};
