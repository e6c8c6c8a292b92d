// A route is described once: its method, path and zod schemas. The same
// description validates requests at run time (handler.ts) and becomes the
// OpenAPI document (openapi.ts), so the two cannot disagree.
import type { z } from 'zod';
import type { Permission } from '#domain/permissions';

export interface RouteResponse {
  description: string;
  schema?: z.ZodType;
}

export interface RouteSpec {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** API Gateway and OpenAPI spelling, e.g. `/tickets/{ticket}/close`. */
  path: string;
  /**
   * What the caller's role must be allowed (shared/domain/permissions.ts),
   * checked by the handler pipeline before the route runs; `public`: no token
   * (signing in, accepting an invitation), and the CDK stack attaches no
   * authorizer to the route.
   */
  permission: Permission | 'public';
  summary: string;
  description?: string;
  tags: string[];
  params?: z.ZodObject;
  query?: z.ZodObject;
  /** Request headers the route reads, lowercase names (API Gateway lowercases them). */
  headers?: z.ZodObject;
  body?: z.ZodType;
  responses: Record<number, RouteResponse>;
}

/** Keeps the literal types of a route description (the schemas' inferred types flow into handlers). */
export function defineRoute<const S extends RouteSpec>(spec: S): S {
  return spec;
}

/** The API Gateway route key of a route, e.g. `POST /tickets/{ticket}/close`. */
export function routeKey(spec: Pick<RouteSpec, 'method' | 'path'>): string {
  return `${spec.method.toUpperCase()} ${spec.path}`;
}
