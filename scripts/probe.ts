// Probes a running local stack from outside with malformed input: HTTP
// requests to every route of the route table (arbitrary JSON, strings and
// keys shaped by the route's schemas, malformed percent-encoding, missing or
// wrong tokens) through the local API's real sockets, and Invoke payloads for
// every command of TicketCommand and FlowEngine through the local Lambda API.
// Counts 5xx answers, function errors and stack traces or file paths in any
// answer: all must be 0.
//
//   npx tsx scripts/probe.ts [--http 1500] [--invokes 300] [--seed 1]
//
// Starts its own local stack (in memory, after `cdk synth`); test/e2e/probe.test.ts
// runs a smaller pass of the same probe in `npm test`.
import { randomUUID } from 'node:crypto';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import fc from 'fast-check';
import { routeKey, type RouteSpec } from '#http/route-spec';
import { allRoutes } from '#http/routes/index';
import { isWellFormedText } from '#domain/text';
import type { LocalStack } from '../infra/local/stack';
import { arbitraryFor, nastyJson, nastyString } from '../test/support/schema-walk';

/** A stack trace or a file path of ours in an answer. */
export const LEAK = /\n\s+at |\/functions\/|\/shared\/|\/infra\/|node_modules|\.[cm]?[jt]s:\d+/;

/** Path segments that are not valid percent-encoding, or otherwise odd. */
const ODD_SEGMENTS = ['%zz', '%', '%E0%A4%A', '%00', '..', '%2F', '%C0%AF', '%F0%9F%92%AC'];

export interface ProbeReport {
  http: { requests: number; byStatus: Record<string, number>; fiveXx: number; leaks: number; failures: string[] };
  invokes: { payloads: number; functionErrors: number; leaks: number; failures: string[] };
}

