// The mail port over Amazon SES v2 (SendEmail). In the local stack the same
// call reaches a small SES endpoint (AWS_ENDPOINT_URL_SESV2) that writes each
// message to .local/outbox/; this code never knows the difference.
import { SendEmailCommand, type SESv2Client } from '@aws-sdk/client-sesv2';
import type { MailMessage, MailSender } from '#use-cases/ports';

export function createSesMailSender(options: { client: SESv2Client; from: string }): MailSender {
  return {
    async send(message: MailMessage) {
      await options.client.send(
        new SendEmailCommand({
          FromEmailAddress: options.from,
          Destination: { ToAddresses: [message.to] },
          Content: {
            Simple: {
              Subject: { Data: message.subject, Charset: 'UTF-8' },
              Body: { Text: { Data: message.text, Charset: 'UTF-8' } },
            },
          },
        }),
      );
    },
  };
}
