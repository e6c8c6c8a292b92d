// FlowTimers: what a flow timer's EventBridge Scheduler schedule invokes
// (asynchronously) when a wait times out or a session expires
// (docs/flow-engine-service.md, "Timers"). A timer whose wait is over answers
// `fired: false` and changes nothing; an infrastructure failure throws, so
// Lambda retries the invocation and then parks it in the dead-letter queue.
import { logger } from '#adapters/observability/logger';
import { observed } from '#adapters/observability/handler';
import type { Context } from 'aws-lambda';
import { DomainError } from '#domain/errors';
import { describeIssues, flowTimerEventSchema } from '#http/invoke-schemas';
import type { FlowUseCases } from '#use-cases/flows';
import { wireFlowTimers } from '#wiring/flow-timers';

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

// Wired on the first timer (the wiring reads the environment; tests build the handler over their own use cases).
export const handler = observed(createFlowTimersHandler(async () => wireFlowTimers()));
