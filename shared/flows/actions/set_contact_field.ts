// set_contact_field: sets (or clears, with an empty value) a contact field.
import { FieldChecker, truncate, type ActionType } from './action';
import { fieldValueFromText } from '../fields';

export interface SetContactFieldAction {
  uuid: string;
  type: 'set_contact_field';
  field: { key: string; name: string };
  value: string;
}

const MAX_FIELD_VALUE = 640;

export const setContactField: ActionType<SetContactFieldAction> = {
  type: 'set_contact_field',
  read(json) {
    new FieldChecker(json).required('field').check();
    return {
      uuid: json.uuid as string,
      type: 'set_contact_field',
      field: json.field as SetContactFieldAction['field'],
      value: (json.value as string | undefined) ?? '',
    };
  },
  execute(action, ctx) {
    const field = ctx.assets.field(action.field.key);
    if (!field) {
      ctx.missingDependency('field', { key: action.field.key, name: action.field.name });
      return;
    }
    const evaluated = ctx.evaluateStrict(action.value);
    if (evaluated === undefined) return;
    const text = truncate(evaluated.trim(), MAX_FIELD_VALUE);
    const fields = ctx.session.contact.fields;
    const newValue = text === '' ? null : fieldValueFromText(text, ctx.env);
    const oldValue = fields[field.key] ?? null;
    if (JSON.stringify(oldValue) === JSON.stringify(newValue)) return;
    if (newValue === null) delete fields[field.key];
    else fields[field.key] = newValue;
    ctx.emit('contact_field_changed', { field: { key: field.key, name: field.name }, value: newValue });
    ctx.contactChanged();
  },
};
