// Serves the API Gateway HTTP APIs (AWS::ApiGatewayV2::*) of the templates on
// localhost the way API Gateway does: route selection, payload format 2.0
// events, the Lambda REQUEST authorizer with simple responses and its result
// cache, and API Gateway's own answers (404 Not Found, 401, 403, 500).
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { resourcesOfType, type CloudAssembly, type IntrinsicResolver } from './cloud-assembly';
import type { FunctionHost, LocalFunction } from './functions';
// Path parameters reach functions percent-decoded; `%zz` reaches them as it came and they
// answer it 404 `<param>_not_found` (shared/http/handler.ts), as a function on AWS does.
import { decodePathSegment, listen, readBody, sendJson } from './http-server';

interface Authorizer {
  function: LocalFunction;
  /** `$request.header.Authorization` style expressions; all must be present. */
  identitySource: string[];
  cacheTtlSeconds: number;
  simpleResponses: boolean;
  cache: Map<string, { expires: number; context: Record<string, unknown> | undefined; allowed: boolean }>;
}

interface Route {
  routeKey: string;
  method: string; // 'ANY' matches every method
  segments: string[];
  greedy: boolean;
  function: LocalFunction;
  authorizer: Authorizer | undefined;
}

export interface HttpApi {
  apiId: string;
  routes: Route[];
}

