// The Invoke entry points' shared guard (shared/http/invoke-entry.ts): bad
// text is the command's own invalid_request; an unexpected failure is logged
// and leaves as a function error without a stack trace or a file path.
import { Logger } from '@aws-lambda-powertools/logger';
import { describe, expect, it, vi } from 'vitest';
import { COMMAND_FAILED, guardInvoke } from '#http/invoke-entry';

const logger = new Logger({ logLevel: 'SILENT' });
const refuse = (code: string, message: string): unknown => ({ error: { code, message } });

describe('guardInvoke', () => {
  it('answers text with a lone surrogate, anywhere, as invalid_request naming the place', async () => {
    const run = vi.fn(async (_event: unknown): Promise<unknown> => ({ ok: true }));
    const guarded = guardInvoke({ logger, what: 'The command', refuse }, run);
    expect(await guarded({ idempotency_key: 'k\ud800' })).toEqual({ error: { code: 'invalid_request', message: expect.stringContaining('idempotency_key') } });
    expect(await guarded(JSON.parse('{"contact": {"fields": {"__proto__": "x"}}}'))).toMatchObject({ error: { code: 'invalid_request' } });
    expect(run).not.toHaveBeenCalled();
    expect(await guarded({ name: 'Support 💬' })).toEqual({ ok: true });
  });

  it('turns an unexpected failure into a clean function error, logging the original', async () => {
    const log = vi.spyOn(logger, 'error');
    const guarded = guardInvoke({ logger, what: 'The command', refuse }, async (_event: unknown): Promise<unknown> => {
      throw new Error('ECONNREFUSED at /var/task/shared/adapters/dynamodb/table-client.ts:80');
    });
    const failure = await guarded({}, { awsRequestId: 'req-1' } as never).then(
      () => null,
      (error: Error) => error,
    );
    expect(failure).toBeInstanceOf(Error);
    expect(failure!.name).toBe(COMMAND_FAILED);
    expect(failure!.message).toContain('req-1');
    expect(failure!.message).not.toMatch(/ECONNREFUSED|\/var\/task|\.ts/);
    // What Lambda's Node runtime sends as `trace`.
    expect(failure!.stack).toBe('');
    expect(log).toHaveBeenCalledWith('The command failed', expect.objectContaining({ message: expect.stringContaining('ECONNREFUSED') }));
  });
});
