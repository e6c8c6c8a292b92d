// A minimal Amazon SES v2 endpoint for the local stack: SendEmail
// (`POST /v2/email/outbound-emails`, what SDK v3's SESv2Client sends) writes
// each message to a text file in the outbox folder and prints one line; the
// functions reach it through the SDK's standard AWS_ENDPOINT_URL_SESV2, so
// their code is the same as in AWS. Requests are not signature-checked, and
// nothing else of SES is served (404).
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import path from 'node:path';
import type { RunningEmulator } from './emulators';
import { closeServer, listen, readBody, sendJson } from './http-server';

/** The parts of an SES v2 SendEmail request the outbox keeps. */
interface SendEmailRequest {
  FromEmailAddress?: string;
  Destination?: { ToAddresses?: string[]; CcAddresses?: string[]; BccAddresses?: string[] };
  Content?: {
    Simple?: { Subject?: { Data?: string }; Body?: { Text?: { Data?: string }; Html?: { Data?: string } } };
    Raw?: { Data?: string };
  };
}

/** The message as a readable text file (headers, blank line, body). */
function renderMessage(request: SendEmailRequest, messageId: string, date: Date): string {
  const destination = request.Destination ?? {};
  const simple = request.Content?.Simple;
  const headers = [
    `Message-ID: ${messageId}`,
    `Date: ${date.toUTCString()}`,
    `From: ${request.FromEmailAddress ?? ''}`,
    `To: ${(destination.ToAddresses ?? []).join(', ')}`,
    ...(destination.CcAddresses?.length ? [`Cc: ${destination.CcAddresses.join(', ')}`] : []),
    ...(destination.BccAddresses?.length ? [`Bcc: ${destination.BccAddresses.join(', ')}`] : []),
    `Subject: ${simple?.Subject?.Data ?? ''}`,
  ];
  const raw = request.Content?.Raw?.Data;
  const body = simple?.Body?.Text?.Data ?? simple?.Body?.Html?.Data ?? (raw ? Buffer.from(raw, 'base64').toString('utf8') : '');
  return `${headers.join('\n')}\n\n${body}\n`;
}

export async function startSesOutbox(options: { port: number; outboxDir: string; log: (line: string) => void }): Promise<RunningEmulator> {
  mkdirSync(options.outboxDir, { recursive: true });
  const server: Server = await listen(
    (request, response) => {
      void (async () => {
        const url = new URL(request.url ?? '/', 'http://localhost');
        if (request.method !== 'POST' || url.pathname !== '/v2/email/outbound-emails')
          return sendJson(response, 404, { message: `${request.method} ${url.pathname} is not served by the local SES endpoint (SendEmail only)` });
        let message: SendEmailRequest;
        try {
          message = JSON.parse((await readBody(request)).toString('utf8')) as SendEmailRequest;
        } catch {
          return sendJson(response, 400, { message: 'The request body is not JSON' }, { 'x-amzn-errortype': 'BadRequestException' });
        }
        const to = message.Destination?.ToAddresses ?? [];
        if (!message.FromEmailAddress || to.length === 0)
          return sendJson(response, 400, { message: 'FromEmailAddress and Destination.ToAddresses are required' }, { 'x-amzn-errortype': 'BadRequestException' });
        const now = new Date();
        const messageId = `local-${randomUUID()}`;
        const file = path.join(options.outboxDir, `${now.toISOString().replace(/[:.]/g, '-')}-${messageId}.txt`);
        writeFileSync(file, renderMessage(message, messageId, now));
        // The file holds the message (an invitation's secret among it); the console line only says where.
        options.log(`mail to ${to.join(', ')}: "${message.Content?.Simple?.Subject?.Data ?? ''}" → ${file}`);
        sendJson(response, 200, { MessageId: messageId });
      })().catch((error: Error) => {
        options.log(`SES outbox: ${error.message}`);
        if (!response.headersSent) sendJson(response, 500, { message: 'Internal error of the local SES endpoint' });
      });
    },
    options.port,
    'SES outbox',
  );
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the SES outbox is not listening on a TCP port');
  return { endpoint: `http://127.0.0.1:${address.port}`, port: address.port, stop: () => closeServer(server) };
}
