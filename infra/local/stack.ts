// The local stack: everything `cdk synth` declares, running on this machine
// without Docker or an AWS account. `npm start` (start.ts) and the end-to-end
// tests both go through startLocalStack.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { IntrinsicResolver, readCloudAssembly, type CloudAssembly } from './cloud-assembly';
import {
  LOCAL_CREDENTIALS,
  LOCAL_REGION,
  LocalStackSetupError,
  assertPortFree,
  startDynamoDbLocal,
  startSqsEmulator,
  type RunningEmulator,
} from './emulators';
import { FunctionHost } from './functions';
import { readHttpApis, startHttpApiServer } from './http-api';
import { closeServer } from './http-server';
import { startLambdaApiServer } from './lambda-api';
import { readPipes, startPipe, targetName, type RunningPipe } from './pipe';
import {
  applyQueuePolicies,
  createBuckets,
  createQueues,
  createSubscriptions,
  createTables,
  createTopics,
  localBucketName,
  type LocalQueue,
} from './resources';
import { startS3Front } from './s3-cors';
import { readScheduleGroups, startScheduler } from './scheduler';
import { readSecrets, startSecretsManager } from './secrets-manager';
import { seedDemoWorkspace, type DemoWorkspace } from './seed';
import { startSesOutbox } from './ses-outbox';
import { startDemoGateway } from './demo-gateway';
import { receiveUrl } from '#use-cases/channels';
import { DEFAULT_APP_PORT, readDistribution, startWebAppServer } from './web-app';
import { readSqsEventSourceMappings, startSqsEventSource, type RunningEventSource } from './sqs-event-source';
import { declaredWebSocketApis, readWebSocketApi, registerWebSocketApi, startWebSocketServer } from './websocket-api';

export const PROJECT_ROOT = path.resolve(import.meta.dirname, '../..');

export interface LocalStackPorts {
  /** The HTTP API (API Gateway). */
  api: number;
  /** The Lambda service API (Invoke). */
  lambda: number;
  dynamodb: number;
  /** fauxqs: SQS, and on the same port SNS and S3 (where objects are stored). */
  sqs: number;
  /** The S3 endpoint clients and browsers use: fauxqs's S3 with the buckets' CORS rules in front. */
  s3: number;
  /** The SES v2 endpoint whose SendEmail writes to the outbox folder. */
  ses: number;
  /** The Secrets Manager endpoint answering GetSecretValue for the templates' secrets. */
  secrets: number;
  /** The agent inbox with the API on the same origin, as the CloudFront distribution serves them. */
  app: number;
  /** The demo gateway: an External API gateway stand-in that the demo channel sends through (infra/local/demo-gateway.ts). */
  gateway: number;
  /** Live updates' WebSocket API and its @connections management API (infra/local/websocket-api.ts). */
  live: number;
  /** The EventBridge Scheduler endpoint: flow timers as one-time schedules (infra/local/scheduler.ts). */
  scheduler: number;
}

/**
 * Overridable with TICKETER_API_PORT, TICKETER_LAMBDA_PORT, TICKETER_DYNAMODB_PORT, TICKETER_SQS_PORT (also SNS),
 * TICKETER_SES_PORT, TICKETER_SECRETS_PORT, TICKETER_S3_PORT, TICKETER_APP_PORT, TICKETER_GATEWAY_PORT, TICKETER_LIVE_PORT,
 * TICKETER_SCHEDULER_PORT.
 */
export const DEFAULT_PORTS: LocalStackPorts = {
  api: 8000,
  lambda: 8001,
  dynamodb: 8002,
  sqs: 8003,
  ses: 8004,
  secrets: 8005,
  s3: 8006,
  app: DEFAULT_APP_PORT,
  gateway: 8008,
  live: 8009,
  scheduler: 8010,
};

