// The Bot API calls Ticketer makes: getMe, setWebhook and deleteWebhook
// when a channel is created, changed or deleted; sendMessage, sendPhoto and
// sendDocument to deliver (the calls telegram.ts builds). The API's base URL
// is configuration (TELEGRAM_API_URL), so tests run against a stand-in server.
import * as z from 'zod';
import type { TgSecrets } from '#domain/channel';
import { ValidationError } from '#domain/errors';
import type { ChannelSender, SendOutcome, TelegramFiles, TelegramSetup } from '#use-cases/channel-ports';
import { callGateway } from './http';
import { buildTelegramCalls } from './telegram';

const botUrl = (apiUrl: string, token: string, method: string) => `${apiUrl.replace(/\/+$/, '')}/bot${token}/${method}`;

const apiAnswer = z.object({ ok: z.boolean(), result: z.unknown().optional(), description: z.string().optional(), error_code: z.number().optional() });

export function createTelegramSetup(apiUrl: string, timeoutMs?: number): TelegramSetup {
  async function call(token: string, method: string, payload?: unknown) {
    const answer = await callGateway(
      {
        method: 'POST',
        url: botUrl(apiUrl, token, method),
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(payload ?? {}),
      },
      timeoutMs,
    );
    const parsed = apiAnswer.safeParse(safeJson(answer.body));
    if (answer.ok && parsed.success && parsed.data.ok) return parsed.data.result;
    const description = parsed.success ? (parsed.data.description ?? '') : '';
    if (answer.status === 401 || answer.status === 404)
      throw new ValidationError('config.auth_token', 'Telegram does not accept this bot token.', 'invalid_bot_token');
    throw new ValidationError('config.auth_token', `Telegram's ${method} failed${description ? `: ${description.slice(0, 200)}` : ''}.`, 'telegram_unavailable');
  }
  return {
    async getMe(token) {
      const result = z.object({ username: z.string().min(1) }).safeParse(await call(token, 'getMe'));
      if (!result.success) throw new ValidationError('config.auth_token', 'Telegram\'s getMe did not name the bot.', 'telegram_unavailable');
      return { username: result.data.username };
    },
    async setWebhook(token, url, secretToken) {
      await call(token, 'setWebhook', { url, secret_token: secretToken, allowed_updates: ['message'] });
    },
    async deleteWebhook(token) {
      await call(token, 'deleteWebhook', { drop_pending_updates: false });
    },
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

export function createTelegramSender(apiUrl: string, timeoutMs?: number): ChannelSender {
  return {
    async send(_channel, secrets, message): Promise<SendOutcome> {
      const { auth_token: token } = secrets as TgSecrets;
      const chatId = message.urn.slice(message.urn.indexOf(':') + 1).replace(/[#?].*$/, '');
      let externalId: string | null = null;
      for (const call of buildTelegramCalls(chatId, message)) {
        const answer = await callGateway(
          { method: 'POST', url: botUrl(apiUrl, token, call.method), headers: { 'content-type': 'application/json' }, body: JSON.stringify(call.payload) },
          timeoutMs,
        );
        if (!answer.ok) {
          if (answer.outcome.kind === 'retry') return answer.outcome;
          const parsed = apiAnswer.safeParse(safeJson(answer.body));
          const description = parsed.success ? (parsed.data.description ?? '') : '';
          if (answer.status === 403 && /blocked|deactivated/i.test(description)) return { kind: 'fail', reason: 'contact_stopped' };
          return answer.outcome;
        }
        const parsed = z.object({ ok: z.literal(true), result: z.object({ message_id: z.number() }) }).safeParse(safeJson(answer.body));
        if (!parsed.success) return { kind: 'fail', reason: 'unexpected_response' };
        externalId ??= String(parsed.data.result.message_id);
      }
      return { kind: 'sent', externalId };
    },
  };
}

/**
 * Files contacts send: `getFile` names the file's path, then
 * `<api>/file/bot<token>/<file_path>` serves its bytes (the Bot API serves
 * bots files of up to 20 MB). The URL carries the token: it is used here and
 * never stored or logged.
 */
export function createTelegramFiles(apiUrl: string, timeoutMs = 10_000): TelegramFiles {
  const base = apiUrl.replace(/\/+$/, '');
  return {
    async download(token, fileId, maxBytes) {
      const answer = await callGateway(
        { method: 'POST', url: botUrl(apiUrl, token, 'getFile'), headers: { 'content-type': 'application/json' }, body: JSON.stringify({ file_id: fileId }) },
        timeoutMs,
      );
      const parsed = z
        .object({ ok: z.literal(true), result: z.object({ file_path: z.string().min(1), file_size: z.number().optional() }) })
        .safeParse(safeJson(answer.body));
      if (!answer.ok || !parsed.success) throw new Error(`getFile failed (${answer.status ?? 'no answer'})`);
      const { file_path: filePath, file_size: size } = parsed.data.result;
      if (size !== undefined && size > maxBytes) throw new Error('the file is too large');
      const response = await fetch(`${base}/file/bot${token}/${filePath.split('/').map(encodeURIComponent).join('/')}`, { signal: AbortSignal.timeout(timeoutMs) });
      if (!response.ok) throw new Error(`the file download failed (${response.status})`);
      const bytes = new Uint8Array(await response.arrayBuffer());
      if (bytes.length > maxBytes) throw new Error('the file is too large');
      return { bytes, filePath };
    },
  };
}
