// set_contact_language: changes the contact's language (ISO 639-3 code).
import { FieldChecker, type ActionType } from './action';

export interface SetContactLanguageAction {
  uuid: string;
  type: 'set_contact_language';
  language: string;
}

export const setContactLanguage: ActionType<SetContactLanguageAction> = {
  type: 'set_contact_language',
  read(json) {
    new FieldChecker(json).check();
    return { uuid: json.uuid as string, type: 'set_contact_language', language: (json.language as string | undefined) ?? '' };
  },
  execute(action, ctx) {
    const language = ctx.evaluateStrict(action.language)?.trim();
    if (language === undefined) return;
    if (language !== '' && !/^[a-z]{3}$/.test(language)) {
      ctx.error(`iso-639-3 codes must be 3 characters, got: ${language}`);
      return;
    }
    const contact = ctx.session.contact;
    if ((contact.json.language ?? '') === language) return;
    contact.json.language = language;
    ctx.emit('contact_language_changed', { language });
    ctx.contactChanged();
  },
};
