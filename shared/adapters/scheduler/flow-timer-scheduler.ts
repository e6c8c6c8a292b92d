// Flow timers as EventBridge Scheduler one-time schedules: one schedule per
// timer, named after it (flow-timers.ts timerName) in the flow timers'
// schedule group, `at(…)` the wait's instant in UTC, invoking the FlowTimers
// function with the timer as its input, deleted by Scheduler once it has run
// (ActionAfterCompletion DELETE), and parked in the dead-letter queue when
// Scheduler cannot deliver it. docs/flow-engine-service.md, "Timers".
import { ConflictException, CreateScheduleCommand, DeleteScheduleCommand, ResourceNotFoundException, type SchedulerClient } from '@aws-sdk/client-scheduler';
import type { FlowTimer, FlowTimerScheduler } from '#use-cases/flow-ports';
import { timerName } from '#use-cases/flow-timers';

export interface FlowTimerSchedulerOptions {
  client: SchedulerClient;
  /** The schedule group holding the timers. */
  groupName: string;
  /** The FlowTimers function's ARN, and the role Scheduler assumes to invoke it. */
  targetArn: string;
  roleArn: string;
  /** Where Scheduler parks a timer it could not deliver. */
  deadLetterQueueArn: string;
}

/** Delivery attempts Scheduler makes (a throttled or unreachable target) before the dead-letter queue, and for how long. */
export const TIMER_RETRY_ATTEMPTS = 10;
export const TIMER_MAX_EVENT_AGE_SECONDS = 3600;

/** What the FlowTimers function receives. */
export function timerInput(timer: FlowTimer): { command: 'fire_timer'; timer: FlowTimer } {
  return { command: 'fire_timer', timer };
}

/**
 * Scheduler's one-time expression, `at(yyyy-mm-ddThh:mm:ss)` in UTC: whole
 * seconds, rounded up so that a timer never fires before its instant (the
 * flow's `timeout_on` has microseconds), and at least a second from `now` (a
 * slow sprint may end after a very short timeout's instant).
 */
export function atExpression(instant: string, now = Date.now()): string {
  const parsed = Date.parse(instant);
  if (Number.isNaN(parsed)) throw new Error(`not an instant: ${instant}`);
  // Date.parse keeps milliseconds: microseconds beyond them count as one more millisecond.
  const ms = /\.\d{3}\d*[1-9]\d*(Z|[+-])/.test(instant) ? parsed + 1 : parsed;
  const seconds = new Date(Math.ceil(Math.max(ms, now + 1000) / 1000) * 1000).toISOString().slice(0, 19);
  return `at(${seconds})`;
}

export function createFlowTimerScheduler(options: FlowTimerSchedulerOptions): FlowTimerScheduler {
  const { client, groupName } = options;
  return {
    async schedule(timer) {
      try {
        await client.send(
          new CreateScheduleCommand({
            Name: timerName(timer),
            GroupName: groupName,
            ScheduleExpression: atExpression(timer.at),
            ScheduleExpressionTimezone: 'UTC',
            FlexibleTimeWindow: { Mode: 'OFF' },
            ActionAfterCompletion: 'DELETE',
            Target: {
              Arn: options.targetArn,
              RoleArn: options.roleArn,
              Input: JSON.stringify(timerInput(timer)),
              DeadLetterConfig: { Arn: options.deadLetterQueueArn },
              RetryPolicy: { MaximumRetryAttempts: TIMER_RETRY_ATTEMPTS, MaximumEventAgeInSeconds: TIMER_MAX_EVENT_AGE_SECONDS },
            },
          }),
        );
      } catch (error) {
        // The name is the timer: a schedule of that name is this timer, set by an earlier attempt.
        if (error instanceof ConflictException) return;
        throw error;
      }
    },
    async cancel(timer) {
      try {
        await client.send(new DeleteScheduleCommand({ Name: timerName(timer), GroupName: groupName }));
      } catch (error) {
        // Fired (and deleted after completion) or never set.
        if (error instanceof ResourceNotFoundException) return;
        throw error;
      }
    },
  };
}
