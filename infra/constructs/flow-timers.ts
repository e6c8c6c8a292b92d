// Flow timers (docs/flow-engine-service.md, "Timers"): wait timeouts and
// session expirations as EventBridge Scheduler one-time schedules, created at
// run time by the functions that run sprints and invoking the FlowTimers
// function when they are due.
//
// FlowTimerStore (stateful stack): the schedule group that holds pending
// timers (deleting a group deletes its schedules, so it is retained) and the
// dead-letter queue for timers that could not be delivered or kept failing.
// FlowTimers (stateless stack): the FlowTimers function, the role Scheduler
// invokes it as, and allowScheduling() for each function that runs sprints;
// added to the stack itself (not nested), so they are named like the other
// functions (`FlowTimers…`) in the template.
import { ArnFormat, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Effect, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { ScheduleGroup, type IScheduleGroup } from 'aws-cdk-lib/aws-scheduler';
import { Queue, type IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { TicketerFunction } from './ticketer-function';

export class FlowTimerStore extends Construct {
  readonly scheduleGroup: ScheduleGroup;
  readonly deadLetterQueue: Queue;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.scheduleGroup = new ScheduleGroup(this, 'FlowTimerGroup', { removalPolicy: RemovalPolicy.RETAIN });
    this.deadLetterQueue = new Queue(this, 'FlowTimersDeadLetterQueue', { retentionPeriod: Duration.days(14), enforceSSL: true });
  }
}

export interface FlowTimersProps {
  readonly table: ITable;
  readonly scheduleGroup: IScheduleGroup;
  readonly deadLetterQueue: IQueue;
  readonly timeout: Duration;
  readonly environment?: Record<string, string>;
}

/** Invocations Lambda retries after FlowTimers fails (its async retries), before the dead-letter queue. */
export const FLOW_TIMERS_ASYNC_RETRIES = 2;

export class FlowTimers {
  readonly function: TicketerFunction;
  /** What EventBridge Scheduler assumes to invoke FlowTimers and to park a timer in the dead-letter queue. */
  readonly schedulerRole: Role;
  private readonly functionArn: string;

  constructor(
    private readonly scope: Construct,
    private readonly props: FlowTimersProps,
  ) {
    const stack = Stack.of(scope);
    // Named from the stack, so its ARN is known without referring to the function: FlowTimers itself sets
    // timers (a timeout may lead to another wait), and a function cannot refer to its own ARN.
    const functionName = `${stack.stackName}-FlowTimers`;
    this.functionArn = stack.formatArn({ service: 'lambda', resource: 'function', resourceName: functionName, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
    this.schedulerRole = new Role(scope, 'FlowTimersSchedulerRole', {
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceAccount': stack.account } } }),
      description: 'EventBridge Scheduler invokes FlowTimers for flow timers',
    });
    this.schedulerRole.addToPolicy(new PolicyStatement({ effect: Effect.ALLOW, actions: ['lambda:InvokeFunction'], resources: [this.functionArn] }));
    props.deadLetterQueue.grantSendMessages(this.schedulerRole);

    this.function = new TicketerFunction(scope, 'FlowTimers', {
      entry: 'functions/flow-timers.ts',
      description: 'Fires flow timers (wait timeouts, session expirations) that EventBridge Scheduler invokes',
      functionName,
      table: props.table,
      timeout: props.timeout,
      ...(props.environment ? { environment: props.environment } : {}),
    });
    // Scheduler invokes asynchronously: a failing timer is retried by Lambda, then parked with the undeliverable ones.
    this.function.configureAsyncInvoke({ retryAttempts: FLOW_TIMERS_ASYNC_RETRIES, onFailure: new SqsDestination(props.deadLetterQueue) });
    this.allowScheduling(this.function);
  }

  /** Lets a function that runs sprints set and clear timers in the group, as schedules that invoke FlowTimers. */
  allowScheduling(fn: TicketerFunction): void {
    const { props } = this;
    fn.addEnvironment('FLOW_TIMERS_SCHEDULE_GROUP', props.scheduleGroup.scheduleGroupName);
    fn.addEnvironment('FLOW_TIMERS_FUNCTION_ARN', this.functionArn);
    fn.addEnvironment('FLOW_TIMERS_ROLE_ARN', this.schedulerRole.roleArn);
    fn.addEnvironment('FLOW_TIMERS_DEAD_LETTER_QUEUE_ARN', props.deadLetterQueue.queueArn);
    const stack = Stack.of(this.scope);
    fn.addToRolePolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ['scheduler:CreateSchedule', 'scheduler:DeleteSchedule'],
        resources: [`arn:${stack.partition}:scheduler:${stack.region}:${stack.account}:schedule/${props.scheduleGroup.scheduleGroupName}/*`],
      }),
    );
    fn.addToRolePolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ['iam:PassRole'],
        resources: [this.schedulerRole.roleArn],
        conditions: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
      }),
    );
  }
}