export interface LocalStackOptions {
  /** Folder for the emulators' data, pipe checkpoints and the seeded token; undefined = everything in memory. */
  dataDir?: string;
  /** Delete the data folder's contents before starting. */
  fresh?: boolean;
  /** 0 = random free ports (tests); omitted parts take DEFAULT_PORTS. */
  ports?: 0 | Partial<LocalStackPorts>;
  /** Run `cdk synth` first (default true); false reads the existing cloud assembly. */
  synth?: boolean;
  /** The cloud assembly folder (default cdk.out of the project). */
  cloudAssemblyDir?: string;
  /** Reuse running emulators (e.g. the test setup's) instead of starting them; fauxqs's also serves SNS and S3. */
  dynamodbEndpoint?: string;
  sqsEndpoint?: string;
  /**
   * Appended to every table, queue, topic and bucket name so stacks sharing emulators do not
   * collide. Default: none with emulators of its own, a random one with shared ones.
   */
  resourceSuffix?: string;
  /** Seed the demo workspace (default true). */
  seed?: boolean;
  /** Also seed demo contacts, conversations and tickets into a new demo workspace (npm start; default false). */
  demoData?: boolean;
  /** Progress lines ("creating table …"). Default: silent. */
  log?: (line: string) => void;
  /** What the functions write (their logs), prefixed with the function name. Default: silent. */
  functionLog?: (line: string) => void;
}

export interface LocalStack {
  apiUrl: string;
  /** The agent inbox (and the API on the same origin); '' when the templates have no distribution. */
  appUrl: string;
  /**
   * Live updates' WebSocket API, direct (`ws://127.0.0.1:8009/live`; the inbox uses `/live` on its own origin);
   * '' when the templates have none. Connect with `?token=<API token>` or the session cookie.
   */
  websocketUrl: string;
  /** The demo administrator's password (sign-in on the inbox), when seeded. */
  email: string | undefined;
  password: string | undefined;
  lambdaEndpoint: string;
  dynamodbEndpoint: string;
  sqsEndpoint: string;
  /** fauxqs's SNS (AWS_ENDPOINT_URL_SNS of the functions): the same address as sqsEndpoint. */
  snsEndpoint: string;
  /**
   * The S3 endpoint (AWS_ENDPOINT_URL_S3 of the functions, so also the host of presigned URLs): fauxqs's S3
   * behind a front that answers CORS by the buckets' rules. An IP-address host: SDKs use path-style requests.
   */
  s3Endpoint: string;
  /** The Secrets Manager endpoint (AWS_ENDPOINT_URL_SECRETS_MANAGER of the functions). */
  secretsEndpoint: string;
  /** The SES v2 endpoint (AWS_ENDPOINT_URL_SESV2 of the functions). */
  sesEndpoint: string;
  /** The EventBridge Scheduler endpoint (AWS_ENDPOINT_URL_SCHEDULER of the functions): flow timers. */
  schedulerEndpoint: string;
  /** Where mail sent through it lands, one text file a message. */
  outboxDir: string;
  /** The demo gateway (an External API gateway stand-in); a channel sends to `{gatewayUrl}/send`. */
  gatewayUrl: string;
  /** The JSON-lines file of the messages the demo gateway accepted. */
  gatewayOutbox: string;
  /** The demo workspace's "Demo gateway" channel, when seeded with demo data (a contact writes in at `receive_url`). */
  demoChannel: { uuid: string; receive_url: string } | undefined;
  region: string;
  workspace: DemoWorkspace['workspace'] | undefined;
  administrator: DemoWorkspace['administrator'] | undefined;
  token: string | undefined;
  /** Construct id → the function name the Lambda API answers to. */
  functions: Record<string, string>;
  tableName: string;
  queues: Record<string, { name: string; url: string; arn: string }>;
  /** Construct id → topic. */
  topics: Record<string, { name: string; arn: string }>;
  /** Construct id → bucket name. */
  buckets: Record<string, string>;
  /** Construct id → the secret's name and ARN (never its value). */
  secrets: Record<string, { name: string; arn: string }>;
  stop(): Promise<void>;
}

