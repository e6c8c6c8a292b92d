// Checks a presigned S3 URL's SigV4 query signature the way S3 does (fauxqs's
// S3 serves any request, signed or not, so tests that fetch through a
// presigned URL check its signature here too): the canonical request of a GET
// with only `host` signed and an unsigned payload, the string to sign, the
// key derived from the secret, date, region and service.
import { createHash, createHmac } from 'node:crypto';

const rfc3986 = (value: string) => encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data, 'utf8').digest();

export interface PresignedCheck {
  /** The signature is the one the secret makes for this method, host, path and query. */
  valid: boolean;
  accessKeyId: string;
  signedAt: Date;
  expiresInSeconds: number;
}

export function checkPresignedUrl(link: string, secretAccessKey: string, method = 'GET'): PresignedCheck {
  const url = new URL(link);
  // The path exactly as written (S3 signs the encoded path as sent, without normalizing it).
  const rawPath = link.slice(url.origin.length).split(/[?#]/)[0]!;
  const params = [...url.searchParams.entries()];
  const get = (name: string) => url.searchParams.get(name) ?? '';
  const [accessKeyId, date, region, service] = get('X-Amz-Credential').split('/') as [string, string, string, string];
  const canonicalQuery = params
    .filter(([name]) => name !== 'X-Amz-Signature')
    .map(([name, value]) => [rfc3986(name), rfc3986(value)] as const)
    .sort(([a, av], [b, bv]) => (a === b ? (av < bv ? -1 : 1) : a < b ? -1 : 1))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
  const signedHeaders = get('X-Amz-SignedHeaders');
  const canonicalRequest = [method, rawPath, canonicalQuery, `host:${url.host}\n`, signedHeaders, 'UNSIGNED-PAYLOAD'].join('\n');
  const amzDate = get('X-Amz-Date');
  const scope = `${date}/${region}/${service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, createHash('sha256').update(canonicalRequest, 'utf8').digest('hex')].join('\n');
  const key = hmac(hmac(hmac(hmac(`AWS4${secretAccessKey}`, date), region), service), 'aws4_request');
  const expected = createHmac('sha256', key).update(stringToSign, 'utf8').digest('hex');
  const signedAt = new Date(`${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 8)}T${amzDate.slice(9, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`);
  return {
    valid: get('X-Amz-Algorithm') === 'AWS4-HMAC-SHA256' && signedHeaders === 'host' && service === 's3' && expected === get('X-Amz-Signature'),
    accessKeyId,
    signedAt,
    expiresInSeconds: Number(get('X-Amz-Expires')),
  };
}
