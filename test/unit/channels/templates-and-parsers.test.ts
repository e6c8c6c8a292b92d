// The EX body template (escaping per content type, one-pass filling), text
// splitting, and the receive parsers — with examples taken from courier's
// behaviour and fast-check properties: arbitrary input never throws anything
// but a ValidationError (a 400), and encodings round-trip.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildExRequests, parseExReceive, parseExStatus, quickRepliesValue, readParameters } from '#channels/external';
import { buildTelegramCalls, parseTelegramUpdate } from '#channels/telegram';
import { fillTemplate, jsonQuote, queryEscape, splitText, wellFormed, xmlEscape } from '#channels/text';
import { DEFAULT_EX_BODY, validateSendUrl, type ExConfig } from '#domain/channel';
import { ValidationError } from '#domain/errors';

const exConfig = (overrides: Partial<ExConfig> = {}): ExConfig => ({
  send_url: 'https://gw.example/send',
  method: 'POST',
  content_type: 'urlencoded',
  body: DEFAULT_EX_BODY,
  max_length: 160,
  mt_response_check: null,
  header_names: [],
  has_authorization: false,
  ...overrides,
});
const channel = { uuid: '01930000-0000-7000-8000-000000000001', address: '+12065551212' };
const message = { uuid: '01930000-0000-7000-8000-0000000000aa', urn: 'tel:+254700000001', text: 'Hi & bye', attachments: [], quick_replies: [] };

describe('escaping as courier does', () => {
  it('URL-encodes like Go\'s url.QueryEscape', () => {
    expect(queryEscape("a b&c=d/é!'()*~._-")).toBe('a+b%26c%3Dd%2F%C3%A9%21%27%28%29%2A~._-');
  });
  it('JSON-quotes like Go\'s encoding/json (HTML-safe)', () => {
    expect(jsonQuote('<a & "b">\n\u2028')).toBe('"\\u003ca \\u0026 \\"b\\"\\u003e\\n\\u2028"');
  });
  it('XML-escapes like Go\'s xml.EscapeText', () => {
    expect(xmlEscape(`<a & "b" 'c'>\n\t\r\u0001`)).toBe('&lt;a &amp; &#34;b&#34; &#39;c&#39;&gt;&#xA;&#x9;&#xD;\uFFFD');
  });
  it('round-trips any text through each encoding', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        const expected = wellFormed(text);
        expect(new URLSearchParams(`v=${queryEscape(text)}`).get('v')).toBe(expected);
        expect(JSON.parse(jsonQuote(text))).toBe(expected);
        const xml = xmlEscape(text);
        expect(xml).not.toMatch(/[<>"']|&(?!(amp|lt|gt|#34|#39|#x9|#xA|#xD);)/);
      }),
    );
  });
});

