// Vite plugin: puts the HTTP API's reference into the inbox build — docs/openapi.json and the
// Swagger UI files (swagger-ui-dist) under /api-docs/, beside the page web/public/api-docs.html —
// so the reference deploys with the inbox and the local stack serves it from the same build.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Plugin } from 'vite';

const PROJECT_ROOT = path.resolve(import.meta.dirname, '..');
export const OPENAPI_FILE = path.join(PROJECT_ROOT, 'docs/openapi.json');
const SWAGGER_UI_FILES = ['swagger-ui-bundle.js', 'swagger-ui.css'];

export function apiDocs(): Plugin {
  return {
    name: 'ticketer-api-docs',
    apply: 'build',
    generateBundle() {
      const swaggerUi = path.dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
      this.emitFile({ type: 'asset', fileName: 'api-docs/openapi.json', source: readFileSync(OPENAPI_FILE) });
      for (const file of SWAGGER_UI_FILES) {
        this.emitFile({ type: 'asset', fileName: `api-docs/${file}`, source: readFileSync(path.join(swaggerUi, file)) });
      }
    },
  };
}
