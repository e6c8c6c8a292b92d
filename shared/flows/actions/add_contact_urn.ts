// add_contact_urn: adds a URN (scheme + evaluated path) to the contact and
// records the URN in the local `_has_urn` ("" when it was not valid).
import { normalizePhone, parseURN, urnWithoutQuery, validateURN } from '../urns';
import { FieldChecker, type ActionType } from './action';

export interface AddContactUrnAction {
  uuid: string;
  type: 'add_contact_urn';
  scheme: string;
  path: string;
}

export const HAS_URN_LOCAL = '_has_urn';

export const addContactUrn: ActionType<AddContactUrnAction> = {
  type: 'add_contact_urn',
  read(json) {
    new FieldChecker(json).required('scheme').required('path').check();
    return { uuid: json.uuid as string, type: 'add_contact_urn', scheme: json.scheme as string, path: json.path as string };
  },
  execute(action, ctx) {
    // An expression error is reported, but what did evaluate is still used.
    const evaluated = ctx.evaluate(action.path).trim();
    if (evaluated === '') {
      ctx.error("Can't add URN with empty path");
      return;
    }
    const path = action.scheme === 'tel' ? (normalizePhone(evaluated, ctx.env.defaultCountry) ?? evaluated) : evaluated;
    const urn = `${action.scheme}:${path}`;
    if (!parseURN(urn) || !validateURN(urn)) {
      ctx.error(`'${urn}' is not valid URN`, 'urn:invalid', { urn });
      ctx.run.locals[HAS_URN_LOCAL] = '';
      return;
    }
    ctx.run.locals[HAS_URN_LOCAL] = urn;
    const contact = ctx.session.contact;
    if (contact.urns.some((u) => urnWithoutQuery(u) === urn)) return;
    contact.json.urns = [...contact.urns, urn];
    ctx.emit('contact_urns_changed', { urns: contact.urns });
    ctx.contactChanged();
  },
};
