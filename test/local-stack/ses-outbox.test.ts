// The local stack's SES v2 endpoint: SendEmail as SDK v3's SESv2Client sends
// it (REST JSON) lands as a text file in the outbox, with one console line
// that does not carry the message itself.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../infra/local/emulators';
import { startSesOutbox } from '../../infra/local/ses-outbox';

const outboxDir = mkdtempSync(path.join(os.tmpdir(), 'ticketer-outbox-test-'));
const lines: string[] = [];
let ses: RunningEmulator;

beforeAll(async () => {
  ses = await startSesOutbox({ port: 0, outboxDir, log: (line) => lines.push(line) });
});

afterAll(async () => {
  await ses?.stop();
  rmSync(outboxDir, { recursive: true, force: true });
});

const sendEmail = (body: unknown, pathname = '/v2/email/outbound-emails') =>
  fetch(`${ses.endpoint}${pathname}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('the local SES v2 endpoint', () => {
  it('writes a SendEmail message to the outbox and answers its MessageId', async () => {
    const response = await sendEmail({
      FromEmailAddress: 'Ticketer <no-reply@ticketer.invalid>',
      Destination: { ToAddresses: ['ana@example.com'] },
      Content: { Simple: { Subject: { Data: 'You are invited', Charset: 'UTF-8' }, Body: { Text: { Data: 'Open https://x.example/accept?secret=abc', Charset: 'UTF-8' } } } },
    });
    expect(response.status).toBe(200);
    const { MessageId } = (await response.json()) as { MessageId: string };
    expect(MessageId).toMatch(/^local-/);
    const files = readdirSync(outboxDir).filter((file) => file.includes(MessageId));
    expect(files).toHaveLength(1);
    const text = readFileSync(path.join(outboxDir, files[0]!), 'utf8');
    expect(text).toContain('To: ana@example.com');
    expect(text).toContain('Subject: You are invited');
    expect(text).toContain('\n\nOpen https://x.example/accept?secret=abc\n');
    expect(lines.at(-1)).toContain('mail to ana@example.com: "You are invited"');
    expect(lines.at(-1)).not.toContain('secret=abc');
  });

  it('refuses a message without recipient, and serves nothing else of SES', async () => {
    expect((await sendEmail({ FromEmailAddress: 'a@example.com', Destination: { ToAddresses: [] } })).status).toBe(400);
    expect((await sendEmail({}, '/v2/email/identities')).status).toBe(404);
  });
});