describe('the body template', () => {
  it('fills each placeholder once: a value holding {{text}} is not filled again', () => {
    expect(fillTemplate('{{from}}:{{text}}:{{unknown}}', { from: '{{text}}', text: 'x' })).toBe('{{text}}:x:{{unknown}}');
  });

  it('builds RapidPro\'s default urlencoded body', () => {
    const [request] = buildExRequests(channel, exConfig(), { send_authorization: null, headers: {} }, message);
    expect(request).toEqual({
      method: 'POST',
      url: 'https://gw.example/send',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `id=${message.uuid}&text=Hi+%26+bye&to=%2B254700000001&to_no_plus=254700000001&from=%2B12065551212&from_no_plus=12065551212&channel=${channel.uuid}`,
    });
  });

  it('puts the values into the URL for GET, with no body; quick replies as quick_reply pairs', () => {
    const [request] = buildExRequests(channel, exConfig({ method: 'GET', send_url: 'https://gw.example/send?to={{to}}&text={{text}}{{quick_replies}}' }), { send_authorization: 'Bearer s3cret', headers: { 'X-Api-Key': 'k' } }, { ...message, quick_replies: ['Yes please', 'No'] });
    expect(request!.url).toBe('https://gw.example/send?to=%2B254700000001&text=Hi+%26+bye&quick_reply=Yes+please&quick_reply=No');
    expect(request!.body).toBeUndefined();
    expect(request!.headers).toMatchObject({ authorization: 'Bearer s3cret', 'x-api-key': 'k' });
  });

  it('quick replies: a JSON array for json, <item>s for xml', () => {
    expect(quickRepliesValue(['a"b', 'c'], 'POST', 'json')).toBe('["a\\"b","c"]');
    expect(quickRepliesValue(['a<b', 'c'], 'PUT', 'xml')).toBe('<item>a&lt;b</item><item>c</item>');
    expect(quickRepliesValue([], 'POST', 'json')).toBe('[]');
  });

  it('splits a long text into parts, quick replies only on the last', () => {
    const text = 'word '.repeat(100).trim();
    const requests = buildExRequests(channel, exConfig({ content_type: 'json', body: '{"text":{{text}},"qr":{{quick_replies}}}', max_length: 50 }), { send_authorization: null, headers: {} }, { ...message, text, quick_replies: ['ok'] });
    const bodies = requests.map((request) => JSON.parse(request.body!) as { text: string; qr: string[] });
    expect(bodies.length).toBeGreaterThan(1);
    expect(bodies.every((body) => body.text.length <= 50)).toBe(true);
    expect(bodies.map((body) => body.text).join(' ')).toBe(text);
    expect(bodies.map((body) => body.qr)).toEqual([...bodies.slice(1).map(() => []), ['ok']]);
  });

  it('sends text and attachment URLs in one part when they fit (courier), else never cuts a URL: each is a part of its own', () => {
    const send = (text: string, attachments: string[], max_length: number) =>
      buildExRequests(channel, exConfig({ content_type: 'json', body: '{{text}}', max_length }), { send_authorization: null, headers: {} }, { ...message, text, attachments })
        .map((request) => JSON.parse(request.body!) as string);
    expect(send('See', ['image/png:https://x.example/a.png'], 160)).toEqual(['See\nhttps://x.example/a.png']);
    const signed = `https://bucket.s3.eu-west-1.amazonaws.com/ws/01/photo.png?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=${'A'.repeat(300)}&X-Amz-Signature=${'f'.repeat(64)}`;
    expect(send('Here is your receipt', [`image/png:${signed}`, 'https://x.example/b.pdf'], 160)).toEqual(['Here is your receipt', signed, 'https://x.example/b.pdf']);
    expect(send('', [`image/png:${signed}`], 160)).toEqual([signed]);
    const long = 'word '.repeat(60).trim();
    const parts = send(long, [signed], 100);
    expect(parts.at(-1)).toBe(signed);
    expect(parts.slice(0, -1).join(' ')).toBe(long);
    expect(parts.slice(0, -1).every((part) => part.length <= 100)).toBe(true);
  });
});

describe('splitting text', () => {
  it('keeps text that fits as one part, as is', () => {
    expect(splitText('  short  ', 160)).toEqual(['  short  ']);
  });
  it('cuts at word boundaries', () => {
    expect(splitText('aaaa bbbb cccc dddd', 10)).toEqual(['aaaa bbbb', 'cccc dddd']);
  });
  it('never makes a part longer than the limit, nor loses or reorders a character', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 600 }), fc.integer({ min: 1, max: 200 }), (text, max) => {
        const parts = splitText(text, max);
        const squeeze = (value: string) => value.replace(/\s+/g, '');
        expect(squeeze(parts.join(''))).toBe(squeeze(text));
        if (Array.from(text).length > max) for (const part of parts) {
          expect(Array.from(part).length).toBeLessThanOrEqual(max);
          expect(part.trim()).not.toBe('');
        }
      }),
    );
  });
});

