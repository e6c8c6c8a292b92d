// FlowEngine: the flow use cases (import, start, inbound messages, timers)
// over DynamoDB, the TicketCommand function (open_ticket), SES (send_email)
// and EventBridge Scheduler (wait timers). FlowTimers, HttpFlows and
// HttpChannels run sprints too, so they are wired with this. Only HttpFlows
// lists a contact's messages, so only it adds the attachments bucket (their
// presigned reads): the S3 client stays out of the other bundles.
import { createTicketCommandClient } from '#adapters/lambda/ticket-command-client';
import { createFlowTimerScheduler } from '#adapters/scheduler/flow-timer-scheduler';
import { config, requiredSetting } from '#config';
import { createFlowUseCases, type FlowUseCases } from '#use-cases/flows';
import { mailSender, repositories } from './adapters';
import { lambdaClient, schedulerClient } from './aws-clients';
import { once } from './once';
import { flowRepository, triggerStore, triggerUseCases } from './triggers';

/** Flow timers, when the function is given the schedule group (every function that runs sprints is). */
function flowTimers() {
  const groupName = config.FLOW_TIMERS_SCHEDULE_GROUP;
  if (!groupName) return {};
  return {
    timers: createFlowTimerScheduler({
      client: schedulerClient(),
      groupName,
      targetArn: requiredSetting(config, 'FLOW_TIMERS_FUNCTION_ARN', 'the FlowTimers function the timers invoke'),
      roleArn: requiredSetting(config, 'FLOW_TIMERS_ROLE_ARN', 'the role EventBridge Scheduler invokes FlowTimers as'),
      deadLetterQueueArn: requiredSetting(config, 'FLOW_TIMERS_DEAD_LETTER_QUEUE_ARN', "the timers' dead-letter queue"),
    }),
  };
}

/** What the flow use cases run sprints over, in every function that runs them. */
export function flowEngineDependencies(): Parameters<typeof createFlowUseCases>[0] {
  return {
    repos: repositories(),
    flows: flowRepository(),
    ticketCommand: createTicketCommandClient({
      client: lambdaClient(),
      functionName: requiredSetting(config, 'TICKET_COMMAND_FUNCTION_NAME', 'the name of the TicketCommand function the open_ticket action invokes'),
    }),
    // send_email: one mail per recipient, from the configured sender.
    mail: mailSender(),
    // Imports store the closed-ticket triggers of an export (docs/triggers.md).
    triggers: triggerUseCases(),
    // Channel messages start keyword and catch-all triggers.
    triggerStore: triggerStore(),
    // Waits with a timeout or an expiration get their timers.
    ...flowTimers(),
  };
}

export const wireFlowEngine = once((): FlowUseCases => createFlowUseCases(flowEngineDependencies()));
