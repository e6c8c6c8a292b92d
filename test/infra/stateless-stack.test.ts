import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { isOwnLogGroupWriting, onlyResource, synthTicketer } from './synth';

let synth: ReturnType<typeof synthTicketer>;
beforeAll(() => {
  synth = synthTicketer();
});

type Resource = { Properties: Record<string, any> };
const resources = (type: string): [string, Resource][] =>
  Object.entries(synth.stateless.findResources(type)) as [string, Resource][];

/** The logical id of a function by its construct id (HttpTickets, TicketEventsConsumer, …). */
function functionId(constructId: string): string {
  const found = resources('AWS::Lambda::Function').filter(([id]) => new RegExp(`^${constructId}[0-9A-F]{8}$`).test(id));
  if (found.length !== 1) throw new Error(`no single function ${constructId}`);
  return found[0]![0];
}

/** The IAM statements of the role a resource runs as (but writing to its own log group, checked on its own). */
function statementsOfRole(roleId: string): any[] {
  return allStatementsOfRole(roleId).filter((statement) => !isOwnLogGroupWriting(statement));
}

function allStatementsOfRole(roleId: string): any[] {
  const inline = synth.stateless.toJSON().Resources[roleId].Properties.Policies ?? [];
  const attached = resources('AWS::IAM::Policy')
    .filter(([, policy]) => policy.Properties.Roles.some((role: any) => role.Ref === roleId))
    .map(([, policy]) => policy.Properties.PolicyDocument);
  return [...inline.map((policy: any) => policy.PolicyDocument), ...attached]
    .flatMap((document) => document.Statement)
    // Every function writes traces (Tracing.ACTIVE: test/infra/operations.test.ts); what a function may touch is the rest.
    .filter((statement: any) => ![statement.Action].flat().every((action: string) => action.startsWith('xray:')));
}

function roleOfFunction(constructId: string): string {
  return synth.stateless.toJSON().Resources[functionId(constructId)].Properties.Role['Fn::GetAtt'][0];
}

const actionsOf = (statement: any): string[] => [statement.Action].flat();
/** A value imported from the stateful stack, by a fragment of its export name. */
const importOf = (exportNameFragment: string) => ({ 'Fn::ImportValue': expect.stringMatching(`^TicketerStateful:.*${exportNameFragment}`) });

const FUNCTIONS = ['HttpAuthorizer', 'HttpTickets', 'HttpTopics', 'HttpContacts', 'HttpRapidProV2', 'HttpAccess', 'HttpFlows', 'TicketCommand', 'FlowEngine', 'TicketEventsConsumer', 'HttpTriggers', 'ClosedTicketConsumer', 'StreamFanOut', 'HttpChannels', 'DeliveryConsumer', 'FlowTimers', 'LiveAuthorizer', 'LiveConnections', 'LiveUpdatesConsumer'];

describe('the functions', () => {
  it('are the nineteen of the catalog in docs/architecture.md (live updates’ three under the Live construct)', () => {
    expect(resources('AWS::Lambda::Function')).toHaveLength(FUNCTIONS.length);
    for (const name of FUNCTIONS) expect(functionId(name)).toMatch(new RegExp(`^${name}`));
  });

  it.each(FUNCTIONS)('%s has a role of its own, which may write logs to its own log group only (no managed policy)', (name) => {
    const fn = synth.stateless.toJSON().Resources[functionId(name)];
    const roleId = roleOfFunction(name);
    expect(synth.stateless.toJSON().Resources[roleId].Properties.ManagedPolicyArns).toBeUndefined();
    const logs = allStatementsOfRole(roleId).filter((statement) => actionsOf(statement).some((action) => action.startsWith('logs:')));
    expect(logs).toEqual([{ Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: { 'Fn::GetAtt': [fn.Properties.LoggingConfig.LogGroup.Ref, 'Arn'] } }]);
    expect(logs.every(isOwnLogGroupWriting)).toBe(true);
    const users = resources('AWS::Lambda::Function').filter(([, other]) => other.Properties.Role?.['Fn::GetAtt']?.[0] === roleId);
    expect(users).toHaveLength(1);
  });

  it.each(FUNCTIONS)('%s runs on nodejs22.x, arm64, with the table, service name and source maps in its environment and its own log group', (name) => {
    const fn = synth.stateless.toJSON().Resources[functionId(name)];
    expect(fn.Properties).toMatchObject({
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      Environment: {
        Variables: {
          TABLE_NAME: importOf('Table'),
          POWERTOOLS_SERVICE_NAME: 'ticketer',
          NODE_OPTIONS: '--enable-source-maps',
        },
      },
    });
    expect(fn.Properties.Environment.Variables.TABLE_NAME['Fn::ImportValue']).toMatch(/^TicketerStateful:ExportsOutputRefTable/);
    const logGroupId = fn.Properties.LoggingConfig.LogGroup.Ref;
    const logGroup = synth.stateless.toJSON().Resources[logGroupId];
    expect(logGroup.Type).toBe('AWS::Logs::LogGroup');
    expect(logGroup.Properties.RetentionInDays).toBeGreaterThan(0);
    expect(fn.Properties.Timeout).toBeLessThanOrEqual(30);
    expect(fn.Properties.MemorySize).toBeGreaterThanOrEqual(256);
  });
});

