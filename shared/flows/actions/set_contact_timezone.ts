// set_contact_timezone: changes the contact's time zone (an IANA name, or
// empty to clear it).
import { IANAZone } from 'luxon';
import { FieldChecker, type ActionType } from './action';

export interface SetContactTimezoneAction {
  uuid: string;
  type: 'set_contact_timezone';
  timezone: string;
}

export const setContactTimezone: ActionType<SetContactTimezoneAction> = {
  type: 'set_contact_timezone',
  read(json) {
    new FieldChecker(json).check();
    return { uuid: json.uuid as string, type: 'set_contact_timezone', timezone: (json.timezone as string | undefined) ?? '' };
  },
  execute(action, ctx) {
    const timezone = ctx.evaluateStrict(action.timezone)?.trim();
    if (timezone === undefined) return;
    if (timezone !== '' && !IANAZone.isValidZone(timezone)) {
      ctx.error(`Unrecognized timezone: '${timezone}'`, 'timezone:invalid', { timezone });
      return;
    }
    const contact = ctx.session.contact;
    if ((contact.json.timezone ?? '') === timezone) return;
    contact.json.timezone = timezone;
    ctx.emit('contact_timezone_changed', { timezone });
    ctx.contactChanged();
  },
};
