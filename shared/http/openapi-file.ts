import { buildOpenApiDocument } from './openapi';

/** The exact text of docs/openapi.json (stable key order, trailing newline). */
export function renderOpenApiJson(): string {
  return `${JSON.stringify(buildOpenApiDocument(), null, 2)}\n`;
}
