// The API's OpenAPI document, generated from the same route descriptions the
// functions validate with (scripts/openapi.ts writes it to docs/openapi.json).
import { OpenAPIRegistry, OpenApiGeneratorV31, type RouteConfig } from '@asteasolutions/zod-to-openapi';
import type { RouteResponse, RouteSpec } from './route-spec';
import { allRoutes } from './routes/index';

/** Every route is behind the authorizer; API Gateway itself answers this one. */
const unauthorized: RouteResponse = {
  description: 'Missing, malformed or unknown token; the body is API Gateway\'s `{"message": "Unauthorized"}`',
};

export function buildOpenApiDocument() {
  const registry = new OpenAPIRegistry();
  const tokenAuth = registry.registerComponent('securitySchemes', 'TokenAuth', {
    type: 'apiKey',
    in: 'header',
    name: 'Authorization',
    description: '`Authorization: Token <key>` (RapidPro style). Missing or unknown keys get 401.',
  });

  for (const spec of allRoutes()) {
    const route: RouteConfig = {
      method: spec.method,
      path: spec.path,
      summary: spec.summary,
      tags: spec.tags,
      security: [{ [tokenAuth.name]: [] }],
      request: {
        ...(spec.params ? { params: spec.params } : {}),
        ...(spec.query ? { query: spec.query } : {}),
        ...(spec.headers ? { headers: spec.headers } : {}),
        ...(spec.body ? { body: { required: true, content: { 'application/json': { schema: spec.body } } } } : {}),
      },
      responses: Object.fromEntries(
        Object.entries({ ...spec.responses, 401: unauthorized }).map(([status, response]) => [
          status,
          {
            description: response.description,
            ...(response.schema ? { content: { 'application/json': { schema: response.schema } } } : {}),
          },
        ]),
      ),
    };
    if (spec.description) route.description = spec.description;
    registry.registerPath(route);
  }

  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'Ticketer HTTP API',
      version: '1',
      description:
        'The resource API (`/folders`, `/tickets`, `/topics`, `/contacts`) and the RapidPro-compatible API v2 (`/api/v2/…`). See docs/api.md.',
    },
  });
}