function CHANNEL_GATEWAY_ROUTES(): string[] {
  const ex = ['receive', 'sent', 'delivered', 'failed', 'stopped'].flatMap((action) => [`GET /c/ex/{channel}/${action}`, `POST /c/ex/{channel}/${action}`]);
  return [...ex, 'POST /c/tg/{channel}/receive'];
}

const ROUTES: Record<string, string[]> = {
  HttpTickets: [
    'GET /folders',
    'GET /tickets',
    'POST /tickets',
    'GET /tickets/{ticket}',
    'POST /tickets/{ticket}/assign',
    'POST /tickets/{ticket}/notes',
    'POST /tickets/{ticket}/topic',
    'POST /tickets/{ticket}/close',
    'POST /tickets/{ticket}/reopen',
    'POST /tickets/{ticket}/messages',
    'GET /tickets/{ticket}/conversation',
    'POST /attachments',
  ],
  HttpTopics: ['GET /topics', 'POST /topics', 'PATCH /topics/{topic}'],
  HttpContacts: ['GET /contacts/{contact}', 'PUT /contacts/{contact}'],
  HttpRapidProV2: ['GET /api/v2/tickets.json', 'POST /api/v2/ticket_actions.json', 'GET /api/v2/topics.json', 'POST /api/v2/topics.json', 'GET /api/v2/users.json'],
  HttpAccess: [
    'POST /sign-in',
    'POST /sign-out',
    'GET /invitations/accept',
    'POST /invitations/accept',
    'GET /me',
    'GET /members',
    'PATCH /members/{user}',
    'DELETE /members/{user}',
    'GET /invitations',
    'POST /invitations',
    'DELETE /invitations/{invitation}',
    'GET /tokens',
    'POST /tokens',
    'DELETE /tokens/{token}',
    'GET /workspace',
    'PATCH /workspace',
  ],
  HttpFlows: [
    'GET /flows',
    'POST /flows',
    'POST /flows/{flow}/start',
    'GET /contacts/{contact}/messages',
    'POST /contacts/{contact}/messages',
    'GET /api/v2/messages.json',
    'POST /api/v2/messages.json',
  ],
  HttpTriggers: ['GET /triggers', 'POST /triggers', 'PUT /triggers/{trigger}', 'DELETE /triggers/{trigger}', 'GET /groups'],
  HttpChannels: [
    'GET /channels',
    'POST /channels',
    'GET /channels/{channel}',
    'PATCH /channels/{channel}',
    'DELETE /channels/{channel}',
    'GET /api/v2/channels.json',
    ...CHANNEL_GATEWAY_ROUTES(),
  ],
};
/** Where people without a token yet sign in or accept an invitation (the page and the acceptance), and where gateways and Telegram call in (docs/channels.md). */
const PUBLIC_ROUTES = ['POST /sign-in', 'GET /invitations/accept', 'POST /invitations/accept', ...CHANNEL_GATEWAY_ROUTES()];

