// Ticketer's two stacks, wired together: the stateless stack receives the
// table and queues of the stateful one. Used by the CDK app and by the tests.
import type { App } from 'aws-cdk-lib';
import { StatefulStack } from './stateful-stack';
import { StatelessStack } from './stateless-stack';
import { WebStack } from './web-stack';

/** infra/local reads cdk.out by these names. */
export const STATEFUL_STACK_NAME = 'TicketerStateful';
export const STATELESS_STACK_NAME = 'TicketerStateless';
export const WEB_STACK_NAME = 'TicketerWeb';

export interface TicketerStacks {
  stateful: StatefulStack;
  stateless: StatelessStack;
  web: WebStack;
}

/** Environment-agnostic stacks: the account and region come from the deploying credentials. */
export function addTicketerStacks(app: App): TicketerStacks {
  const stateful = new StatefulStack(app, STATEFUL_STACK_NAME, {
    description: 'Ticketer data: the single table, the stream fan-out topic and queues, attachments, the channel-secrets key',
  });
  const stateless = new StatelessStack(app, STATELESS_STACK_NAME, {
    description: 'Ticketer code: functions, HTTP API, stream pipe, queue consumers',
    table: stateful.table,
    fanOutTopic: stateful.fanOutTopic,
    pipeDeadLetterQueue: stateful.pipeDeadLetterQueue,
    ticketEventsQueue: stateful.ticketEventsQueue,
    closedTicketsQueue: stateful.closedTicketsQueue,
    deliveriesQueue: stateful.deliveriesQueue,
    deliveriesDeadLetterQueue: stateful.deliveriesDeadLetterQueue,
    attachmentsBucket: stateful.attachmentsBucket,
    channelSecretsKey: stateful.channelSecretsKey,
    liveUpdatesQueue: stateful.liveUpdatesQueue,
    flowTimerStore: stateful.flowTimerStore,
  });
  const web = new WebStack(app, WEB_STACK_NAME, { description: 'Ticketer agent inbox: S3 + CloudFront, with the HTTP API on the same origin', api: stateless.api, liveApi: stateless.live.api });
  return { stateful, stateless, web };
}
