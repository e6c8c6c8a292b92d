// Every function's log lines carry the service name and the Lambda context,
// the queue consumers and the Invoke functions too (they are wrapped in
// observed(); the HTTP functions get it from middy's injectLambdaContext).
import type { Context, SQSEvent } from 'aws-lambda';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { lambdaContext } from '../../integration/http/support';

let lines: Record<string, unknown>[] = [];
beforeEach(() => {
  lines = [];
  // Under POWERTOOLS_DEV (vitest.config.ts) the logger writes through console, one JSON document a call.
  for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    vi.spyOn(console, method).mockImplementation((text: unknown) => {
      const parsed: unknown = typeof text === 'string' && text.trimStart().startsWith('{') ? JSON.parse(text) : null;
      if (parsed && typeof parsed === 'object' && 'level' in parsed) lines.push(parsed as Record<string, unknown>);
    });
  }
});
afterEach(() => vi.restoreAllMocks());

/** The helper's context, with a request id the assertions can name. */
const context = (functionName: string): Context => ({ ...lambdaContext(functionName), awsRequestId: `request-of-${functionName}` });

describe('log lines of the functions outside middy', () => {
  beforeAll(() => {
    process.env.TABLE_NAME ??= 'unused-by-these-tests';
  });

  it('a queue consumer (TicketEventsConsumer) logs a malformed record with the service and its invocation', async () => {
    const { handler } = await import('../../../functions/ticket-events-consumer');
    const event = { Records: [{ messageId: 'm1', body: 'not json', attributes: { MessageGroupId: 'g' } }] } as unknown as SQSEvent;
    const answer = await handler(event, context('TicketerStateless-TicketEventsConsumer'));
    expect(answer).toEqual({ batchItemFailures: [{ itemIdentifier: 'm1' }] });
    const [line] = lines.filter((logged) => logged.level === 'ERROR');
    expect(line).toMatchObject({
      service: 'ticketer',
      function_name: 'TicketerStateless-TicketEventsConsumer',
      function_request_id: 'request-of-TicketerStateless-TicketEventsConsumer',
      messageId: 'm1',
    });
    expect(line).toHaveProperty('cold_start');
  });

  it('an Invoke function (FlowTimers) logs a refused event with the service and its invocation', async () => {
    const { handler } = await import('../../../functions/flow-timers');
    const answer = await handler({ command: 'fire_timer', timer: { kind: 'never' } }, context('TicketerStateless-FlowTimers'));
    expect(answer).toMatchObject({ error: { code: 'invalid_request' } });
    expect(lines.find((logged) => logged.message === 'Invalid flow timer')).toMatchObject({
      service: 'ticketer',
      function_name: 'TicketerStateless-FlowTimers',
      function_request_id: 'request-of-TicketerStateless-FlowTimers',
    });
  });
});
