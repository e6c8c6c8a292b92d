// The answers of the public channel routes, in nyaruka courier's shapes, so a
// gateway written for RapidPro reads them unchanged. Errors come from
// errors.ts (style `courier`).
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { ValidationError } from '#domain/errors';
import type { InboundRequest } from '#channels/external';
import type { ReceiveAnswer } from '#use-cases/channels';
import type { HttpResult } from './response';

/** The largest request body the public routes read (a message is at most 4096 characters). */
export const MAX_PUBLIC_BODY_BYTES = 64 * 1024;

const STATUS_LETTER = { sent: 'S', delivered: 'D', failed: 'F' } as const;

export function courierAnswer(answer: ReceiveAnswer): HttpResult {
  const channel_uuid = answer.channel.uuid;
  switch (answer.kind) {
    case 'message':
      return {
        status: 200,
        body: {
          message: 'Message Accepted',
          data: [
            {
              type: 'msg',
              channel_uuid,
              msg_uuid: answer.msg_uuid,
              text: answer.text,
              urn: answer.urn,
              ...(answer.attachments.length ? { attachments: answer.attachments } : {}),
              ...(answer.external_id ? { external_id: answer.external_id } : {}),
              received_on: answer.received_on,
            },
          ],
        },
      };
    case 'status':
      return { status: 200, body: { message: 'Status Update Accepted', data: [{ type: 'status', channel_uuid, status: STATUS_LETTER[answer.status], msg_uuid: answer.msg_uuid }] } };
    case 'event':
      return { status: 200, body: { message: 'Event Accepted', data: [{ type: 'event', channel_uuid, event_type: answer.event_type, urn: answer.urn, received_on: answer.received_on }] } };
    case 'ignored':
      return { status: 200, body: { message: 'Ignored', data: [{ type: 'info', info: answer.reason }] } };
  }
}

/** The body as text; too large a body is a 400 before anything reads it. */
export function rawBody(event: Pick<APIGatewayProxyEventV2, 'body' | 'isBase64Encoded'>): string {
  if (!event.body) return '';
  const bytes = event.isBase64Encoded ? Buffer.from(event.body, 'base64') : Buffer.from(event.body, 'utf8');
  if (bytes.length > MAX_PUBLIC_BODY_BYTES)
    throw new ValidationError('body', `The request body is larger than ${MAX_PUBLIC_BODY_BYTES / 1024} KB.`, 'body_too_large');
  return bytes.toString('utf8');
}

export function inboundRequest(event: APIGatewayProxyEventV2): InboundRequest {
  const body = rawBody(event);
  // API Gateway joins repeated query parameters with commas; the raw query string keeps the first of each.
  const query: Record<string, string> = {};
  for (const [key, value] of new URLSearchParams(event.rawQueryString ?? '')) if (!(key in query)) query[key] = value;
  return { method: event.requestContext.http.method, contentType: event.headers['content-type'] ?? '', body, query };
}
