// FlowTimers' handler over given use cases: the timer parsed against its
// schema (shared/http/invoke-schemas.ts), the flow use case that fires it, and
// the answer — `fired` and the session, or `{"error": {"code", "message"}}`
// for a timer that retrying would not mend; any other failure throws.
import { logger } from '#adapters/observability/logger';
import type { Context } from 'aws-lambda';
import { DomainError } from '#domain/errors';
import { describeIssues, flowTimerEventSchema } from '#http/invoke-schemas';
import type { FlowUseCases } from '#use-cases/flows';

export function createFlowTimersHandler(useCases: () => Promise<Pick<FlowUseCases, 'fireTimer'>>) {
  return async (event: unknown, context?: Context) => {
    const parsed = flowTimerEventSchema.safeParse(event);
    if (!parsed.success) {
      // Not a timer of ours: retrying would not make it one.
      logger.error('Invalid flow timer', { issues: describeIssues(parsed.error) });
      return { error: { code: 'invalid_request', message: describeIssues(parsed.error) } };
    }
    const { timer } = parsed.data;
    logger.appendKeys({ workspace: timer.workspace, contact: timer.contact, session: timer.session, timer: timer.kind });
    try {
      const answer = await (await useCases()).fireTimer(timer);
      logger.info(answer.fired ? 'Flow timer fired' : 'Flow timer skipped: the session has left that wait', { at: timer.at });
      return { fired: answer.fired, session: answer.outcome?.session ?? null };
    } catch (error) {
      // A workspace that is gone: nothing to resume, and retrying would not change that.
      if (error instanceof DomainError) return { error: { code: error.code, message: error.message } };
      logger.error('Flow timer failed', error as Error);
      throw error;
    } finally {
      logger.removeKeys(['workspace', 'contact', 'session', 'timer']);
    }
  };
}
