// The API's OpenAPI document, generated from the same route descriptions the
// functions validate with (scripts/openapi.ts writes it to docs/openapi.json).
import { OpenAPIRegistry, OpenApiGeneratorV31, type RouteConfig } from '@asteasolutions/zod-to-openapi';
import { rolesWith } from '#domain/permissions';
import { v2DetailErrorSchema } from './rapidpro-v2-envelopes';
import type { RouteResponse, RouteSpec } from './route-spec';
import { allRoutes } from './routes/index';
import { errorSchema } from './schemas';

/** Every route but the public ones is behind the authorizer; API Gateway itself answers this one. */
const unauthorized: RouteResponse = {
  description: 'Missing, malformed, unknown, revoked or expired token; the body is API Gateway\'s `{"message": "Unauthorized"}`',
};

/** The answers every route behind the authorizer may give besides its own (a route's own description wins). */
function guardedResponses(spec: RouteSpec, roles: string[]): Record<number, RouteResponse> {
  const schema = spec.path.startsWith('/api/v2/') ? v2DetailErrorSchema : errorSchema;
  return {
    401: unauthorized,
    403: { description: `\`permission_denied\`: only ${roles.join(', ')} may call this`, schema },
    429: { description: 'The workspace\'s API rate limit is reached (`Retry-After` says when to retry)', schema },
  };
}

export function buildOpenApiDocument() {
  const registry = new OpenAPIRegistry();
  const tokenAuth = registry.registerComponent('securitySchemes', 'TokenAuth', {
    type: 'apiKey',
    in: 'header',
    name: 'Authorization',
    description: '`Authorization: Token <key>` (RapidPro style). Missing or unknown keys get 401.',
  });

  for (const spec of allRoutes()) {
    const roles = spec.permission === 'public' ? [] : rolesWith(spec.permission);
    const responses = spec.permission === 'public' ? spec.responses : { ...guardedResponses(spec, roles), ...spec.responses };
    const route: RouteConfig = {
      method: spec.method,
      path: spec.path,
      summary: spec.summary,
      tags: spec.tags,
      security: spec.permission === 'public' ? [] : [{ [tokenAuth.name]: [] }],
      request: {
        ...(spec.params ? { params: spec.params } : {}),
        ...(spec.query ? { query: spec.query } : {}),
        ...(spec.headers ? { headers: spec.headers } : {}),
        ...(spec.body ? { body: { required: true, content: { 'application/json': { schema: spec.body } } } } : {}),
      },
      responses: Object.fromEntries(
        Object.entries(responses).map(([status, response]) => [
          status,
          {
            description: response.description,
            ...(response.schema ? { content: { 'application/json': { schema: response.schema } } } : {}),
          },
        ]),
      ),
    };
    const access = spec.permission === 'public' ? 'Public: no token.' : `Roles: ${roles.join(', ')}.`;
    route.description = spec.description ? `${spec.description}\n\n${access}` : access;
    registry.registerPath(route);
  }

  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'Ticketer HTTP API',
      version: '1',
      description:
        'The resource API (`/folders`, `/tickets`, `/topics`, `/contacts`, people and access: `/sign-in`, `/invitations`, `/members`, `/tokens`, `/workspace`) and the RapidPro-compatible API v2 (`/api/v2/…`). See docs/api.md and docs/access.md.',
    },
  });
}
