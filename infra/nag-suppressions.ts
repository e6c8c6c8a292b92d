// Every cdk-nag (AwsSolutionsChecks) finding Ticketer accepts, with the reason,
// in one place (docs/deploy.md, "Security checks (cdk-nag)", lists them).
// A finding that can be fixed is fixed in the stack instead; what is left here
// is either required by the service (IAM accepts only "*" for an action), data
// only known at run time (object keys, schedule names, connection ids), or CDK's
// own deployment machinery.
//
// cdk-nag v3 reads acknowledgments from construct metadata (CDK's
// `Validations.of(construct).acknowledge`): one per rule, and per finding for
// rules that report several (`AwsSolutions-IAM5[Resource::…]`, as printed in
// the report); an acknowledgment on a construct covers everything below it.
import { Stack, Validations, type App, type CfnElement } from 'aws-cdk-lib';
import { CfnRoute } from 'aws-cdk-lib/aws-apigatewayv2';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { TicketerFunction } from './constructs/ticketer-function';
import type { TicketerStacks } from './stacks/ticketer';
import { PUBLIC_HTTP_ROUTES } from './stacks/stateless-stack';

export interface NagSuppression {
  /** The rule, or one finding of it: `AwsSolutions-IAM5[Resource::…]`. */
  readonly id: string;
  readonly reason: string;
}

function acknowledge(scope: IConstruct, ...suppressions: NagSuppression[]): void {
  for (const suppression of suppressions) Validations.of(scope).acknowledge(suppression);
}

/** How cdk-nag prints a reference to a resource in a finding: `<LogicalId>` (Ref) or `<LogicalId.Arn>` (an attribute). */
function referenceTo(resource: IConstruct, attribute?: string): string {
  const element = (resource.node.defaultChild ?? resource) as CfnElement;
  const stack = Stack.of(element);
  const logicalId = stack.resolve(stack.getLogicalId(element)) as string;
  return attribute ? `<${logicalId}.${attribute}>` : `<${logicalId}>`;
}

/** How cdk-nag prints a value another stack exports: the export's name (CDK's, the one the automatic cross-stack reference uses). */
function exportNameOf(stack: Stack, value: string): string {
  const imported = stack.resolve(stack.exportValue(value)) as { 'Fn::ImportValue': string };
  return imported['Fn::ImportValue'];
}

const PARTITION_REGION_ACCOUNT = '<AWS::Partition>:{service}:<AWS::Region>:<AWS::AccountId>';
const arnPrefix = (service: string) => `arn:${PARTITION_REGION_ACCOUNT.replace('{service}', service)}`;

/**
 * Public HTTP routes (`permission: 'public'`): why each has no authorizer. A new public
 * route without an entry here fails the synthesis, so its reason is written down first.
 */
const PUBLIC_ROUTE_REASONS: readonly [RegExp, string][] = [
  [
    /^POST \/sign-in$|^(GET|POST) \/invitations\/accept$/,
    'People without a token yet sign in or accept an invitation here: the handler checks the password (repeated failures are locked out) or the 64-character invitation secret (docs/access.md).',
  ],
  [
    /^(GET|POST) \/c\/(ex|tg)\/\{channel\}\//,
    "Channel gateways (external, Telegram) call these callbacks without Ticketer credentials: the channel's unguessable uuid in the path (and, for Telegram, the webhook secret header) authenticates them, rate limited per channel (docs/channels.md).",
  ],
];

/**
 * Runs cdk-nag's AWS Solutions checks when `app` is synthesized (an unacknowledged error stops the
 * synthesis; warnings are reported), with Ticketer's acknowledgments. Called once every stack and
 * construct exists (infra/app.ts, test/infra/nag.test.ts). Returns the checks, to list findings.
 */
export function addNagChecks(app: App, stacks: TicketerStacks): AwsSolutionsChecks {
  acknowledgeNagFindings(stacks);
  const checks = new AwsSolutionsChecks(app);
  Validations.of(app).addPlugins(checks);
  return checks;
}

/** Whether a function is traced by X-Ray (Tracing.ACTIVE). */
function isTraced(fn: TicketerFunction): boolean {
  const cfn = fn.node.defaultChild as CfnFunction;
  const tracing = Stack.of(fn).resolve(cfn.tracingConfig) as { mode?: string } | undefined;
  return tracing?.mode === 'Active';
}

