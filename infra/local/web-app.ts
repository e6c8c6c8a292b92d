// Serves the agent inbox the way the template's CloudFront distribution does
// (infra/constructs/web-app.ts), on its own port: each request goes to the
// first cache behaviour whose path pattern matches (else the default one),
// runs that behaviour's viewer-request CloudFront Function (the template's own
// code, in a VM context), then reaches its origin — the S3 bucket, whose
// files are the BucketDeployment's source asset in the cloud assembly, or the
// HTTP API, proxied to the local API server with every viewer header but Host
// (the managed AllViewerExceptHostHeader policy). A WebSocket upgrade on the
// live-updates behaviour (`/live`) is passed to the local WebSocket API the
// same way, as CloudFront passes WebSocket connections to its origin.
import { existsSync, readFileSync, statSync } from 'node:fs';
import http, { type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import path from 'node:path';
import vm from 'node:vm';
import { resourcesOfType, type CloudAssembly, type SynthesizedStack } from './cloud-assembly';
import { decodePathSegment, listen, readBody, sendJson } from './http-server';

/** Overridable with TICKETER_APP_PORT (8006 is the local S3 endpoint's). */
export const DEFAULT_APP_PORT = 8007;

interface Behavior {
  pathPattern: string | null; // null: the default behaviour
  origin: { kind: 's3'; directory: string; cacheControl: string | undefined } | { kind: 'api' } | { kind: 'websocket' };
  viewerRequest: string | undefined; // CloudFront Function code
}

export interface LocalDistribution {
  behaviors: Behavior[];
  defaultRootObject: string | undefined;
}

type Json = Record<string, unknown>;

/** The distribution of the templates, or undefined when none declares one. */
export function readDistribution(assembly: CloudAssembly): LocalDistribution | undefined {
  const [found] = resourcesOfType(assembly, 'AWS::CloudFront::Distribution');
  if (!found) return undefined;
  const { stack, resource } = found;
  const config = (resource.Properties?.DistributionConfig ?? {}) as Json;
  const origins = new Map(((config.Origins as Json[]) ?? []).map((origin) => [String(origin.Id), origin]));
  const behavior = (raw: Json, pathPattern: string | null): Behavior => {
    const origin = origins.get(String(raw.TargetOriginId));
    if (!origin) throw new Error(`CloudFront behaviour ${pathPattern ?? '(default)'}: no origin ${String(raw.TargetOriginId)}`);
    const association = ((raw.FunctionAssociations as Json[] | undefined) ?? []).find((item) => item.EventType === 'viewer-request');
    return { pathPattern, origin: readOrigin(assembly, stack, origin), viewerRequest: association && functionCode(stack, association.FunctionARN) };
  };
  return {
    behaviors: [
      ...((config.CacheBehaviors as Json[] | undefined) ?? []).map((raw) => behavior(raw, String(raw.PathPattern))),
      behavior(config.DefaultCacheBehavior as Json, null),
    ],
    defaultRootObject: typeof config.DefaultRootObject === 'string' ? config.DefaultRootObject : undefined,
  };
}

function refersTo(value: unknown): string[] {
  const text = JSON.stringify(value ?? null);
  return [...text.matchAll(/"(?:Ref|Fn::GetAtt)":(?:"([^"]+)"|\["([^"]+)")/g)].map((match) => match[1] ?? match[2]!);
}

function readOrigin(assembly: CloudAssembly, stack: SynthesizedStack, origin: Json): Behavior['origin'] {
  if (origin.S3OriginConfig) {
    const [bucket] = refersTo(origin.DomainName);
    const deployment = Object.values(stack.resources).find(
      (candidate) => candidate.Type === 'Custom::CDKBucketDeployment' && refersTo(candidate.Properties?.DestinationBucketName).includes(bucket ?? ''),
    );
    const key = (deployment?.Properties?.SourceObjectKeys as string[] | undefined)?.[0];
    if (!key) throw new Error(`the bucket ${bucket} behind the distribution has no BucketDeployment: nothing to serve`);
    const directory = path.join(assembly.directory, `asset.${key.replace(/\.zip$/, '')}`);
    if (!existsSync(directory)) throw new Error(`the inbox's files (${directory}) are not in the cloud assembly: synthesize again`);
    const metadata = deployment?.Properties?.SystemMetadata as Json | undefined;
    return { kind: 's3', directory, cacheControl: typeof metadata?.['cache-control'] === 'string' ? metadata['cache-control'] : undefined };
  }
  // Custom origins: live updates' WebSocket API and the HTTP API (their endpoints, through exports).
  if (/WebSocketApi/.test(JSON.stringify(origin.DomainName))) return { kind: 'websocket' };
  if (!/ApiEndpoint|HttpApi/.test(JSON.stringify(origin.DomainName))) throw new Error(`origin ${String(origin.Id)} cannot run locally`);
  return { kind: 'api' };
}

function functionCode(stack: SynthesizedStack, arn: unknown): string | undefined {
  const [logicalId] = refersTo(arn);
  const code = logicalId ? stack.resources[logicalId]?.Properties?.FunctionCode : undefined;
  if (typeof code !== 'string') throw new Error(`CloudFront Function ${logicalId}: no inline code`);
  return code;
}

/** CloudFront's path pattern: case-sensitive, `*` any characters (slashes too), `?` one character. */
export function matchesPathPattern(pattern: string, uri: string): boolean {
  const expression = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${expression}$`).test(uri);
}

export function behaviorFor(distribution: LocalDistribution, uri: string): Behavior {
  return distribution.behaviors.find((behavior) => behavior.pathPattern !== null && matchesPathPattern(behavior.pathPattern, uri)) ?? distribution.behaviors.at(-1)!;
}

interface CloudFrontRequest {
  method: string;
  uri: string;
  querystring: Record<string, { value: string }>;
  headers: Record<string, { value: string }>;
  cookies: Record<string, { value: string }>;
}

/** Runs a cloudfront-js function's handler on a viewer request; it answers a request (maybe changed) or a response. */
export function runViewerRequestFunction(code: string, request: CloudFrontRequest, viewerIp: string): CloudFrontRequest | { statusCode: number; headers?: Record<string, { value: string }>; body?: unknown } {
  const context = vm.createContext({ event: { version: '1.0', context: { eventType: 'viewer-request' }, viewer: { ip: viewerIp }, request } });
  return vm.runInContext(`${code}\n;handler(event);`, context, { timeout: 1000 }) as CloudFrontRequest;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

export async function startWebAppServer(
  distribution: LocalDistribution,
  options: { port: number; apiUrl: string; liveEndpoint?: string; log: (line: string) => void },
): Promise<Server> {
  const server = await listen(
    (request, response) => {
      serve(distribution, options.apiUrl, request, response).catch((error: Error) => {
        options.log(`inbox server: ${error.stack ?? error.message}`);
        if (!response.headersSent) sendJson(response, 502, { message: 'Bad Gateway' });
        else response.end();
      });
    },
    options.port,
    'inbox (TICKETER_APP_PORT)',
  );
  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const uri = new URL(request.url ?? '/', 'http://localhost').pathname;
    if (behaviorFor(distribution, uri).origin.kind !== 'websocket' || !options.liveEndpoint) {
      socket.end('HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\nconnection: close\r\n\r\n');
      return;
    }
    proxyUpgrade(options.liveEndpoint, request, socket, head, options.log);
  });
  return server;
}

/** Passes a WebSocket handshake (every viewer header but Host) and then the connection's bytes both ways. */
function proxyUpgrade(endpoint: string, incoming: IncomingMessage, socket: Duplex, head: Buffer, log: (line: string) => void): void {
  const target = new URL(endpoint.replace(/^ws/, 'http'));
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(incoming.headers)) if (name !== 'host' && value !== undefined) headers[name] = value;
  headers.host = target.host;
  const outgoing = http.request({ host: target.hostname, port: target.port, method: 'GET', path: incoming.url, headers });
  outgoing.on('upgrade', (answer, upstream, upstreamHead) => {
    const lines = [`HTTP/1.1 ${answer.statusCode ?? 101} ${answer.statusMessage ?? 'Switching Protocols'}`];
    for (let index = 0; index < answer.rawHeaders.length; index += 2) lines.push(`${answer.rawHeaders[index]}: ${answer.rawHeaders[index + 1]}`);
    socket.write(`${lines.join('\r\n')}\r\n\r\n`);
    if (upstreamHead.length) socket.write(upstreamHead);
    if (head.length) upstream.write(head);
    upstream.pipe(socket).pipe(upstream);
    // One side ending or breaking ends the other, so a dropped browser is a dropped connection upstream too.
    const end = () => {
      upstream.destroy();
      socket.destroy();
    };
    upstream.on('error', end).on('close', end);
    socket.on('error', end).on('close', end);
  });
  // A refused handshake (401, 403, …) is answered as the origin answered it.
  outgoing.on('response', (answer) => {
    const lines = [`HTTP/1.1 ${answer.statusCode ?? 502} ${answer.statusMessage ?? ''}`];
    for (let index = 0; index < answer.rawHeaders.length; index += 2) lines.push(`${answer.rawHeaders[index]}: ${answer.rawHeaders[index + 1]}`);
    socket.write(`${lines.join('\r\n')}\r\n\r\n`);
    answer.pipe(socket);
  });
  outgoing.on('error', (error) => {
    log(`inbox server: /live upstream: ${error.message}`);
    socket.end('HTTP/1.1 502 Bad Gateway\r\ncontent-length: 0\r\nconnection: close\r\n\r\n');
  });
  outgoing.end();
}

async function serve(distribution: LocalDistribution, apiUrl: string, incoming: IncomingMessage, response: ServerResponse): Promise<void> {
  const url = new URL(incoming.url ?? '/', 'http://localhost');
  const behavior = behaviorFor(distribution, url.pathname);
  let request: CloudFrontRequest = {
    method: incoming.method ?? 'GET',
    uri: url.pathname,
    querystring: Object.fromEntries([...url.searchParams.entries()].map(([key, value]) => [key, { value }])),
    headers: Object.fromEntries(Object.entries(incoming.headers).map(([name, value]) => [name, { value: Array.isArray(value) ? value.join(',') : String(value ?? '') }])),
    cookies: {},
  };
  if (behavior.viewerRequest) {
    const result = runViewerRequestFunction(behavior.viewerRequest, request, incoming.socket.remoteAddress ?? '127.0.0.1');
    if ('statusCode' in result) {
      response.writeHead(result.statusCode, Object.fromEntries(Object.entries(result.headers ?? {}).map(([name, value]) => [name, value.value])));
      response.end(typeof result.body === 'string' ? result.body : undefined);
      return;
    }
    request = result;
  }
  if (behavior.origin.kind === 'api') return proxyToApi(apiUrl, request, url.search, incoming, response);
  // A plain request (no upgrade) to the WebSocket API: API Gateway answers it 426-like; here a 400.
  if (behavior.origin.kind === 'websocket') return sendJson(response, 400, { message: 'This path takes WebSocket connections only.' });
  serveFile(behavior.origin.directory, behavior.origin.cacheControl, request.uri === '/' && distribution.defaultRootObject ? `/${distribution.defaultRootObject}` : request.uri, request.method, response);
}

function serveFile(directory: string, cacheControl: string | undefined, uri: string, method: string, response: ServerResponse): void {
  const file = path.join(directory, decodePathSegment(uri));
  const inside = file.startsWith(directory + path.sep);
  if (!['GET', 'HEAD'].includes(method)) return sendXml(response, 403, 'MethodNotAllowed');
  // S3 behind origin access control answers 403 for a key it does not have (the distribution may not list the bucket).
  if (!inside || !existsSync(file) || !statSync(file).isFile()) return sendXml(response, 403, 'AccessDenied');
  const body = readFileSync(file);
  response.writeHead(200, {
    'content-type': CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream',
    'content-length': body.length,
    ...(cacheControl ? { 'cache-control': cacheControl } : {}),
  });
  response.end(method === 'HEAD' ? undefined : body);
}

function sendXml(response: ServerResponse, status: number, code: string): void {
  response.writeHead(status, { 'content-type': 'application/xml' }).end(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code></Error>`);
}

async function proxyToApi(apiUrl: string, request: CloudFrontRequest, search: string, incoming: IncomingMessage, response: ServerResponse): Promise<void> {
  const target = new URL(apiUrl);
  const headers: Record<string, string> = {};
  for (const [name, { value }] of Object.entries(request.headers)) if (name !== 'host' && name !== 'connection') headers[name] = value;
  headers.host = target.host;
  // API Gateway sets X-Forwarded-Proto to the scheme it was reached with; here the inbox's own, http.
  headers['x-forwarded-proto'] = 'http';
  const body = await readBody(incoming);
  if (body.length) headers['content-length'] = String(body.length);
  await new Promise<void>((resolve, reject) => {
    const outgoing = http.request({ host: target.hostname, port: target.port, method: request.method, path: `${request.uri}${search}`, headers }, (answer) => {
      response.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(response);
      answer.on('end', resolve);
      answer.on('error', reject);
    });
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}
