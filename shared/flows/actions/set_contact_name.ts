// set_contact_name: changes the contact's name (empty clears it).
import { FieldChecker, truncate, type ActionType } from './action';

export interface SetContactNameAction {
  uuid: string;
  type: 'set_contact_name';
  name: string;
}

const MAX_NAME_LENGTH = 128;

export const setContactName: ActionType<SetContactNameAction> = {
  type: 'set_contact_name',
  read(json) {
    new FieldChecker(json).check();
    return { uuid: json.uuid as string, type: 'set_contact_name', name: (json.name as string | undefined) ?? '' };
  },
  execute(action, ctx) {
    const evaluated = ctx.evaluateStrict(action.name);
    if (evaluated === undefined) return;
    const name = truncate(evaluated.trim(), MAX_NAME_LENGTH);
    const contact = ctx.session.contact;
    if (contact.name === name) return;
    contact.json.name = name;
    ctx.emit('contact_name_changed', { name });
    ctx.contactChanged();
  },
};
