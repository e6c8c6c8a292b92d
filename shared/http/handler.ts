// The Lambda side of the routes described in route-spec.ts: request parsing
// and validation, the caller's identity, dispatch on `event.routeKey`, and the
// error mapping, in one middy pipeline shared by every HTTP function.
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type {
  APIGatewayProxyEventV2WithLambdaAuthorizer,
  APIGatewayProxyStructuredResultV2,
  Context,
} from 'aws-lambda';
import type { z } from 'zod';
import { NotFoundError, UnauthorizedError, ValidationError } from '#domain/errors';
import { requirePermission } from '#domain/permissions';
import { findMalformedText } from '#domain/text';
import { errorResult, type ErrorStyle } from './errors';
import { identitySchema, type Identity } from './identity';
import { logger } from './logger';
import { toLambdaResult, type HttpResult } from './response';
import { routeKey, type RouteSpec } from './route-spec';

export type HttpEvent = APIGatewayProxyEventV2WithLambdaAuthorizer<Identity>;

type Parsed<T> = T extends z.ZodType ? z.output<T> : undefined;

type IsPublic<S extends RouteSpec> = S['permission'] extends 'public' ? true : false;

export interface ParsedRequest<S extends RouteSpec> {
  params: Parsed<S['params']>;
  query: Parsed<S['query']>;
  headers: Parsed<S['headers']>;
  body: Parsed<S['body']>;
  /** Who calls, as the authorizer resolved the token; null on public routes. */
  identity: IsPublic<S> extends true ? null : Identity;
  /** Workspace and user as the use cases take them; null on public routes. */
  actor: IsPublic<S> extends true ? null : { workspace: string; user: string };
  event: HttpEvent;
}

export interface HttpHandlerOptions {
  /**
   * Lets a request with a token in, or throws (RateLimitedError: 429 with
   * Retry-After). Runs before anything else the route does.
   */
  admit(identity: Identity): Promise<void>;
}

export type RouteImplementation<S extends RouteSpec> = (request: ParsedRequest<S>) => Promise<HttpResult>;
export type RouteImplementations<G extends Record<string, RouteSpec>> = {
  [K in keyof G]: RouteImplementation<G[K]>;
};

/**
 * The Lambda handler of one function: a table of the function's routes keyed by
 * `event.routeKey`, wrapped in middy with the Powertools logger context and the
 * error mapping. Every route of `group` must be implemented (checked by the type).
 * Before a route runs: the caller's identity, the rate limit (`options.admit`),
 * then the route's permission (403 `permission_denied`); public routes skip all three.
 */
export function createHttpHandler<G extends Record<string, RouteSpec>>(
  style: ErrorStyle,
  group: G,
  implementations: RouteImplementations<G>,
  options: HttpHandlerOptions,
) {
  const table = new Map<string, (event: HttpEvent) => Promise<HttpResult>>();
  for (const name of Object.keys(group) as (keyof G & string)[]) {
    const spec = group[name]!;
    const implementation = implementations[name];
    table.set(routeKey(spec), async (event) => {
      let identity: Identity | null = null;
      if (spec.permission !== 'public') {
        identity = readIdentity(event);
        logger.appendKeys({ workspace: identity.workspace, user: identity.user });
        await options.admit(identity);
        requirePermission(identity.role, spec.permission);
      }
      return implementation(parseRequest(spec, event, style, identity) as ParsedRequest<G[typeof name]>);
    });
  }

  return middy<HttpEvent, APIGatewayProxyStructuredResultV2, Error, Context>()
    // Never log events: they carry the Authorization header.
    .use(injectLambdaContext(logger, { resetKeys: true, logEvent: false }))
    .use({
      onError: (request) => {
        request.response = toLambdaResult(errorResult(request.error, style));
      },
    })
    .handler(async (event) => {
      const route = table.get(event.routeKey);
      // API Gateway only forwards the routes the stack declares, so this is a wiring mistake.
      if (!route) throw new Error(`no route ${event.routeKey} in this function`);
      return toLambdaResult(await route(event));
    });
}

function parseRequest(spec: RouteSpec, event: HttpEvent, style: ErrorStyle, identity: Identity | null) {
  return {
    params: spec.params ? parsePathParameters(spec.params, event.pathParameters ?? {}, style) : undefined,
    query: spec.query ? parseOrThrow(spec.query, event.queryStringParameters ?? {}, 'query') : undefined,
    headers: spec.headers ? parseOrThrow(spec.headers, event.headers, 'headers') : undefined,
    body: spec.body ? parseOrThrow(spec.body, readJsonBody(event), 'body') : undefined,
    identity,
    actor: identity && { workspace: identity.workspace, user: identity.user },
    event,
  };
}

function readIdentity(event: HttpEvent): Identity {
  const parsed = identitySchema.safeParse(event.requestContext.authorizer?.lambda);
  // Only reachable if a route were deployed without the authorizer.
  if (!parsed.success) throw new UnauthorizedError('unauthorized', 'Missing or invalid API token');
  return parsed.data;
}

/**
 * An empty body reads as `{}` so that missing fields are reported by name.
 * Text that is not valid Unicode and `__proto__` keys are refused wherever they
 * are (shared/domain/text.ts), before any schema sees the body.
 */
function readJsonBody(event: HttpEvent): unknown {
  if (!event.body) return {};
  const text = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new ValidationError('body', 'Request body is not valid JSON', 'invalid_json');
  }
  const malformed = findMalformedText(body);
  if (malformed) throw new ValidationError(malformed.path || 'body', malformed.message);
  return body;
}

function parseOrThrow<T extends z.ZodType>(schema: T, input: unknown, whole: 'query' | 'headers' | 'body'): z.output<T> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  throw validationErrorOf(parsed.error, whole);
}

/**
 * The first issue names the field (dotted path, `tickets.3` for an array item);
 * an issue with the whole body or query (not an object, say) names `whole`.
 */
function validationErrorOf(error: z.ZodError, whole: string): ValidationError {
  const issue = error.issues[0];
  const field = issue && issue.path.length > 0 ? issue.path.map(String).join('.') : whole;
  return new ValidationError(field, issue?.message ?? 'Invalid request');
}

/**
 * Path ids name resources, so an id that is not a uuid names nothing: 404
 * `<param>_not_found`, the same answer as for a well-formed id that does not exist.
 */
function parsePathParameters(schema: z.ZodObject, input: Record<string, string | undefined>, style: ErrorStyle) {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const param = String(parsed.error.issues[0]?.path[0] ?? 'resource');
  if (style !== 'rapidpro-v2') throw new NotFoundError(`${param}_not_found`, `No ${param} with this id`);
  throw validationErrorOf(parsed.error, param);
}