export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const log = options.log ?? (() => undefined);
  const ports = resolvePorts(options.ports);
  const dataDir = options.dataDir ? path.resolve(options.dataDir) : undefined;
  if (dataDir && options.fresh) {
    log(`removing the data in ${dataDir}…`);
    for (const entry of ['dynamodb', 'sqs', 'pipes', 'outbox', 'gateway', 'secrets.json', 'seed.json', 'stack.json', 'scheduler.json']) rmSync(path.join(dataDir, entry), { recursive: true, force: true });
  }
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const cloudAssemblyDir = options.cloudAssemblyDir ?? path.join(PROJECT_ROOT, 'cdk.out');
  const stoppers: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const stopOne of stoppers.splice(0).reverse()) await stopOne().catch(() => undefined);
  };
  try {
    // Free ports are checked before anything slow starts, so a clash fails at once.
    if (ports.api) await assertPortFree(ports.api, 'HTTP API', 'TICKETER_API_PORT');
    if (ports.lambda) await assertPortFree(ports.lambda, 'Lambda API', 'TICKETER_LAMBDA_PORT');
    if (ports.dynamodb && !options.dynamodbEndpoint) await assertPortFree(ports.dynamodb, 'DynamoDB Local', 'TICKETER_DYNAMODB_PORT');
    if (ports.sqs && !options.sqsEndpoint) await assertPortFree(ports.sqs, 'SQS emulator', 'TICKETER_SQS_PORT');
    if (ports.ses) await assertPortFree(ports.ses, 'SES outbox', 'TICKETER_SES_PORT');
    if (ports.secrets) await assertPortFree(ports.secrets, 'Secrets Manager', 'TICKETER_SECRETS_PORT');
    if (ports.s3) await assertPortFree(ports.s3, 'S3 endpoint', 'TICKETER_S3_PORT');
    if (ports.app) await assertPortFree(ports.app, 'inbox', 'TICKETER_APP_PORT');
    if (ports.gateway) await assertPortFree(ports.gateway, 'demo gateway', 'TICKETER_GATEWAY_PORT');
    if (ports.live) await assertPortFree(ports.live, 'WebSocket API', 'TICKETER_LIVE_PORT');
    if (ports.scheduler) await assertPortFree(ports.scheduler, 'Scheduler', 'TICKETER_SCHEDULER_PORT');
    const synthesis = new AbortController();
    stoppers.push(async () => synthesis.abort());
    const synthesized = options.synth === false ? Promise.resolve() : synthesize(cloudAssemblyDir, log, synthesis.signal);
    synthesized.catch(() => undefined); // awaited below; avoids an unhandled rejection meanwhile
    const emulators = await Promise.allSettled([
      options.dynamodbEndpoint
        ? external(options.dynamodbEndpoint)
        : (log('starting DynamoDB Local…'),
          startDynamoDbLocal({ port: ports.dynamodb || undefined, dataDir: dataDir && path.join(dataDir, 'dynamodb') })),
      options.sqsEndpoint
        ? external(options.sqsEndpoint)
        : (log('starting the SQS, SNS and S3 emulator (fauxqs)…'),
          startSqsEmulator({ port: ports.sqs || undefined, dataDir: dataDir && path.join(dataDir, 'sqs') })),
    ]);
    // One emulator failing must not leave the other running.
    for (const started of emulators) if (started.status === 'fulfilled') stoppers.push(started.value.stop);
    for (const started of emulators) if (started.status === 'rejected') throw started.reason;
    const [dynamodb, sqs] = emulators.map((started) => (started as PromiseFulfilledResult<RunningEmulator>).value) as [
      RunningEmulator,
      RunningEmulator,
    ];
    await synthesized;

    const region = LOCAL_REGION;
    const clientConfig = { region, credentials: LOCAL_CREDENTIALS };
    const dynamodbClient = new DynamoDBClient({ ...clientConfig, endpoint: dynamodb.endpoint });
    const streamsClient = new DynamoDBStreamsClient({ ...clientConfig, endpoint: dynamodb.endpoint });
    const sqsClient = new SQSClient({ ...clientConfig, endpoint: sqs.endpoint });
    const snsClient = new SNSClient({ ...clientConfig, endpoint: sqs.endpoint });
    // Path-style (bucket in the path): fauxqs serves both styles, and an IP-address endpoint takes path-style anyway.
    const s3Client = new S3Client({ ...clientConfig, endpoint: sqs.endpoint, forcePathStyle: true });
    stoppers.push(async () => [dynamodbClient, streamsClient, sqsClient, snsClient, s3Client].forEach((client) => client.destroy()));

    const suffix = options.resourceSuffix ?? (options.dynamodbEndpoint || options.sqsEndpoint ? `-${randomBytes(4).toString('hex')}` : '');
    const assembly = withResourceSuffix(readCloudAssembly(cloudAssemblyDir), suffix);
    const resolver = new IntrinsicResolver(assembly, region);
    const tables = await createTables(assembly, resolver, dynamodbClient, region, log);
    const queues = await createQueues(assembly, resolver, sqsClient, region, log);
    await applyQueuePolicies(assembly, resolver, sqsClient);
    const topics = await createTopics(assembly, resolver, snsClient, log);
    await createSubscriptions(assembly, resolver, snsClient, log);
    const buckets = await createBuckets(assembly, resolver, s3Client, region, log);
    const s3 = await startS3Front({ port: ports.s3, fauxqsEndpoint: sqs.endpoint, buckets, log });
    stoppers.push(s3.stop);

    const secrets = readSecrets(assembly, resolver, region);
    const secretsManager = await startSecretsManager({
      port: ports.secrets,
      secrets,
      valuesFile: dataDir && path.join(dataDir, 'secrets.json'),
      log,
    });
    stoppers.push(secretsManager.stop);

    const outboxDir = dataDir ? path.join(dataDir, 'outbox') : mkdtempSync(path.join(os.tmpdir(), 'ticketer-outbox-'));
    if (!dataDir) stoppers.push(async () => rmSync(outboxDir, { recursive: true, force: true }));
    const ses = await startSesOutbox({ port: ports.ses, outboxDir, log });
    stoppers.push(ses.stop);
    log(`mail sent through SES goes to ${outboxDir}`);

    // Live updates: the WebSocket API listens before the functions start, whose environment names its endpoint.
    const [webSocketApi, ...otherWebSocketApis] = declaredWebSocketApis(assembly);
    if (otherWebSocketApis.length) log(`only the first WebSocket API is served locally; ${otherWebSocketApis.length} more ignored`);
    const webSocketServer = webSocketApi ? await startWebSocketServer(ports.live, { region, log }) : undefined;
    if (webSocketServer) stoppers.push(webSocketServer.stop);
    const webSocketIds = webSocketApi && webSocketServer && registerWebSocketApi(resolver, webSocketApi.stack, webSocketApi.logicalId, webSocketServer.endpoint);

    let functions: FunctionHost | undefined;
    // Flow timers: one-time schedules kept in the data folder, invoking their target function when due.
    const scheduler = await startScheduler({
      port: ports.scheduler,
      groups: readScheduleGroups(assembly, resolver, region),
      storeFile: dataDir && path.join(dataDir, 'scheduler.json'),
      functions: () => functions,
      sqs: sqsClient,
      queues,
      log,
    });
    stoppers.push(scheduler.stop);

    const lambdaServer = await startLambdaApiServer(() => functions, ports.lambda, log);
    stoppers.push(() => closeServer(lambdaServer));
    const lambdaEndpoint = serverUrl(lambdaServer);
    log('starting the functions…');
    functions = await FunctionHost.start(assembly, resolver, {
      region,
      endpoints: {
        dynamodb: dynamodb.endpoint,
        sqs: sqs.endpoint,
        sns: sqs.endpoint,
        s3: s3.endpoint,
        lambda: lambdaEndpoint,
        sesv2: ses.endpoint,
        secretsmanager: secretsManager.endpoint,
        scheduler: scheduler.endpoint,
      },
      credentials: LOCAL_CREDENTIALS,
      log: options.functionLog ?? (() => undefined),
    });
    const runningFunctions = functions;
    stoppers.push(() => runningFunctions.stop());

    const [api, ...otherApis] = readHttpApis(assembly, resolver, functions);
    if (otherApis.length) log(`only the first HTTP API is served locally; ${otherApis.length} more ignored`);
    let apiUrl = '';
    if (api) {
      const apiServer = await startHttpApiServer(api, ports.api, log);
      stoppers.push(() => closeServer(apiServer));
      apiUrl = serverUrl(apiServer);
    }
    let websocketUrl = '';
    if (webSocketApi && webSocketServer && webSocketIds) {
      webSocketServer.attach(readWebSocketApi(webSocketApi.stack, webSocketApi.logicalId, webSocketIds, resolver, functions));
      websocketUrl = `${webSocketServer.endpoint}/${webSocketIds.stageName}`;
      log(`live updates: WebSocket API at ${websocketUrl}`);
    }
    // After the API (its delivery reports go there), so stopped before it.
    const gatewayDir = dataDir ? path.join(dataDir, 'gateway') : mkdtempSync(path.join(os.tmpdir(), 'ticketer-gateway-'));
    if (!dataDir) stoppers.push(async () => rmSync(gatewayDir, { recursive: true, force: true }));
    const gatewayOutbox = path.join(gatewayDir, 'outbox');
    const gateway = await startDemoGateway({ port: ports.gateway, outboxFile: gatewayOutbox, apiUrl, log });
    stoppers.push(gateway.stop);
    log(`the demo gateway takes External API sends at ${gateway.sendUrl} (messages in ${gatewayOutbox})`);

    const distribution = readDistribution(assembly);
    let appUrl = '';
    if (distribution && apiUrl) {
      const appServer = await startWebAppServer(distribution, { port: ports.app, apiUrl, ...(webSocketServer ? { liveEndpoint: webSocketServer.endpoint } : {}), log });
      stoppers.push(() => closeServer(appServer));
      appUrl = serverUrl(appServer);
    }

    const pipes: RunningPipe[] = readPipes(assembly, resolver, queues, functions).map((pipe) => {
      log(`starting pipe ${pipe.name} (→ ${targetName(pipe.target)})…`);
      return startPipe(pipe, { streams: streamsClient, sqs: sqsClient }, { checkpointDirectory: dataDir && path.join(dataDir, 'pipes'), log });
    });
    const eventSources: RunningEventSource[] = readSqsEventSourceMappings(assembly, resolver, functions, queues).map((mapping) => {
      log(`starting event source ${mapping.queue.queueName} → ${mapping.function.name}…`);
      return startSqsEventSource(mapping, sqsClient, { region, log });
    });
    // Stopped first (stoppers run in reverse): no poller may call a stopped function.
    stoppers.push(async () => {
      await Promise.all([...pipes, ...eventSources].map((running) => running.stop()));
    });
    await Promise.all(pipes.map((pipe) => pipe.ready));

    // Timers fire once the functions they invoke run (a timer due while the stack was down fires now).
    scheduler.activate();

    // Cold starts happen ahead of the first requests, without holding up the start.
    void Promise.all(runningFunctions.functions.map((fn) => fn.warmUp())).catch(() => undefined);

    const tableName = tables[0]?.tableName ?? '';
    const demo =
      options.seed === false || !tableName
        ? undefined
        : await seedDemoWorkspace({
            client: dynamodbClient,
            tableName,
            seedFile: dataDir && path.join(dataDir, 'seed.json'),
            log,
            ...(options.demoData ? { demoData: { apiUrl, gatewaySendUrl: gateway.sendUrl } } : {}),
          });

    const stack: LocalStack = {
      apiUrl,
      appUrl,
      websocketUrl,
      email: demo?.administrator.email,
      password: demo?.password,
      lambdaEndpoint,
      dynamodbEndpoint: dynamodb.endpoint,
      sqsEndpoint: sqs.endpoint,
      snsEndpoint: sqs.endpoint,
      s3Endpoint: s3.endpoint,
      secretsEndpoint: secretsManager.endpoint,
      sesEndpoint: ses.endpoint,
      schedulerEndpoint: scheduler.endpoint,
      outboxDir,
      gatewayUrl: gateway.endpoint,
      gatewayOutbox,
      demoChannel: demo?.channel && { uuid: demo.channel.uuid, receive_url: receiveUrl(apiUrl, { type: 'EX', uuid: demo.channel.uuid }) },
      region,
      workspace: demo?.workspace,
      administrator: demo?.administrator,
      token: demo?.token,
      functions: Object.fromEntries(functions.functions.map((fn) => [fn.id, fn.name])),
      tableName,
      queues: Object.fromEntries(queues.map((queue) => [queue.id, describeQueue(queue)])),
      topics: Object.fromEntries(topics.map((topic) => [topic.id, { name: topic.topicName, arn: topic.topicArn }])),
      buckets: Object.fromEntries(buckets.map((bucket) => [bucket.id, bucket.bucketName])),
      secrets: Object.fromEntries(secrets.map((secret) => [secret.id, { name: secret.name, arn: secret.arn }])),
      stop,
    };
    if (dataDir) {
      const { stop: _stop, ...description } = stack;
      writeFileSync(path.join(dataDir, 'stack.json'), `${JSON.stringify(description, null, 2)}\n`);
    }
    return stack;
  } catch (error) {
    await stop();
    throw error;
  }
}

