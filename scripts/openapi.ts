// Writes docs/openapi.json from the route descriptions in shared/http (npm run openapi).
// test/unit/http/openapi.test.ts fails when the committed file is stale.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderOpenApiJson } from '#http/openapi-file';

const target = fileURLToPath(new URL('../docs/openapi.json', import.meta.url));
writeFileSync(target, renderOpenApiJson());
console.log(`wrote ${target}`);
