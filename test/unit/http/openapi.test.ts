import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderOpenApiJson } from '#http/openapi-file';
import { allRoutes, routesByFunction } from '#http/routes/index';
import { routeKey } from '#http/route-spec';

const repoFile = (path: string) => readFileSync(new URL(`../../../${path}`, import.meta.url), 'utf8');

/**
 * The route keys of the function catalog in docs/architecture.md, with its
 * shorthands expanded: `GET|POST /topics` and `/tickets/{ticket}/{assign,notes}`.
 */
function documentedRoutes(): Map<string, string[]> {
  const byFunction = new Map<string, string[]>();
  for (const line of repoFile('docs/architecture.md').split('\n')) {
    const row = /^\| `(Http\w+)` \| `[^`]+` \| (.*) \|$/.exec(line);
    if (!row || row[1] === 'HttpAuthorizer') continue;
    const keys = [...row[2]!.matchAll(/`([A-Z|]+) ([^`]+)`/g)].flatMap(([, methods, path]) =>
      methods!.split('|').flatMap((method) => expandAlternatives(path!).map((p) => `${method} ${p}`)),
    );
    byFunction.set(row[1]!, keys);
  }
  return byFunction;
}

function expandAlternatives(path: string): string[] {
  const match = /\{([^}]*,[^}]*)\}/.exec(path);
  if (!match) return [path];
  return match[1]!.split(',').flatMap((choice) => expandAlternatives(path.replace(match[0], choice)));
}

describe('docs/openapi.json', () => {
  it('is what `npm run openapi` generates from the route schemas', () => {
    expect(repoFile('docs/openapi.json')).toBe(renderOpenApiJson());
  });

  it('lists every route of the function catalog in docs/architecture.md, served by that function', () => {
    const documented = documentedRoutes();
    expect([...documented.keys()].sort()).toEqual(Object.keys(routesByFunction).sort());
    for (const [functionId, keys] of documented) {
      const served = Object.values(routesByFunction[functionId as keyof typeof routesByFunction]).map(routeKey);
      expect(served.sort(), functionId).toEqual([...keys].sort());
    }
    const document = JSON.parse(repoFile('docs/openapi.json')) as { paths: Record<string, Record<string, unknown>> };
    const inDocument = Object.entries(document.paths).flatMap(([path, operations]) =>
      Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(inDocument.sort()).toEqual(allRoutes().map(routeKey).sort());
    expect(inDocument).toContain('POST /tickets/{ticket}/reopen');
  });

  it('has the same routes per function as the CDK stack declares', async () => {
    const { HTTP_ROUTES } = await import('../../../infra/stacks/stateless-stack');
    const declared = Object.fromEntries(
      Object.entries(HTTP_ROUTES).map(([functionId, routes]) => [functionId, routes.map(([method, path]) => `${method} ${path}`).sort()]),
    );
    const served = Object.fromEntries(
      Object.entries(routesByFunction).map(([functionId, group]) => [functionId, Object.values(group).map(routeKey).sort()]),
    );
    expect(served).toEqual(declared);
  });
});