function resolvePorts(ports: LocalStackOptions['ports']): LocalStackPorts {
  if (ports === 0) return { api: 0, lambda: 0, dynamodb: 0, sqs: 0, ses: 0, secrets: 0, s3: 0, app: 0, gateway: 0, live: 0, scheduler: 0 };
  const fromEnvironment = (name: string, fallback: number) => {
    const value = process.env[name];
    if (value === undefined || value === '') return fallback;
    const port = Number(value);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new LocalStackSetupError(`${name}=${value} is not a port number (0-65535).`);
    return port;
  };
  return {
    api: ports?.api ?? fromEnvironment('TICKETER_API_PORT', DEFAULT_PORTS.api),
    lambda: ports?.lambda ?? fromEnvironment('TICKETER_LAMBDA_PORT', DEFAULT_PORTS.lambda),
    dynamodb: ports?.dynamodb ?? fromEnvironment('TICKETER_DYNAMODB_PORT', DEFAULT_PORTS.dynamodb),
    sqs: ports?.sqs ?? fromEnvironment('TICKETER_SQS_PORT', DEFAULT_PORTS.sqs),
    ses: ports?.ses ?? fromEnvironment('TICKETER_SES_PORT', DEFAULT_PORTS.ses),
    secrets: ports?.secrets ?? fromEnvironment('TICKETER_SECRETS_PORT', DEFAULT_PORTS.secrets),
    s3: ports?.s3 ?? fromEnvironment('TICKETER_S3_PORT', DEFAULT_PORTS.s3),
    app: ports?.app ?? fromEnvironment('TICKETER_APP_PORT', DEFAULT_PORTS.app),
    gateway: ports?.gateway ?? fromEnvironment('TICKETER_GATEWAY_PORT', DEFAULT_PORTS.gateway),
    live: ports?.live ?? fromEnvironment('TICKETER_LIVE_PORT', DEFAULT_PORTS.live),
    scheduler: ports?.scheduler ?? fromEnvironment('TICKETER_SCHEDULER_PORT', DEFAULT_PORTS.scheduler),
  };
}