export function readHttpApis(assembly: CloudAssembly, resolver: IntrinsicResolver, functions: FunctionHost): HttpApi[] {
  const functionFromUri = (uri: string): LocalFunction => {
    // Integration URIs are a function ARN or apigateway's ".../functions/<arn>/invocations".
    const arn = uri.match(/functions\/(.+)\/invocations$/)?.[1] ?? uri;
    const fn = functions.find(arn);
    if (!fn) throw new Error(`API integration refers to ${uri}, which is not a function of the templates`);
    return fn;
  };
  // WebSocket APIs are served by websocket-api.ts.
  const httpApis = resourcesOfType(assembly, 'AWS::ApiGatewayV2::Api').filter(({ resource }) => resource.Properties?.ProtocolType !== 'WEBSOCKET');
  return httpApis.map(({ stack, logicalId: apiLogicalId }) => {
    const belongsToApi = (properties: Record<string, unknown>) => (properties.ApiId as { Ref?: string })?.Ref === apiLogicalId;
    const authorizers = new Map<string, Authorizer>();
    for (const [logicalId, resource] of Object.entries(stack.resources)) {
      const properties = resource.Properties ?? {};
      if (resource.Type !== 'AWS::ApiGatewayV2::Authorizer' || !belongsToApi(properties)) continue;
      if (properties.AuthorizerType !== 'REQUEST') throw new Error(`${logicalId}: only Lambda REQUEST authorizers run locally`);
      authorizers.set(logicalId, {
        function: functionFromUri(resolver.resolveString(properties.AuthorizerUri, stack)),
        identitySource: (properties.IdentitySource as string[] | undefined) ?? [],
        cacheTtlSeconds: Number(properties.AuthorizerResultTtlInSeconds ?? 0),
        simpleResponses: properties.EnableSimpleResponses === true,
        cache: new Map(),
      });
    }
    const routes: Route[] = [];
    for (const [logicalId, resource] of Object.entries(stack.resources)) {
      const properties = resource.Properties ?? {};
      if (resource.Type !== 'AWS::ApiGatewayV2::Route' || !belongsToApi(properties)) continue;
      const integrationId = resolver.resolveString(properties.Target, stack).replace(/^integrations\//, '');
      const integration = stack.resources[integrationId]?.Properties ?? {};
      if (integration.IntegrationType !== 'AWS_PROXY') throw new Error(`${logicalId}: only Lambda proxy integrations run locally`);
      if (integration.PayloadFormatVersion !== '2.0') throw new Error(`${logicalId}: only payload format 2.0 runs locally`);
      const routeKey = String(properties.RouteKey);
      const [method, routePath = ''] = routeKey === '$default' ? ['ANY', '/{proxy+}'] : routeKey.split(' ');
      const segments = routePath.split('/').filter(Boolean);
      const authorizerId = (properties.AuthorizerId as { Ref?: string } | undefined)?.Ref;
      routes.push({
        routeKey,
        method: method!,
        segments,
        greedy: segments.at(-1)?.endsWith('+}') ?? false,
        function: functionFromUri(resolver.resolveString(integration.IntegrationUri, stack)),
        authorizer: properties.AuthorizationType === 'CUSTOM' && authorizerId ? authorizers.get(authorizerId) : undefined,
      });
    }
    return { apiId: apiLogicalId.toLowerCase().slice(0, 10), routes };
  });
}

interface MatchedRoute {
  route: Route;
  pathParameters: Record<string, string>;
}

/** API Gateway's precedence: literal segments beat parameters, parameters beat greedy ones, a method beats ANY, $default last. */
export function matchRoute(routes: Route[], method: string, rawPath: string): MatchedRoute | undefined {
  const pathSegments = rawPath.split('/').filter(Boolean);
  const matches: (MatchedRoute & { score: number[] })[] = [];
  for (const route of routes) {
    if (route.method !== 'ANY' && route.method !== method) continue;
    const pathParameters: Record<string, string> = {};
    const score: number[] = [];
    let matched = true;
    for (let index = 0; index < route.segments.length; index++) {
      const template = route.segments[index]!;
      const greedy = template.endsWith('+}');
      if (greedy) {
        const rest = pathSegments.slice(index);
        if (!rest.length) matched = false;
        else pathParameters[template.slice(1, -2)] = decodePathSegment(rest.join('/'));
        score.push(0);
        break;
      }
      const segment = pathSegments[index];
      if (segment === undefined) {
        matched = false;
        break;
      }
      if (template.startsWith('{') && template.endsWith('}')) {
        pathParameters[template.slice(1, -1)] = decodePathSegment(segment);
        score.push(1);
      } else if (template === segment) {
        score.push(2);
      } else {
        matched = false;
        break;
      }
    }
    if (!route.greedy && route.segments.length !== pathSegments.length) matched = false;
    if (!matched) continue;
    score.push(route.routeKey === '$default' ? -1 : route.method === 'ANY' ? 0 : 1);
    matches.push({ route, pathParameters, score });
  }
  const compare = (a: number[], b: number[]) => {
    for (let index = 0; index < Math.max(a.length, b.length); index++) {
      const difference = (b[index] ?? -2) - (a[index] ?? -2);
      if (difference) return difference;
    }
    return 0;
  };
  return matches.sort((a, b) => compare(a.score, b.score))[0];
}

const TEXT_CONTENT = /^(text\/|application\/(json|xml|javascript|x-www-form-urlencoded)|[^;]*\+(json|xml))/i;

export function startHttpApiServer(api: HttpApi, port: number, log: (line: string) => void): Promise<Server> {
  return listen(
    (request, response) => {
      handle(api, request, response).catch((error: Error) => {
        log(`HTTP API: ${error.stack ?? error.message}`);
        if (!response.headersSent) sendJson(response, 500, { message: 'Internal Server Error' });
        else response.end();
      });
    },
    port,
    'HTTP API',
  );
}

async function handle(api: HttpApi, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const requestId = randomUUID();
  response.setHeader('apigw-requestid', requestId);
  const url = new URL(request.url ?? '/', 'http://localhost');
  const method = request.method ?? 'GET';
  const matched = matchRoute(api.routes, method, url.pathname);
  if (!matched) return sendJson(response, 404, { message: 'Not Found' });
  const received = await readBody(request);
  const body = received.length ? received : undefined;
  const event = buildEvent(api, request, url, matched, body, requestId);
  const { route } = matched;
  if (route.authorizer) {
    const decision = await authorize(route.authorizer, event);
    if (decision === 'unauthorized') return sendJson(response, 401, { message: 'Unauthorized' });
    if (decision === 'error') return sendJson(response, 500, { message: 'Internal Server Error' });
    if (!decision.allowed) return sendJson(response, 403, { message: 'Forbidden' });
    event.requestContext.authorizer = { lambda: decision.context ?? {} };
  }
  const outcome = await route.function.invoke(event);
  if (!outcome.ok) return sendJson(response, 500, { message: 'Internal Server Error' });
  writeResult(response, outcome.result);
}

type Event = ReturnType<typeof buildEvent>;

function buildEvent(api: HttpApi, request: IncomingMessage, url: URL, matched: MatchedRoute, body: Buffer | undefined, requestId: string) {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined || name === 'cookie') continue;
    headers[name.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
  }
  // API Gateway tells functions how the client reached it, whatever the client sent in these headers:
  // here plain HTTP on this port; X-Forwarded-For gets the client's address appended.
  const client = request.socket.remoteAddress?.replace(/^::ffff:/, '') ?? '127.0.0.1';
  headers['x-forwarded-proto'] = 'http';
  headers['x-forwarded-port'] = String(request.socket.localPort ?? '');
  headers['x-forwarded-for'] = headers['x-forwarded-for'] ? `${headers['x-forwarded-for']}, ${client}` : client;
  const cookies = request.headers.cookie?.split(/;\s*/).filter(Boolean);
  const queryStringParameters: Record<string, string> = {};
  for (const key of new Set(url.searchParams.keys())) queryStringParameters[key] = url.searchParams.getAll(key).join(',');
  const now = new Date();
  const isText = !body || TEXT_CONTENT.test(headers['content-type'] ?? 'application/json');
  const rawPath = url.pathname;
  return {
    version: '2.0',
    routeKey: matched.route.routeKey,
    rawPath,
    rawQueryString: url.search.slice(1),
    ...(cookies?.length ? { cookies } : {}),
    headers,
    ...(Object.keys(queryStringParameters).length ? { queryStringParameters } : {}),
    requestContext: {
      accountId: '000000000000',
      apiId: api.apiId,
      domainName: headers.host ?? 'localhost',
      domainPrefix: (headers.host ?? 'localhost').split('.')[0]!,
      http: {
        method: request.method ?? 'GET',
        path: rawPath,
        protocol: `HTTP/${request.httpVersion}`,
        sourceIp: request.socket.remoteAddress?.replace(/^::ffff:/, '') ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId,
      routeKey: matched.route.routeKey,
      stage: '$default',
      time: formatRequestTime(now),
      timeEpoch: now.getTime(),
      authorizer: undefined as { lambda: Record<string, unknown> } | undefined,
    },
    ...(Object.keys(matched.pathParameters).length ? { pathParameters: matched.pathParameters } : {}),
    ...(body ? { body: isText ? body.toString('utf8') : body.toString('base64') } : {}),
    isBase64Encoded: !isText,
  };
}

/** API Gateway's `requestContext.time`, e.g. `24/Nov/2026:10:00:00 +0000`. */
function formatRequestTime(date: Date): string {
  const month = date.toLocaleString('en-US', { month: 'short', timeZone: 'UTC' });
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(date.getUTCDate())}/${month}/${date.getUTCFullYear()}:${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`;
}

function identityValue(expression: string, event: Event): string | undefined {
  const header = expression.match(/^\$request\.header\.(.+)$/);
  if (header) return event.headers[header[1]!.toLowerCase()];
  const query = expression.match(/^\$request\.querystring\.(.+)$/);
  if (query) return event.queryStringParameters?.[query[1]!];
  throw new Error(`identity source ${expression} is not supported locally`);
}

async function authorize(
  authorizer: Authorizer,
  event: Event,
): Promise<'unauthorized' | 'error' | { allowed: boolean; context: Record<string, unknown> | undefined }> {
  const identity = authorizer.identitySource.map((expression) => identityValue(expression, event));
  if (identity.some((value) => value === undefined || value === '')) return 'unauthorized';
  const cacheKey = JSON.stringify(identity);
  const cached = authorizer.cache.get(cacheKey);
  if (cached && cached.expires > Date.now()) return { allowed: cached.allowed, context: cached.context };
  const { body: _body, isBase64Encoded: _encoded, ...withoutBody } = event as Event & { body?: string };
  const outcome = await authorizer.function.invoke({
    ...withoutBody,
    type: 'REQUEST',
    routeArn: `arn:aws:execute-api:us-east-1:000000000000:${event.requestContext.apiId}/$default/${event.requestContext.http.method}${event.rawPath}`,
    identitySource: identity,
  });
  // An authorizer failing with exactly "Unauthorized" is API Gateway's way to answer 401.
  if (!outcome.ok) return outcome.error.errorMessage === 'Unauthorized' ? 'unauthorized' : 'error';
  if (outcome.result === null || typeof outcome.result !== 'object') return 'error';
  const result = outcome.result as { isAuthorized?: unknown; context?: Record<string, unknown>; policyDocument?: unknown };
  if (!authorizer.simpleResponses || typeof result.isAuthorized !== 'boolean') return 'error';
  const decision = { allowed: result.isAuthorized, context: result.context };
  if (authorizer.cacheTtlSeconds > 0) {
    authorizer.cache.set(cacheKey, { ...decision, expires: Date.now() + authorizer.cacheTtlSeconds * 1000 });
  }
  return decision;
}

function writeResult(response: ServerResponse, result: unknown): void {
  const structured = result !== null && typeof result === 'object' && 'statusCode' in result;
  if (!structured) {
    // A result without statusCode is taken as the JSON body of a 200, as API Gateway does.
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(typeof result === 'string' ? result : JSON.stringify(result));
    return;
  }
  const { statusCode, headers, multiValueHeaders, cookies, body, isBase64Encoded } = result as {
    statusCode: number;
    headers?: Record<string, string | number | boolean>;
    multiValueHeaders?: Record<string, (string | number | boolean)[]>;
    cookies?: string[];
    body?: string;
    isBase64Encoded?: boolean;
  };
  for (const [name, values] of Object.entries(multiValueHeaders ?? {})) response.setHeader(name, values.map(String).join(','));
  for (const [name, value] of Object.entries(headers ?? {})) response.setHeader(name, String(value));
  if (cookies?.length) response.setHeader('set-cookie', cookies);
  response.writeHead(Number(statusCode));
  response.end(body === undefined ? undefined : Buffer.from(body, isBase64Encoded ? 'base64' : 'utf8'));
}
