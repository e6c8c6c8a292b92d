// Vite plugin: puts the HTTP API's reference into the inbox build — docs/openapi.json and the
// Swagger UI files (swagger-ui-dist) under /api-docs/, beside the page web/public/api-docs.html —
// so the reference deploys with the inbox and the local stack serves it from the same build.
// `npm run dev:web` serves the same files from where they are.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Plugin } from 'vite';

const PROJECT_ROOT = path.resolve(import.meta.dirname, '..');

/** The build's /api-docs/<name> → the file it is. */
function apiDocsFiles(): Record<string, { file: string; type: string }> {
  const swaggerUi = path.dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
  return {
    'openapi.json': { file: path.join(PROJECT_ROOT, 'docs/openapi.json'), type: 'application/json' },
    'swagger-ui-bundle.js': { file: path.join(swaggerUi, 'swagger-ui-bundle.js'), type: 'text/javascript' },
    'swagger-ui.css': { file: path.join(swaggerUi, 'swagger-ui.css'), type: 'text/css' },
  };
}

export function apiDocs(): Plugin {
  return {
    name: 'ticketer-api-docs',
    generateBundle() {
      for (const [name, { file }] of Object.entries(apiDocsFiles())) {
        this.emitFile({ type: 'asset', fileName: `api-docs/${name}`, source: readFileSync(file) });
      }
    },
    configureServer(server) {
      const files = apiDocsFiles();
      server.middlewares.use('/api-docs', (request, response, next) => {
        const served = files[(request.url ?? '').replace(/^\//, '').split('?')[0]!];
        if (!served) return next();
        response.setHeader('content-type', served.type);
        response.end(readFileSync(served.file));
      });
    },
  };
}