export async function probeStack(stack: LocalStack, options: { http: number; invokes: number; seed?: number }): Promise<ProbeReport> {
  const seed = options.seed ?? 1;
  const workspace = stack.workspace?.uuid ?? randomUUID();
  const report: ProbeReport = {
    http: { requests: 0, byStatus: {}, fiveXx: 0, leaks: 0, failures: [] },
    invokes: { payloads: 0, functionErrors: 0, leaks: 0, failures: [] },
  };

  // ---- HTTP: the same number of requests for every route
  const routes = settingsLast(allRoutes());
  const perRoute = Math.ceil(options.http / routes.length);
  const ids = [workspace, randomUUID()];
  for (const [index, spec] of routes.entries()) {
    const requests = fc.sample(requestFor(spec, ids), { numRuns: perRoute, seed: seed + index });
    // A few at a time: the probe is about answers, not load.
    for (let start = 0; start < requests.length; start += 8) {
      await Promise.all(requests.slice(start, start + 8).map((request) => send(stack, spec, request, report)));
    }
  }

  // ---- Invokes: TicketCommand's and FlowEngine's commands
  const lambda = new LambdaClient({ endpoint: stack.lambdaEndpoint, region: stack.region, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  const { ticketCommandSchema, flowEngineCommandSchema } = await import('#http/invoke-schemas');
  const targets = [
    { name: stack.functions.TicketCommand!, schema: ticketCommandSchema },
    { name: stack.functions.FlowEngine!, schema: flowEngineCommandSchema },
  ];
  for (const [index, target] of targets.entries()) {
    const payload = fc.oneof(
      { weight: 6, arbitrary: arbitraryFor(target.schema, ids).map((value) => (value && typeof value === 'object' && !Array.isArray(value) ? { ...value, workspace } : value)) },
      { weight: 1, arbitrary: nastyJson() },
    );
    const payloads = fc.sample(payload, { numRuns: Math.ceil(options.invokes / targets.length), seed: seed + 1000 + index });
    for (let start = 0; start < payloads.length; start += 8) {
      await Promise.all(
        payloads.slice(start, start + 8).map(async (event) => {
          report.invokes.payloads++;
          const response = await lambda.send(new InvokeCommand({ FunctionName: target.name, InvocationType: 'RequestResponse', Payload: JSON.stringify(event ?? null) }));
          const text = Buffer.from(response.Payload ?? []).toString('utf8');
          const sample = `${target.name} ${JSON.stringify(event)?.slice(0, 200)} → ${text.slice(0, 300)}`;
          if (response.FunctionError) {
            report.invokes.functionErrors++;
            report.invokes.failures.push(`function error: ${sample}`);
          }
          if (LEAK.test(text)) {
            report.invokes.leaks++;
            report.invokes.failures.push(`leak: ${sample}`);
          }
        }),
      );
    }
  }
  return report;
}

/**
 * The routes in the order the probe calls them: those that change the
 * workspace's own settings last, since arbitrary settings may lower its API
 * rate limit and every request after that would only meet the 429.
 */
export function settingsLast<T extends Pick<RouteSpec, 'method' | 'path'>>(routes: T[]): T[] {
  const changesSettings = (spec: T) => spec.path === '/workspace' && spec.method !== 'get';
  return [...routes.filter((spec) => !changesSettings(spec)), ...routes.filter(changesSettings)];
}

interface ProbeRequest {
  params: Record<string, string>;
  rawSegments: boolean;
  query: Record<string, string>;
  token: 'valid' | 'none' | 'wrong';
  contentType: string;
  body: string | undefined;
}

function requestFor(spec: RouteSpec, ids: string[]): fc.Arbitrary<ProbeRequest> {
  const names = [...spec.path.matchAll(/\{(\w+)\+?\}/g)].map((match) => match[1]!);
  const param = fc.oneof(fc.constantFrom(...ids), fc.uuid(), fc.constantFrom(...ODD_SEGMENTS), nastyString().filter((text) => text.length > 0 && isWellFormedText(text)));
  const query = fc
    .oneof(spec.query ? arbitraryFor(spec.query, ids) : fc.constant({}), fc.dictionary(fc.string({ maxLength: 8 }), nastyString(), { maxKeys: 3 }))
    .map((value) =>
      value && typeof value === 'object' && !Array.isArray(value)
        ? Object.fromEntries(Object.entries(value).filter(([, item]) => item !== undefined).map(([key, item]) => [key, typeof item === 'string' ? item : JSON.stringify(item)]))
        : {},
    );
  const body = fc.oneof(
    { weight: 5, arbitrary: (spec.body ? arbitraryFor(spec.body, ids) : nastyJson()).map((value) => (value === undefined ? undefined : JSON.stringify(value))) },
    { weight: 2, arbitrary: nastyJson().map((value) => JSON.stringify(value)) },
    { weight: 1, arbitrary: fc.oneof(fc.constant('{"note": '), fc.constant('\u0000\u0001'), fc.string({ maxLength: 40 })) },
    { weight: 1, arbitrary: fc.constant(undefined) },
  );
  return fc.record({
    params: fc.record(Object.fromEntries(names.map((name) => [name, param]))) as fc.Arbitrary<Record<string, string>>,
    rawSegments: fc.boolean(),
    query,
    token: fc.constantFrom('valid' as const, 'valid' as const, 'valid' as const, 'none' as const, 'wrong' as const),
    contentType: fc.constantFrom('application/json', 'application/json', 'text/plain', 'application/x-www-form-urlencoded', 'application/octet-stream'),
    body,
  });
}

async function send(stack: LocalStack, spec: RouteSpec, request: ProbeRequest, report: ProbeReport): Promise<void> {
  const path = spec.path.replace(/\{(\w+)\+?\}/g, (_, name: string) => {
    const value = request.params[name] ?? '';
    // Odd segments go as they are (malformed percent-encoding included); others encoded as a client would.
    return ODD_SEGMENTS.includes(value) && request.rawSegments ? value : encodeURIComponent(value);
  });
  const search = new URLSearchParams(request.query).toString();
  const headers: Record<string, string> = { 'content-type': request.contentType };
  if (request.token === 'valid' && stack.token) headers.authorization = `Token ${stack.token}`;
  if (request.token === 'wrong') headers.authorization = 'Token 0123456789abcdef0123456789abcdef';
  const method = spec.method.toUpperCase();
  const withBody = !['GET', 'DELETE'].includes(method) && request.body !== undefined;
  const label = `${routeKey(spec)} ${path}${search ? `?${search.slice(0, 80)}` : ''}`;
  report.http.requests++;
  let status: number;
  let text: string;
  try {
    const response = await fetch(`${stack.apiUrl}${path}${search ? `?${search}` : ''}`, { method, headers, ...(withBody ? { body: request.body } : {}) });
    status = response.status;
    text = await response.text();
  } catch (error) {
    report.http.fiveXx++;
    report.http.failures.push(`no answer: ${label}: ${(error as Error).message}`);
    return;
  }
  report.http.byStatus[status] = (report.http.byStatus[status] ?? 0) + 1;
  if (status >= 500) {
    report.http.fiveXx++;
    report.http.failures.push(`${status}: ${label} ${request.body?.slice(0, 200) ?? ''} → ${text.slice(0, 200)}`);
  }
  if (LEAK.test(text)) {
    report.http.leaks++;
    report.http.failures.push(`leak: ${label} → ${text.slice(0, 300)}`);
  }
}

// ---- run from the command line
if (import.meta.url === `file://${process.argv[1]}`) {
  const argument = (name: string, fallback: number) => {
    const index = process.argv.indexOf(`--${name}`);
    return index > 0 ? Number(process.argv[index + 1]) : fallback;
  };
  process.removeAllListeners('warning');
  const { startLocalStack } = await import('../infra/local/stack');
  const started = Date.now();
  const stack = await startLocalStack({ ports: 0, log: (line) => console.error(`▸ ${line}`) });
  try {
    const report = await probeStack(stack, { http: argument('http', 1500), invokes: argument('invokes', 300), seed: argument('seed', 1) });
    console.log(JSON.stringify({ ...report, seconds: Math.round((Date.now() - started) / 1000) }, null, 2));
    const bad = report.http.fiveXx + report.http.leaks + report.invokes.functionErrors + report.invokes.leaks;
    process.exitCode = bad ? 1 : 0;
  } finally {
    await stack.stop();
  }
}