const exChannel = { schemes: ['tel'], country: 'KE' };
const anyRequest = fc.record({
  method: fc.constantFrom('GET', 'POST'),
  contentType: fc.constantFrom('', 'application/json', 'application/x-www-form-urlencoded', 'text/plain', 'multipart/form-data'),
  body: fc.oneof(fc.string(), fc.json(), fc.dictionary(fc.constantFrom('from', 'sender', 'text', 'date', 'id', 'uuid', 'x'), fc.string()).map((d) => new URLSearchParams(d).toString())),
  query: fc.dictionary(fc.constantFrom('from', 'sender', 'text', 'date', 'time', 'id'), fc.string({ unit: 'binary' })),
});

describe('the EX receive parsers', () => {
  it('read from, text and date from the query, a form or JSON; phone numbers to E.164 in the channel\'s country', () => {
    const now = new Date('2026-11-29T08:00:00Z');
    const form = parseExReceive(exChannel, { method: 'POST', contentType: 'application/x-www-form-urlencoded', body: 'from=0700000001&text=hello+there&date=2026-11-29T07:00:00.5%2B01:00', query: {} }, now);
    expect(form).toEqual({ urn: 'tel:+254700000001', text: 'hello there', received_on: new Date('2026-11-29T06:00:00.500Z') });
    const json = parseExReceive({ schemes: ['ext'], country: null }, { method: 'POST', contentType: 'application/json', body: '{"sender":"abc-1","text":"hi"}', query: {} }, now);
    expect(json).toEqual({ urn: 'ext:abc-1', text: 'hi', received_on: now });
    const query = parseExReceive(exChannel, { method: 'GET', contentType: '', body: '', query: { from: '+254700000002', text: 'q' } }, now);
    expect(query.urn).toBe('tel:+254700000002');
  });

  it('say what is wrong', () => {
    const read = (query: Record<string, string>) => () => parseExReceive(exChannel, { method: 'GET', contentType: '', body: '', query }, new Date());
    expect(read({ text: 'hi' })).toThrow("must have one of 'sender' or 'from' set");
    expect(read({ from: '+254700000001', text: 'x'.repeat(4097) })).toThrow('text is longer than 4096 characters');
    expect(read({ from: '+254700000001', date: 'yesterday' })).toThrow('invalid date format, must be RFC 3339');
    expect(read({ from: 'not a phone' })).toThrow('is not a phone number');
    expect(() => readParameters({ method: 'POST', contentType: 'application/json', body: '[1]', query: {} })).toThrow('must be an object');
    expect(() => parseExStatus({ method: 'GET', contentType: '', body: '', query: { id: '12' } })).toThrow('is not a valid UUID');
  });

  it('never throw anything but a ValidationError on arbitrary requests', () => {
    fc.assert(
      fc.property(anyRequest, (request) => {
        for (const parse of [() => parseExReceive(exChannel, request, new Date()), () => parseExStatus(request)]) {
          try {
            parse();
          } catch (error) {
            expect(error).toBeInstanceOf(ValidationError);
          }
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe('Telegram', () => {
  const update = (message: Record<string, unknown>) =>
    JSON.stringify({ update_id: 1, message: { message_id: 7, date: 1_795_000_000, from: { id: 12345678, first_name: 'Ann', last_name: 'Ochieng', username: 'ann' }, chat: { id: 12345678 }, ...message } });

  it('reads each kind of update', () => {
    expect(parseTelegramUpdate(update({ text: '/start' }))).toMatchObject({ kind: 'start', urn: 'telegram:12345678', name: 'Ann Ochieng' });
    expect(parseTelegramUpdate(update({ text: 'help' }))).toMatchObject({ kind: 'message', text: 'help', attachments: [], external_id: '12345678:7' });
    expect(parseTelegramUpdate(update({ caption: 'look', photo: [{ file_id: 'small', file_size: 10 }, { file_id: 'big', file_size: 900 }] }))).toMatchObject({
      text: 'look',
      attachments: ['image/jpeg:telegram-file:big'],
    });
    expect(parseTelegramUpdate(update({ document: { file_id: 'd1', mime_type: 'application/pdf' } }))).toMatchObject({ attachments: ['application/pdf:telegram-file:d1'] });
    expect(parseTelegramUpdate(update({ voice: { file_id: 'v1' } }))).toMatchObject({ attachments: ['audio/ogg:telegram-file:v1'] });
    expect(parseTelegramUpdate(update({ location: { latitude: -1.2921, longitude: 36.8219 } }))).toMatchObject({ text: '', attachments: ['geo:-1.292100,36.821900'] });
    expect(parseTelegramUpdate(update({ contact: { phone_number: '+254700000001', first_name: 'Bo' } }))).toMatchObject({ text: 'Bo (+254700000001)' });
    expect(parseTelegramUpdate(JSON.stringify({ update_id: 2, edited_message: {} }))).toEqual({ kind: 'ignored', reason: 'Ignoring request, no message' });
  });

  it('keeps two contacts\' messages apart though Telegram numbers messages per chat', () => {
    const other = JSON.stringify({ update_id: 2, message: { message_id: 7, date: 1_795_000_000, from: { id: 87654321, first_name: 'Bo' }, chat: { id: 87654321 }, text: 'help' } });
    const first = parseTelegramUpdate(update({ text: 'help' }));
    const second = parseTelegramUpdate(other);
    expect(first.kind === 'message' && second.kind === 'message' && first.external_id !== second.external_id).toBe(true);
  });

  it('refuses malformed updates with a 400, never anything else', () => {
    expect(() => parseTelegramUpdate('{')).toThrow(ValidationError);
    expect(() => parseTelegramUpdate(update({ text: 'x'.repeat(4097) }))).toThrow('text is longer than 4096');
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json(), fc.anything().map((value) => JSON.stringify({ update_id: 1, message: value }) ?? '')), (body) => {
        try {
          parseTelegramUpdate(body);
        } catch (error) {
          expect(error).toBeInstanceOf(ValidationError);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('sends text in 4096-character parts with the keyboard on the last, attachments by type', () => {
    const calls = buildTelegramCalls('123', { text: 'y'.repeat(5000), attachments: [], quick_replies: ['Yes', 'No'] });
    expect(calls.map((call) => [call.method, (call.payload.text as string).length])).toEqual([['sendMessage', 4096], ['sendMessage', 904]]);
    expect(calls[0]!.payload.reply_markup).toBeUndefined();
    expect(calls[1]!.payload.reply_markup).toEqual({ keyboard: [[{ text: 'Yes' }], [{ text: 'No' }]], resize_keyboard: true, one_time_keyboard: true });
    const media = buildTelegramCalls('123', { text: 'see', attachments: ['image/png:https://x/a.png'], quick_replies: [] });
    expect(media).toEqual([{ method: 'sendPhoto', payload: { chat_id: '123', photo: 'https://x/a.png', caption: 'see', reply_markup: { remove_keyboard: true } } }]);
    const two = buildTelegramCalls('123', { text: 'files', attachments: ['image/png:https://x/a.png', 'application/pdf:https://x/b.pdf'], quick_replies: [] });
    expect(two.map((call) => call.method)).toEqual(['sendMessage', 'sendPhoto', 'sendDocument']);
  });
});

describe('a channel\'s send_url', () => {
  it('takes message values in its path and query, never in its host, and never a link-local address', () => {
    expect(() => validateSendUrl('https://gateway.example.com/send?to={{to}}&text={{text}}')).not.toThrow();
    expect(() => validateSendUrl('http://{{text}}/send')).toThrow('not in its host');
    expect(() => validateSendUrl('http://gw{{channel}}.example.com/send')).toThrow('not in its host');
    expect(() => validateSendUrl('http://169.254.169.254/latest/meta-data')).toThrow('link-local');
    expect(() => validateSendUrl('http://[::ffff:169.254.169.254]/')).toThrow('link-local');
  });
});
