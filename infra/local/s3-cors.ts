// The local stack's S3 endpoint: a thin front of fauxqs's S3 that adds what
// fauxqs lacks, CORS, so that a browser (the agent inbox) can PUT an
// attachment to a presigned URL and read it back from another origin. Every
// request is passed to fauxqs unchanged (objects live there, on the SQS port);
// a preflight (OPTIONS) is answered from the bucket's CorsConfiguration in the
// template, and a request with an Origin gets the CORS headers of the rule it
// matches, as S3 does. The functions' AWS_ENDPOINT_URL_S3 points here, so
// presigned URLs do too.
import { request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { RunningEmulator } from './emulators';
import { closeServer, decodePathSegment, listen } from './http-server';
import type { BucketCorsRule, LocalBucket } from './resources';

interface CorsRequest {
  origin: string;
  method: string;
  /** Access-Control-Request-Headers of a preflight, lower-cased. */
  headers: string[];
}

/** `http://*.example.com` style patterns: one `*` matches any run of characters, as in S3's AllowedOrigins and AllowedHeaders. */
function matchesWildcard(pattern: string, value: string): boolean {
  const escaped = pattern.toLowerCase().split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${escaped.join('.*')}$`).test(value.toLowerCase());
}

/** The first rule that allows the request (S3 takes the first match), or undefined. */
export function matchingCorsRule(rules: BucketCorsRule[], request: CorsRequest): BucketCorsRule | undefined {
  return rules.find(
    (rule) =>
      rule.AllowedOrigins.some((origin) => matchesWildcard(origin, request.origin)) &&
      rule.AllowedMethods.includes(request.method.toUpperCase()) &&
      request.headers.every((header) => (rule.AllowedHeaders ?? []).some((allowed) => matchesWildcard(allowed, header))),
  );
}

/** The response headers S3 sends for a request the rule allows. */
export function corsResponseHeaders(rule: BucketCorsRule, request: CorsRequest, preflight: boolean): Record<string, string> {
  return {
    'access-control-allow-origin': rule.AllowedOrigins.includes('*') ? '*' : request.origin,
    vary: 'Origin, Access-Control-Request-Headers, Access-Control-Request-Method',
    ...(preflight
      ? {
          'access-control-allow-methods': rule.AllowedMethods.join(', '),
          ...(request.headers.length ? { 'access-control-allow-headers': request.headers.join(', ') } : {}),
          ...(rule.MaxAge !== undefined ? { 'access-control-max-age': String(rule.MaxAge) } : {}),
        }
      : rule.ExposedHeaders?.length
        ? { 'access-control-expose-headers': rule.ExposedHeaders.join(', ') }
        : {}),
  };
}

/** The bucket a request is for: from a virtual-hosted name (`bucket.localhost`), else the first path segment. */
function bucketOf(request: IncomingMessage): string {
  const hostname = (request.headers.host ?? '').split(':')[0] ?? '';
  if (hostname.includes('.') && !/^\d+\.\d+\.\d+\.\d+$/.test(hostname)) return hostname.slice(0, hostname.indexOf('.'));
  return decodePathSegment((request.url ?? '/').split('?')[0]!.split('/')[1] ?? '');
}

export async function startS3Front(options: { port: number; fauxqsEndpoint: string; buckets: LocalBucket[]; log: (line: string) => void }): Promise<RunningEmulator> {
  const target = new URL(options.fauxqsEndpoint);
  const rulesOf = (bucket: string) => options.buckets.find((candidate) => candidate.bucketName === bucket)?.corsRules ?? [];

  const handle = (request: IncomingMessage, response: ServerResponse) => {
    const origin = request.headers.origin;
    const rules = rulesOf(bucketOf(request));
    if (request.method === 'OPTIONS') {
      const method = String(request.headers['access-control-request-method'] ?? '');
      const headers = String(request.headers['access-control-request-headers'] ?? '')
        .split(',')
        .map((header) => header.trim().toLowerCase())
        .filter(Boolean);
      const corsRequest = { origin: String(origin ?? ''), method, headers };
      const rule = origin && method ? matchingCorsRule(rules, corsRequest) : undefined;
      if (!rule) {
        response.writeHead(403, { 'content-type': 'application/xml' });
        response.end('<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessForbidden</Code><Message>CORSResponse: This CORS request is not allowed.</Message></Error>');
        return;
      }
      response.writeHead(200, corsResponseHeaders(rule, corsRequest, true)).end();
      return;
    }
    const rule = origin ? matchingCorsRule(rules, { origin, method: request.method ?? 'GET', headers: [] }) : undefined;
    const cors = rule && origin ? corsResponseHeaders(rule, { origin, method: request.method ?? 'GET', headers: [] }, false) : {};
    const forwarded = httpRequest(
      { host: target.hostname, port: target.port, method: request.method, path: request.url, headers: request.headers },
      (upstream) => {
        response.writeHead(upstream.statusCode ?? 502, { ...upstream.headers, ...cors });
        upstream.pipe(response);
      },
    );
    forwarded.on('error', (error) => {
      options.log(`S3 endpoint: fauxqs did not answer: ${error.message}`);
      if (!response.headersSent) response.writeHead(502, { 'content-type': 'application/xml' });
      response.end();
    });
    request.pipe(forwarded);
  };

  const server: Server = await listen(handle, options.port, 'S3 endpoint');
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the S3 endpoint is not listening on a TCP port');
  return { endpoint: `http://127.0.0.1:${address.port}`, port: address.port, stop: () => closeServer(server) };
}
