// Builds API Gateway HTTP API (payload 2.0) events the way API Gateway delivers
// them to the functions, after the authorizer has run.
import { randomUUID } from 'node:crypto';
import type { APIGatewayRequestAuthorizerEventV2, Context } from 'aws-lambda';
import type { HttpEvent } from '#http/handler';
import type { Identity } from '#http/identity';

export interface RequestOptions {
  /** Route key as API Gateway matched it, e.g. `POST /tickets/{ticket}/close`. */
  route: string;
  /** Values for the `{name}` placeholders of the route. */
  params?: Record<string, string>;
  query?: Record<string, string>;
  /** An object is sent as JSON; a string is sent as is (for malformed JSON). */
  body?: unknown;
  headers?: Record<string, string>;
  identity: Identity;
  stage?: string;
}

const DOMAIN = 'abc123.execute-api.eu-west-1.amazonaws.com';

export function httpEvent(options: RequestOptions): HttpEvent {
  const [method, routePath] = options.route.split(' ') as [string, string];
  const rawPath = routePath.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = options.params?.[name];
    if (value === undefined) throw new Error(`missing path parameter ${name}`);
    return encodeURIComponent(value);
  });
  const stage = options.stage ?? '$default';
  const rawQueryString = new URLSearchParams(options.query ?? {}).toString();
  const body =
    options.body === undefined ? undefined : typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
  return {
    version: '2.0',
    routeKey: options.route,
    rawPath: stage === '$default' ? rawPath : `/${stage}${rawPath}`,
    rawQueryString,
    headers: {
      host: DOMAIN,
      'x-forwarded-proto': 'https',
      'content-type': 'application/json',
      authorization: 'Token redacted-by-api-gateway-tests',
      ...options.headers,
    },
    ...(options.query ? { queryStringParameters: options.query } : {}),
    ...(options.params ? { pathParameters: options.params } : {}),
    requestContext: {
      accountId: '123456789012',
      apiId: 'abc123',
      domainName: DOMAIN,
      domainPrefix: 'abc123',
      http: { method, path: rawPath, protocol: 'HTTP/1.1', sourceIp: '192.0.2.1', userAgent: 'vitest' },
      requestId: randomUUID(),
      routeKey: options.route,
      stage,
      time: '24/Nov/2026:10:00:00 +0000',
      timeEpoch: 1795515600000,
      authorizer: { lambda: options.identity },
    },
    ...(body === undefined ? {} : { body }),
    isBase64Encoded: false,
  };
}

export function authorizerEvent(authorization: string | undefined): APIGatewayRequestAuthorizerEventV2 {
  const event: APIGatewayRequestAuthorizerEventV2 = {
    version: '2.0',
    type: 'REQUEST',
    routeArn: 'arn:aws:execute-api:eu-west-1:123456789012:abc123/$default/GET/tickets',
    identitySource: authorization === undefined ? [] : [authorization],
    routeKey: 'GET /tickets',
    rawPath: '/tickets',
    rawQueryString: '',
    cookies: [],
    headers: { host: DOMAIN, ...(authorization === undefined ? {} : { authorization }) },
    requestContext: {
      accountId: '123456789012',
      apiId: 'abc123',
      domainName: DOMAIN,
      domainPrefix: 'abc123',
      http: { method: 'GET', path: '/tickets', protocol: 'HTTP/1.1', sourceIp: '192.0.2.1', userAgent: 'vitest' },
      requestId: randomUUID(),
      routeKey: 'GET /tickets',
      stage: '$default',
      time: '24/Nov/2026:10:00:00 +0000',
      timeEpoch: 1795515600000,
    },
  };
  return event;
}

export function lambdaContext(functionName = 'ticketer-http'): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:eu-west-1:123456789012:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: '2026/11/24/[$LATEST]test',
    getRemainingTimeInMillis: () => 30_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

export interface JsonResponse {
  status: number;
  headers: Record<string, string | number | boolean>;
  body: any;
}

/** Calls a function's handler with a payload-2.0 event and parses its JSON answer. */
export async function call(
  handler: (event: HttpEvent, context: Context) => Promise<unknown>,
  options: RequestOptions,
): Promise<JsonResponse> {
  const result = (await handler(httpEvent(options), lambdaContext())) as {
    statusCode: number;
    headers?: Record<string, string | number | boolean>;
    body?: string;
  };
  return {
    status: result.statusCode,
    headers: result.headers ?? {},
    body: result.body === undefined ? undefined : JSON.parse(result.body),
  };
}
