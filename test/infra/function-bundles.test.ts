// What a function's bundle holds, bundled as a deployment bundles it
// (TICKETER_BUNDLING): only the SDK clients its wiring reaches, and none of
// zod's locales (zod is imported as a namespace, which esbuild tree-shakes).
// A module that wires more than its function uses, or `import { z } from 'zod'`,
// fails here (docs/architecture.md, "Wiring").
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bundledFiles, bundleEntry, sdkClientsOf } from '../../bench/cold-start';

const dir = mkdtempSync(path.join(os.tmpdir(), 'ticketer-function-bundles-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const bundle = (entry: string) => bundleEntry(entry, path.join(dir, path.basename(entry, '.ts'), 'index.mjs'));

describe('a function bundle', () => {
  it.each([
    ['functions/http-topics.ts', ['dynamodb']],
    ['functions/http-contacts.ts', ['dynamodb']],
    ['functions/http-rapidpro-v2.ts', ['dynamodb']],
    ['functions/http-triggers.ts', ['dynamodb']],
    ['functions/http-authorizer.ts', ['dynamodb']],
    ['functions/live-authorizer.ts', ['dynamodb']],
    ['functions/ticket-command.ts', ['dynamodb']],
    // Uploads and presigned reads of attachments.
    ['functions/http-tickets.ts', ['dynamodb', 's3']],
    // Invitations are mailed.
    ['functions/http-access.ts', ['dynamodb', 'sesv2']],
    // Sprints invoke TicketCommand, mail and set timers.
    ['functions/flow-engine.ts', ['dynamodb', 'lambda', 'scheduler', 'sesv2']],
    ['functions/flow-timers.ts', ['dynamodb', 'lambda', 'scheduler', 'sesv2']],
    // Sprints, and listed messages' attachments as presigned reads.
    ['functions/http-flows.ts', ['dynamodb', 'lambda', 's3', 'scheduler', 'sesv2']],
    // Sprints, the channel secrets' key, and files contacts send copied into the bucket.
    ['functions/http-channels.ts', ['dynamodb', 'lambda', 's3', 'scheduler', 'secrets-manager', 'sesv2']],
    // Starts the closed-ticket flow on FlowEngine.
    ['functions/closed-ticket-consumer.ts', ['dynamodb', 'lambda']],
    // Sends through channels (their secrets), presigns attachments, backs off on the queue.
    ['functions/delivery-consumer.ts', ['dynamodb', 's3', 'secrets-manager', 'sqs']],
    ['functions/ticket-events-consumer.ts', ['dynamodb', 'sqs']],
    // Posts to WebSocket connections; events carry presigned attachments.
    ['functions/live-connections.ts', ['apigatewaymanagementapi', 'dynamodb', 's3']],
    ['functions/live-updates-consumer.ts', ['apigatewaymanagementapi', 'dynamodb', 's3']],
    // Publishes stream records as they came: it never reads the table.
    ['functions/stream-fan-out.ts', ['sns']],
  ])('%s holds the SDK clients %j and no others', async (entry, clients) => {
    expect(sdkClientsOf(await bundle(entry))).toEqual(clients);
  }, 60_000);

  it('leaves out zod locales, the use cases the function never runs and other resources\' schemas', async () => {
    const files = bundledFiles(await bundle('functions/http-topics.ts'));
    expect(files.some((file) => file.includes('node_modules/zod/'))).toBe(true);
    expect(files.filter((file) => file.includes('zod/v4/locales/') && !file.endsWith('/en.js'))).toEqual([]);
    expect(files.filter((file) => /shared\/use-cases\/(flows|channels|conversations|invitations|live)\.ts$/.test(file))).toEqual([]);
    // Top-level zod schemas cannot be tree-shaken: a schema module in the bundle is built at every cold start.
    expect(files.filter((file) => /shared\/http\/[\w-]+-schemas\.ts$/.test(file))).toEqual(['shared/http/topic-schemas.ts']);
  }, 60_000);

  it("builds none of the ticket or RapidPro v2 resource schemas in HttpFlows, which serves neither (only v2's envelopes)", async () => {
    const files = bundledFiles(await bundle('functions/http-flows.ts'));
    expect(files).toContain('shared/http/flow-schemas.ts');
    expect(files).toContain('shared/http/rapidpro-v2-envelopes.ts');
    expect(files.filter((file) => /shared\/http\/(ticket|rapidpro-v2|conversation)-schemas\.ts$/.test(file))).toEqual([]);
  }, 60_000);
});
