// send_email: evaluates (localized) addresses, subject and body and sends
// through the mail port; the event records what was sent.
import { FieldChecker, truncate, type ActionType } from './action';

export interface SendEmailAction {
  uuid: string;
  type: 'send_email';
  addresses: string[];
  subject: string;
  body: string;
}

const MAX_SUBJECT_LENGTH = 998;

export const sendEmail: ActionType<SendEmailAction> = {
  type: 'send_email',
  read(json) {
    new FieldChecker(json).required('addresses').required('subject').check();
    return {
      uuid: json.uuid as string,
      type: 'send_email',
      addresses: json.addresses as string[],
      subject: json.subject as string,
      body: (json.body as string | undefined) ?? '',
    };
  },
  async execute(action, ctx) {
    const to: string[] = [];
    for (const template of action.addresses) {
      const address = ctx.evaluate(template).trim().replace(/^mailto:/i, '');
      if (address === '') ctx.error('Email address evaluated to empty string, skipping');
      else to.push(address);
    }
    const [subjectTemplate = action.subject] = ctx.localize(action.uuid, 'subject', [action.subject]);
    // Subjects are one line.
    const subject = truncate(ctx.evaluate(subjectTemplate).replace(/\s+/g, ' ').trim(), MAX_SUBJECT_LENGTH);
    if (subject === '') {
      ctx.error('Email subject evaluated to empty string, skipping');
      return;
    }
    const [bodyTemplate = action.body] = ctx.localize(action.uuid, 'body', [action.body]);
    const body = ctx.evaluate(bodyTemplate);
    if (body.trim() === '') {
      ctx.error('Email body evaluated to empty string, skipping');
      return;
    }
    if (to.length === 0) return;
    try {
      await ctx.services.email.send({ to, subject, body });
      ctx.emit('email_sent', { to, subject, body });
    } catch (e) {
      ctx.error(`Unable to send email: ${e instanceof Error ? e.message : String(e)}`);
    }
  },
};