describe('the HTTP API', () => {
  it('has a Lambda authorizer with simple responses, no identity source and no cache (token header or session cookie)', () => {
    const authorizer = onlyResource(synth.stateless, 'AWS::ApiGatewayV2::Authorizer', { AuthorizerPayloadFormatVersion: '2.0' });
    expect(authorizer.Properties).toMatchObject({
      AuthorizerType: 'REQUEST',
      AuthorizerPayloadFormatVersion: '2.0',
      EnableSimpleResponses: true,
      IdentitySource: [],
      AuthorizerResultTtlInSeconds: 0,
    });
    expect(JSON.stringify(authorizer.Properties.AuthorizerUri)).toContain(functionId('HttpAuthorizer'));
  });

  it('has exactly the routes of the catalog, each sent to its function with payload format 2.0 and behind the authorizer but the public ones', () => {
    const authorizerId = onlyResource(synth.stateless, 'AWS::ApiGatewayV2::Authorizer', { AuthorizerPayloadFormatVersion: '2.0' }).id;
    const integrations = Object.fromEntries(resources('AWS::ApiGatewayV2::Integration'));
    // The live-updates WebSocket API has routes of its own (test/infra/live-api.test.ts).
    const httpApiId = onlyResource(synth.stateless, 'AWS::ApiGatewayV2::Api', { ProtocolType: 'HTTP' }).id;
    const routes = resources('AWS::ApiGatewayV2::Route').map(([, route]) => route.Properties).filter((route) => route.ApiId.Ref === httpApiId);
    expect(routes.map((route) => route.RouteKey).sort()).toEqual(Object.values(ROUTES).flat().sort());
    for (const [fn, keys] of Object.entries(ROUTES)) {
      for (const key of keys) {
        const route = routes.find((candidate) => candidate.RouteKey === key)!;
        if (PUBLIC_ROUTES.includes(key)) {
          expect(route.AuthorizationType, key).toBe('NONE');
          expect(route.AuthorizerId, key).toBeUndefined();
        } else {
          expect(route.AuthorizationType, key).toBe('CUSTOM');
          expect(route.AuthorizerId, key).toEqual({ Ref: authorizerId });
        }
        const integrationId = route.Target['Fn::Join'][1][1].Ref;
        const integration = integrations[integrationId]!.Properties;
        expect(integration.IntegrationType).toBe('AWS_PROXY');
        expect(integration.PayloadFormatVersion).toBe('2.0');
        expect(integration.IntegrationUri['Fn::GetAtt'][0], key).toBe(functionId(fn));
      }
    }
  });

  it('outputs its URL and the ticket command function name', () => {
    const outputs = synth.stateless.findOutputs('*');
    expect(outputs.ApiUrl?.Value).toEqual({ 'Fn::GetAtt': [onlyResource(synth.stateless, 'AWS::ApiGatewayV2::Api', { ProtocolType: 'HTTP' }).id, 'ApiEndpoint'] });
    expect(outputs.TicketCommandFunctionName?.Value).toEqual({ Ref: functionId('TicketCommand') });
  });
});

describe('the ticket events consumer', () => {
  it('takes batches of 10 from the ticket events queue and reports failed items one by one', () => {
    const mapping = onlyResource(synth.stateless, 'AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::ImportValue': Match.stringLikeRegexp('TicketEventsQueue') },
    }).Properties;
    expect(mapping).toMatchObject({
      EventSourceArn: importOf('TicketEventsQueue'),
      FunctionName: { Ref: functionId('TicketEventsConsumer') },
      BatchSize: 10,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
  });

  it('may consume the queue and write only count and applied-event items of the table', () => {
    const statements = statementsOfRole(roleOfFunction('TicketEventsConsumer'));
    const tableStatements = statements.filter((statement) => actionsOf(statement).some((action) => action.startsWith('dynamodb:')));
    expect(tableStatements).toEqual([
      {
        Effect: 'Allow',
        Action: ['dynamodb:PutItem', 'dynamodb:UpdateItem'],
        Resource: importOf('TableCD117FA1Arn'),
        Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['WS#*#COUNTS', 'WS#*#APPLIED#*'] } },
      },
    ]);
    const queueStatement = statements.find((statement) => actionsOf(statement).includes('sqs:ReceiveMessage'));
    expect(queueStatement?.Resource).toEqual(importOf('TicketEventsQueue'));
    expect(actionsOf(queueStatement)).toEqual(expect.arrayContaining(['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility']));
    expect(statements.flatMap(actionsOf).some((action) => action === 'sqs:SendMessage')).toBe(false);
  });
});