export function acknowledgeNagFindings({ stateful, stateless, web }: TicketerStacks): void {
  const functions = [stateless, stateful, web].flatMap((stack) => stack.node.findAll().filter((c): c is TicketerFunction => c instanceof TicketerFunction));
  const tableExport = exportNameOf(stateful, stateful.table.tableArn);
  const attachmentsExport = exportNameOf(stateful, stateful.attachmentsBucket.bucketArn);

  // ── Functions ────────────────────────────────────────────────────────────
  for (const fn of functions) {
    acknowledge(fn, {
      id: 'AwsSolutions-L1',
      reason:
        'Pinned to nodejs22.x on purpose: the Node the project is developed, tested and run locally on (package.json engines, the esbuild target node22, the local stack); moved together with them, not alone.',
    });
    acknowledge(fn.role!, {
      id: `AwsSolutions-IAM5[Resource::${tableExport}/index/*]`,
      reason: "Queries on the table's global secondary indexes (gsi1…gsi5): the grant names them as table/index/*, indexes of the one Ticketer table only.",
    });
  }

  // X-Ray (Tracing.ACTIVE): CDK grants xray:PutTraceSegments and xray:PutTelemetryRecords, which take no
  // resource. This acknowledgment is per role and not per action, so test/infra/nag.test.ts checks that
  // X-Ray's are the only statements on '*' of any function role.
  for (const fn of functions.filter(isTraced)) {
    acknowledge(fn.role!, {
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: "X-Ray tracing: xray:PutTraceSegments and xray:PutTelemetryRecords take no resource, IAM accepts only '*' for them (no other statement of the role is on '*').",
    });
  }

  // Presigned attachment URLs carry the signer's permission on keys chosen at run time (one per upload).
  for (const fn of [stateless.node.findChild('HttpTickets'), stateless.node.findChild('HttpFlows'), stateless.node.findChild('HttpChannels'), stateless.deliveryConsumer, stateless.live.consumer]) {
    acknowledge((fn as TicketerFunction).role!, {
      id: `AwsSolutions-IAM5[Resource::${attachmentsExport}/*]`,
      reason: "Attachments are objects whose keys are made at upload time; the permission covers the attachments bucket's objects only (s3:GetObject / s3:PutObject, no list or delete).",
    });
  }

  // Mail: the sender's identity may be verified as the address or as its domain.
  for (const fn of [stateless.node.findChild('HttpAccess'), stateless.node.findChild('HttpFlows'), stateless.node.findChild('HttpChannels'), stateless.flowEngine, stateless.flowTimers.function]) {
    acknowledge((fn as TicketerFunction).role!, {
      id: `AwsSolutions-IAM5[Resource::${arnPrefix('ses')}:identity/*]`,
      reason: 'ses:SendEmail on any identity of the account, but only as the configured sender (condition ses:FromAddress), whichever of its address or domain is the verified identity.',
    });
  }

  // grantInvoke names the function and its versions/aliases (`arn:*`).
  const ticketCommandVersions = `AwsSolutions-IAM5[Resource::${referenceTo(stateless.ticketCommand, 'Arn')}:*]`;
  for (const fn of [stateless.flowEngine, stateless.node.findChild('HttpFlows'), stateless.node.findChild('HttpChannels'), stateless.flowTimers.function]) {
    acknowledge((fn as TicketerFunction).role!, { id: ticketCommandVersions, reason: "Invokes TicketCommand only: the ':*' covers that function's versions and aliases (CDK's grantInvoke)." });
  }
  acknowledge(stateless.closedTicketConsumer.role!, {
    id: `AwsSolutions-IAM5[Resource::${referenceTo(stateless.flowEngine, 'Arn')}:*]`,
    reason: "Invokes FlowEngine only: the ':*' covers that function's versions and aliases (CDK's grantInvoke).",
  });

  // Flow timers are one-time schedules named at run time (one per waiting session), in Ticketer's group only.
  const schedules = `AwsSolutions-IAM5[Resource::${arnPrefix('scheduler')}:schedule/${stateful.flowTimerStore.scheduleGroup.scheduleGroupName}/*]`;
  for (const fn of [stateless.flowEngine, stateless.node.findChild('HttpFlows'), stateless.node.findChild('HttpChannels'), stateless.flowTimers.function]) {
    acknowledge((fn as TicketerFunction).role!, { id: schedules, reason: "Flow timers are schedules named at run time, one per waiting session: create/delete within Ticketer's flow-timer schedule group only." });
  }

  // Live updates post to WebSocket connections whose ids exist only at run time.
  for (const fn of [stateless.live.connectionsFunction, stateless.live.consumer]) {
    acknowledge(fn.role!, {
      id: `AwsSolutions-IAM5[Resource::${arnPrefix('execute-api')}:${referenceTo(stateless.live.api)}/*/*/@connections/*]`,
      reason: "Posts to WebSocket connections, whose ids exist only at run time: execute-api:ManageConnections on the live-updates API's @connections only (CDK's grantManageConnections).",
    });
  }

  // API Gateway's account-level CloudWatch role (the observability work's Operations construct, which
  // WebSocket stage logging needs): AWS's documented managed policy for exactly that role.
  const apiGatewayLogsRole = stateless.node.tryFindChild('Operations')?.node.tryFindChild('ApiGatewayCloudWatchRole');
  if (apiGatewayLogsRole) {
    acknowledge(apiGatewayLogsRole, {
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
      reason: "API Gateway's one account-wide role for writing stage logs: AmazonAPIGatewayPushToCloudWatchLogs is the policy AWS documents for it, and API Gateway names the log groups itself.",
    });
  }

  // ── The stream pipe ──────────────────────────────────────────────────────
  acknowledge(stateless.node.findChild('StreamFanOutPipe').node.findChild('Role'), {
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason: "dynamodb:ListStreams, which the pipe needs to read the table's stream, takes no resource: IAM accepts only '*' for it (every other statement names its resource).",
  });

  // ── Queues that are dead-letter queues ───────────────────────────────────
  // cdk-nag recognizes a DLQ only as another queue's RedrivePolicy target.
  acknowledge(stateful.pipeDeadLetterQueue, {
    id: 'AwsSolutions-SQS3',
    reason: "It is a dead-letter queue: the stream pipe's (deadLetterConfig), a standard queue because a pipe's DLQ for a stream source must be one.",
  });
  acknowledge(stateful.flowTimerStore.deadLetterQueue, {
    id: 'AwsSolutions-SQS3',
    reason: "It is a dead-letter queue: EventBridge Scheduler's for undeliverable flow timers and the FlowTimers function's async on-failure destination.",
  });

  // ── Secrets and buckets ──────────────────────────────────────────────────
  acknowledge(stateful.channelSecretsKey, {
    id: 'AwsSolutions-SMG4',
    reason: 'The key seals channel secrets stored in the table: rotating it means re-sealing every stored secret, which no rotation function does yet; it never leaves Secrets Manager and the functions that read it.',
  });
  acknowledge(stateful.accessLogsBucket, { id: 'AwsSolutions-S1', reason: "It is the access-log bucket (the attachments bucket's server access logs); logging it would log into itself." });
  acknowledge(web.webApp.logsBucket, { id: 'AwsSolutions-S1', reason: "It is the log bucket (CloudFront's access logs); logging it would log into itself." });
  acknowledge(web.webApp.bucket, {
    id: 'AwsSolutions-S1',
    reason: "The inbox's built files, read only by CloudFront (origin access control), whose access logs record every request; written only by CDK deployments.",
  });

  // ── The inbox distribution ───────────────────────────────────────────────
  const distribution = web.webApp.distribution;
  acknowledge(distribution, { id: 'AwsSolutions-CFR1', reason: 'Agents and contacts may be anywhere: no country is refused.' });
  acknowledge(distribution, {
    id: 'AwsSolutions-CFR2',
    reason: 'No WAF by default (a web ACL has a monthly cost and must live in us-east-1): the API limits requests per workspace and locks out repeated sign-in failures itself; a deployer can attach a web ACL.',
  });
  acknowledge(distribution, {
    id: 'AwsSolutions-CFR4',
    reason: 'Served on the default *.cloudfront.net certificate, with which CloudFront fixes the minimum TLS version itself; a minimum of TLSv1.2_2021 needs a custom domain and ACM certificate, a deployer choice.',
  });

  // ── Routes without an authorizer ─────────────────────────────────────────
  for (const child of stateless.api.node.children) {
    const route = child.node.defaultChild;
    if (!(route instanceof CfnRoute) || !PUBLIC_HTTP_ROUTES.includes(route.routeKey)) continue;
    const reason = PUBLIC_ROUTE_REASONS.find(([pattern]) => pattern.test(route.routeKey))?.[1];
    if (!reason) throw new Error(`public route ${route.routeKey} has no reason in infra/nag-suppressions.ts (PUBLIC_ROUTE_REASONS)`);
    acknowledge(child, { id: 'AwsSolutions-APIG4', reason });
  }
  for (const child of stateless.live.api.node.children) {
    const route = child.node.defaultChild;
    if (!(route instanceof CfnRoute) || route.routeKey === '$connect') continue;
    acknowledge(child, {
      id: 'AwsSolutions-APIG4',
      reason: "API Gateway authorizes a WebSocket connection once, at $connect (the live authorizer); this route only runs on a connection so authorized.",
    });
  }

  // ── CDK's BucketDeployment provider (uploads the inbox's files) ─────────
  // A singleton function of aws-cdk-lib, not Ticketer code: its runtime, role and policy are CDK's;
  // it runs only during deployments.
  const deployment = web.node.children.find((child) => child.node.id.startsWith('Custom::CDKBucketDeployment'));
  if (deployment) {
    const reason = "CDK's BucketDeployment provider (aws-cdk-lib), which copies the inbox's files at deployment time: its runtime, managed policy and grants are CDK's, not Ticketer's.";
    for (const id of [
      'AwsSolutions-L1',
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      'AwsSolutions-IAM5[Resource::*]',
      'AwsSolutions-IAM5[Action::s3:GetObject*]',
      'AwsSolutions-IAM5[Action::s3:GetBucket*]',
      'AwsSolutions-IAM5[Action::s3:List*]',
      'AwsSolutions-IAM5[Action::s3:DeleteObject*]',
      'AwsSolutions-IAM5[Action::s3:Abort*]',
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-<AWS::Region>/*]',
      `AwsSolutions-IAM5[Resource::${referenceTo(web.webApp.bucket, 'Arn')}/*]`,
    ]) {
      acknowledge(deployment, { id, reason });
    }
  }
}
