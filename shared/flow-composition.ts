// The flow engine service wired to DynamoDB, the TicketCommand function and
// the mail port, created once per Lambda container (functions/flow-engine.ts
// and functions/http-flows.ts). Endpoints come only from the SDK's standard
// AWS_ENDPOINT_URL_* variables.
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { createFlowRepository } from '#adapters/dynamodb/flow-repository';
import { createDynamoDbRepositories } from '#adapters/dynamodb/index';
import { createTableClient } from '#adapters/dynamodb/table-client';
import { createTriggerRepository } from '#adapters/dynamodb/trigger-repository';
import { createTicketCommandClient } from '#adapters/lambda/ticket-command-client';
import { createFlowTimerScheduler } from '#adapters/scheduler/flow-timer-scheduler';
import { createSesMailSender } from '#adapters/ses/mail-sender';
import { attachmentStore, documentClient } from '#composition';
import { createUseCases, type UseCases } from '#use-cases/index';
import { config, requiredSetting } from '#config';
import { createTriggerUseCases } from '#use-cases/closed-ticket-triggers';
import { createFlowUseCases, type FlowUseCases } from '#use-cases/flows';
import { traced } from '#adapters/observability/tracer';

const ticketCommandFunction = requiredSetting(config, 'TICKET_COMMAND_FUNCTION_NAME', 'the name of the TicketCommand function the open_ticket action invokes');

const repos = createDynamoDbRepositories({ client: documentClient, tableName: config.TABLE_NAME });
const flowRepository = createFlowRepository(createTableClient({ client: documentClient, tableName: config.TABLE_NAME }));

/** Flow timers, when the function is given the schedule group (every function that runs sprints is). */
const timers = config.FLOW_TIMERS_SCHEDULE_GROUP
  ? createFlowTimerScheduler({
      client: traced(new SchedulerClient({})),
      groupName: config.FLOW_TIMERS_SCHEDULE_GROUP,
      targetArn: requiredSetting(config, 'FLOW_TIMERS_FUNCTION_ARN', 'the FlowTimers function the timers invoke'),
      roleArn: requiredSetting(config, 'FLOW_TIMERS_ROLE_ARN', 'the role EventBridge Scheduler invokes FlowTimers as'),
      deadLetterQueueArn: requiredSetting(config, 'FLOW_TIMERS_DEAD_LETTER_QUEUE_ARN', "the timers' dead-letter queue"),
    })
  : undefined;

const triggerStore = createTriggerRepository({ client: documentClient, tableName: config.TABLE_NAME });

export const flowUseCases: FlowUseCases = createFlowUseCases({
  repos,
  flows: flowRepository,
  ticketCommand: createTicketCommandClient({ client: traced(new LambdaClient({})), functionName: ticketCommandFunction }),
  // send_email: one mail per recipient, from the configured sender.
  mail: createSesMailSender({ client: traced(new SESv2Client({})), from: config.MAIL_FROM }),
  // Imports store the closed-ticket triggers of an export (docs/triggers.md).
  triggers: createTriggerUseCases({ triggers: triggerStore, flows: flowRepository, workspaces: repos.workspaces }),
  // Channel messages start keyword and catch-all triggers.
  triggerStore,
  // Waits with a timeout or an expiration get their timers.
  ...(timers ? { timers } : {}),
  // Listed messages answer attachments of the bucket as presigned GETs.
  ...(attachmentStore ? { attachments: attachmentStore } : {}),
});

/**
 * Every use case with channel messages routed through the flow engine
 * (receiveFromChannel, registerChannelContact, stopChannelContact): for the
 * functions that receive from channels (they also need TICKET_COMMAND_FUNCTION_NAME).
 */
export const inboundUseCases: UseCases = createUseCases({
  ...repos,
  mail: createSesMailSender({ client: traced(new SESv2Client({})), from: config.MAIL_FROM }),
  inbound: flowUseCases,
});