function external(endpoint: string): RunningEmulator {
  return { endpoint, port: Number(new URL(endpoint).port), stop: async () => undefined };
}

function serverUrl(server: Server): string {
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('server is not listening on a TCP port');
  return `http://127.0.0.1:${address.port}`;
}

function describeQueue(queue: LocalQueue) {
  return { name: queue.queueName, url: queue.queueUrl, arn: queue.queueArn };
}

/** The name property of each resource type whose names share an emulator. */
const NAME_PROPERTIES: Record<string, string> = {
  'AWS::DynamoDB::Table': 'TableName',
  'AWS::DynamoDB::GlobalTable': 'TableName',
  'AWS::SQS::Queue': 'QueueName',
  'AWS::SNS::Topic': 'TopicName',
  'AWS::S3::Bucket': 'BucketName',
};

/** Gives each table, queue, topic and bucket a suffixed name (`.fifo` kept last), for stacks sharing emulators. */
function withResourceSuffix(assembly: CloudAssembly, suffix: string): CloudAssembly {
  if (!suffix) return assembly;
  const stacks = assembly.stacks.map((stack) => ({
    ...stack,
    resources: Object.fromEntries(
      Object.entries(stack.resources).map(([logicalId, resource]) => {
        const nameProperty = NAME_PROPERTIES[resource.Type];
        if (!nameProperty) return [logicalId, resource];
        const fifo = [resource.Properties?.FifoQueue, resource.Properties?.FifoTopic].some((flag) => flag === true || flag === 'true');
        const declared = resource.Properties?.[nameProperty];
        const generated = resource.Type === 'AWS::S3::Bucket' ? localBucketName(stack.name, logicalId) : `${stack.name}-${logicalId}`;
        const base = typeof declared === 'string' ? declared.replace(/\.fifo$/, '') : generated;
        return [logicalId, { ...resource, Properties: { ...resource.Properties, [nameProperty]: `${base}${suffix}${fifo ? '.fifo' : ''}` } }];
      }),
    ),
  }));
  return { ...assembly, stacks };
}

/** `cdk synth` of the project into `cloudAssemblyDir`, with the project's Node 22 first on the PATH. */
export async function synthesize(cloudAssemblyDir: string, log: (line: string) => void, signal?: AbortSignal): Promise<void> {
  log('synthesizing the CDK app (cdk synth)…');
  const require = createRequire(import.meta.url);
  const cdk = path.join(path.dirname(require.resolve('aws-cdk/package.json')), 'bin', 'cdk');
  const child = spawn(process.execPath, [cdk, 'synth', '--quiet', '--output', cloudAssemblyDir], {
    cwd: PROJECT_ROOT,
    // The app command (tsx) and its `node` must be the project's, i.e. Node 22.
    env: { ...process.env, PATH: `${path.join(PROJECT_ROOT, 'node_modules', '.bin')}${path.delimiter}${process.env.PATH ?? ''}` },
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(signal ? { signal } : {}),
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-8000)));
  child.stderr.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-8000)));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', resolve);
  });
  if (signal?.aborted) return;
  if (code !== 0) {
    const lastLines = output.trim().split('\n').slice(-15).join('\n');
    throw new LocalStackSetupError(`cdk synth failed (exit code ${code}); fix the CDK app and run again:\n${lastLines}`);
  }
}