describe('the other functions’ permissions', () => {
  it('the authorizer may only read the table', () => {
    const actions = statementsOfRole(roleOfFunction('HttpAuthorizer')).flatMap(actionsOf);
    expect(actions.length).toBeGreaterThan(0);
    expect([...actions].sort()).toEqual(['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:Query']);
  });

  it('HttpAccess may also send mail through SES, from the configured sender only', () => {
    const statements = statementsOfRole(roleOfFunction('HttpAccess'));
    const mail = statements.filter((statement) => actionsOf(statement).some((action) => action.startsWith('ses:')));
    expect(mail).toHaveLength(1);
    expect(actionsOf(mail[0])).toEqual(['ses:SendEmail']);
    expect(mail[0].Condition).toEqual({ StringEquals: { 'ses:FromAddress': 'no-reply@ticketer.invalid' } });
    const fn = synth.stateless.toJSON().Resources[functionId('HttpAccess')];
    expect(fn.Properties.Environment.Variables).toMatchObject({ MAIL_FROM: 'Ticketer <no-reply@ticketer.invalid>', API_RATE_LIMIT_PER_HOUR: '3600' });
    // Without context, invitation links lead to the API's own accept route (derived from the request, not from the template).
    expect(fn.Properties.Environment.Variables.INVITATION_ACCEPT_URL).toBeUndefined();
  });

  it.each(['HttpFlows', 'FlowEngine', 'FlowTimers'])('%s may use the table, invoke TicketCommand (named in its environment) and send mail as the sender, nothing else (but reading attachments, for HttpFlows; setting timers)', (name) => {
    const all = statementsOfRole(roleOfFunction(name)).filter(
      (statement) =>
        !actionsOf(statement).some((action) => action.startsWith('s3:') || action.startsWith('scheduler:') || action === 'iam:PassRole') &&
        // FlowTimers parks an invocation that keeps failing in the timers' dead-letter queue (its on-failure destination).
        !(name === 'FlowTimers' && JSON.stringify(statement.Resource).includes('FlowTimersDeadLetterQueue')),
    );
    // send_email: the same grant as HttpAccess, from the configured sender only.
    const mail = all.filter((statement) => actionsOf(statement).some((action) => action.startsWith('ses:')));
    expect(mail).toHaveLength(1);
    expect(actionsOf(mail[0])).toEqual(['ses:SendEmail']);
    expect(mail[0].Condition).toEqual({ StringEquals: { 'ses:FromAddress': 'no-reply@ticketer.invalid' } });
    const statements = all.filter((statement) => !mail.includes(statement));
    const invoke = statements.filter((statement) => actionsOf(statement).some((action) => action.startsWith('lambda:')));
    expect(invoke).toHaveLength(1);
    expect(actionsOf(invoke[0])).toEqual(['lambda:InvokeFunction']);
    expect(JSON.stringify(invoke[0].Resource)).toContain(functionId('TicketCommand'));
    expect(JSON.stringify(invoke[0].Resource)).not.toMatch(/"\*"/);
    const tableActions = statements.filter((statement) => !invoke.includes(statement)).flatMap(actionsOf);
    expect([...tableActions].sort()).toEqual([
      'dynamodb:BatchGetItem',
      'dynamodb:ConditionCheckItem',
      'dynamodb:DeleteItem',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:Query',
      'dynamodb:UpdateItem',
    ]);
    const fn = synth.stateless.toJSON().Resources[functionId(name)];
    expect(fn.Properties.Environment.Variables.TICKET_COMMAND_FUNCTION_NAME).toEqual({ Ref: functionId('TicketCommand') });
    expect(fn.Properties.Environment.Variables.MAIL_FROM).toBe('Ticketer <no-reply@ticketer.invalid>');
    // A sprint waits on TicketCommand: it must be allowed longer than TicketCommand itself.
    const ticketCommand = synth.stateless.toJSON().Resources[functionId('TicketCommand')];
    expect(fn.Properties.Timeout).toBeGreaterThan(ticketCommand.Properties.Timeout);
  });

  it.each(['HttpFlows', 'FlowEngine', 'HttpChannels', 'FlowTimers'])(
    '%s runs sprints, so it may set and clear flow timers in their schedule group only, passing only the scheduler role, and has them in its environment',
    (name) => {
      const statements = statementsOfRole(roleOfFunction(name));
      const scheduling = statements.filter((statement) => actionsOf(statement).some((action) => action.startsWith('scheduler:')));
      expect(scheduling).toHaveLength(1);
      expect(actionsOf(scheduling[0]).sort()).toEqual(['scheduler:CreateSchedule', 'scheduler:DeleteSchedule']);
      expect(JSON.stringify(scheduling[0].Resource)).toMatch(/:schedule\/TicketerStateful-FlowTimerStore-FlowTimerGroup-[0-9A-F]+\/\*"/);
      const passRole = statements.filter((statement) => actionsOf(statement).includes('iam:PassRole'));
      expect(passRole).toHaveLength(1);
      expect(passRole[0].Resource).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^FlowTimersSchedulerRole/), 'Arn'] });
      expect(passRole[0].Condition).toEqual({ StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } });
      const variables = synth.stateless.toJSON().Resources[functionId(name)].Properties.Environment.Variables;
      expect(variables).toMatchObject({
        FLOW_TIMERS_SCHEDULE_GROUP: expect.stringMatching(/^TicketerStateful-FlowTimerStore-FlowTimerGroup-/),
        FLOW_TIMERS_ROLE_ARN: { 'Fn::GetAtt': [expect.stringMatching(/^FlowTimersSchedulerRole/), 'Arn'] },
        FLOW_TIMERS_DEAD_LETTER_QUEUE_ARN: importOf('FlowTimersDeadLetterQueue'),
      });
      expect(JSON.stringify(variables.FLOW_TIMERS_FUNCTION_ARN)).toContain(':function:TicketerStateless-FlowTimers"');
    },
  );

  it('FlowTimers is what the timers invoke: named after the stack, invocable by the scheduler role only, failures retried then parked in the timers\' dead-letter queue', () => {
    const fn = synth.stateless.toJSON().Resources[functionId('FlowTimers')];
    expect(fn.Properties.FunctionName).toBe('TicketerStateless-FlowTimers');
    const [roleId, role] = resources('AWS::IAM::Role').find(([id]) => id.startsWith('FlowTimersSchedulerRole'))!;
    expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([
      expect.objectContaining({ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'scheduler.amazonaws.com' } }),
    ]);
    const statements = statementsOfRole(roleId);
    expect(statements.flatMap(actionsOf).sort()).toEqual(['lambda:InvokeFunction', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage']);
    const invoke = statements.find((statement) => actionsOf(statement).includes('lambda:InvokeFunction'));
    expect(JSON.stringify(invoke.Resource)).toContain(':function:TicketerStateless-FlowTimers"');
    const [, config] = resources('AWS::Lambda::EventInvokeConfig')[0]!;
    expect(config.Properties).toMatchObject({ FunctionName: { Ref: functionId('FlowTimers') }, MaximumRetryAttempts: 2, DestinationConfig: { OnFailure: { Destination: importOf('FlowTimersDeadLetterQueue') } } });
    const parking = statementsOfRole(roleOfFunction('FlowTimers')).filter((statement) => JSON.stringify(statement.Resource).includes('FlowTimersDeadLetterQueue'));
    expect(parking.flatMap(actionsOf)).toContain('sqs:SendMessage');
    expect(parking.flatMap(actionsOf).filter((action) => !action.startsWith('sqs:'))).toEqual([]);
  });

  it.each([
    ['HttpTickets', ['s3:GetObject', 's3:PutObject']],
    ['HttpFlows', ['s3:GetObject']],
    ['DeliveryConsumer', ['s3:GetObject']],
    ['HttpChannels', ['s3:PutObject']],
  ])('%s may %j the attachments bucket\'s objects (presigned uploads and reads, received Telegram files), nothing more of S3', (name, expected) => {
    const statements = statementsOfRole(roleOfFunction(name)).filter((statement) => actionsOf(statement).some((action) => action.startsWith('s3:')));
    expect(statements.flatMap(actionsOf).sort()).toEqual(expected);
    // Objects only (arn/*), not the bucket itself: no listing.
    for (const statement of statements) {
      expect([statement.Resource].flat()).toHaveLength(1);
      expect(JSON.stringify(statement.Resource)).toMatch(/AttachmentsBucket.*"\/\*"/);
    }
    const fn = synth.stateless.toJSON().Resources[functionId(name)];
    expect(fn.Properties.Environment.Variables.ATTACHMENTS_BUCKET_NAME).toEqual(importOf('AttachmentsBucket'));
  });

  it.each(['HttpTopics', 'HttpContacts', 'HttpRapidProV2', 'HttpAccess', 'FlowEngine', 'TicketCommand', 'TicketEventsConsumer', 'ClosedTicketConsumer', 'StreamFanOut'])('%s has no S3 permission', (name) => {
    expect(statementsOfRole(roleOfFunction(name)).flatMap(actionsOf).filter((action) => action.startsWith('s3:'))).toEqual([]);
  });

  it('HttpChannels runs sprints like HttpFlows and may read the channel-secrets key, nothing more of Secrets Manager', () => {
    const actions = statementsOfRole(roleOfFunction('HttpChannels')).flatMap(actionsOf);
    expect(actions).toEqual(expect.arrayContaining(['lambda:InvokeFunction', 'secretsmanager:GetSecretValue', 'ses:SendEmail']));
    expect(actions.filter((action) => action.startsWith('secretsmanager:')).sort()).toEqual(['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue']);
    const fn = synth.stateless.toJSON().Resources[functionId('HttpChannels')];
    expect(fn.Properties.Environment.Variables.CHANNEL_SECRETS_KEY_SECRET_ARN).toEqual(importOf('ChannelSecretsKey'));
    expect(fn.Properties.Environment.Variables.TICKET_COMMAND_FUNCTION_NAME).toEqual({ Ref: functionId('TicketCommand') });
  });

  it('DeliveryConsumer takes batches from the deliveries queue, reports failed items, reads the table and the secrets key, and writes only puts and updates', () => {
    const template = synth.stateless.toJSON();
    const mapping = Object.values<any>(template.Resources).find(
      (resource) => resource.Type === 'AWS::Lambda::EventSourceMapping' && resource.Properties.FunctionName.Ref === functionId('DeliveryConsumer'),
    );
    expect(mapping.Properties.EventSourceArn).toEqual(importOf('DeliveriesQueue'));
    expect(mapping.Properties.FunctionResponseTypes).toEqual(['ReportBatchItemFailures']);
    const actions = statementsOfRole(roleOfFunction('DeliveryConsumer')).flatMap(actionsOf);
    expect(actions.filter((action) => action.startsWith('dynamodb:')).sort()).toEqual([
      'dynamodb:BatchGetItem',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:Query',
      'dynamodb:UpdateItem',
    ]);
    expect(actions).toContain('secretsmanager:GetSecretValue');
    expect(actions).toContain('sqs:ChangeMessageVisibility');
  });

  it.each(['HttpTopics', 'HttpContacts', 'HttpRapidProV2', 'HttpAccess', 'TicketCommand', 'HttpTickets'])(
    '%s may read and write the table (transactions) and nothing beyond it (but mail, for HttpAccess; attachments, for HttpTickets)',
    (name) => {
      const statements = statementsOfRole(roleOfFunction(name)).filter((statement) => !actionsOf(statement).some((action) => action === 'ses:SendEmail' || action.startsWith('s3:')));
      const actions = statements.flatMap(actionsOf);
      expect([...actions].sort()).toEqual([
        'dynamodb:BatchGetItem',
        'dynamodb:ConditionCheckItem',
        'dynamodb:DeleteItem',
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:Query',
        'dynamodb:UpdateItem',
      ]);
      for (const statement of statements) {
        for (const resource of [statement.Resource].flat()) expect(JSON.stringify(resource)).toMatch(/TicketerStateful:ExportsOutput(Ref|FnGetAtt)Table|AWS::NoValue/);
      }
    },
  );
});
