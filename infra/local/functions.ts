// Runs each AWS::Lambda::Function of the templates from its bundled asset in
// cdk.out, one worker thread per function, with the function's resolved
// environment plus the standard AWS_ENDPOINT_URL_* variables that point its
// SDK clients at the local emulators (handler code never checks for "local").
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { Worker } from 'node:worker_threads';
import {
  LOCAL_ACCOUNT_ID,
  nameInStack,
  resourcesOfType,
  type CloudAssembly,
  type IntrinsicResolver,
} from './cloud-assembly';

export interface InvocationError {
  errorType: string;
  errorMessage: string;
  trace?: string[];
}

/** What an invocation ended with: the handler's JSON result or Lambda's error shape. */
export type InvocationOutcome = { ok: true; result: unknown } | { ok: false; error: InvocationError };

export interface LocalFunction {
  logicalId: string;
  /** The construct id in the CDK app (`HttpTickets`). */
  id: string;
  /** The name the local Lambda API answers to (the construct id unless the template names it). */
  name: string;
  arn: string;
  timeoutSeconds: number;
  memorySize: number;
  runtime: string;
  handler: string;
  environment: Record<string, string>;
  invoke(event: unknown): Promise<InvocationOutcome>;
  /** Starts the sandbox ahead of the first invocation. */
  warmUp(): Promise<void>;
}

export interface FunctionHostOptions {
  region: string;
  /** Endpoints given to the functions through the SDK's standard variables. */
  endpoints: { dynamodb: string; sqs: string; sns: string; s3: string; lambda: string; sesv2: string; secretsmanager: string; scheduler: string };
  credentials: { accessKeyId: string; secretAccessKey: string };
  /** Receives each line a function writes (its logs), prefixed with the function name. */
  log: (line: string) => void;
}

export class FunctionHost {
  private readonly workers = new Set<Worker>();
  private stopped = false;
  readonly functions: LocalFunction[] = [];

  private constructor(private readonly options: FunctionHostOptions) {}

  static async start(assembly: CloudAssembly, resolver: IntrinsicResolver, options: FunctionHostOptions): Promise<FunctionHost> {
    const host = new FunctionHost(options);
    const declared = resourcesOfType(assembly, 'AWS::Lambda::Function')
      // Only Node.js functions run here; others (the Python provider of CDK's BucketDeployment, which
      // only deploys the inbox's files, served locally by infra/local/web-app.ts) have no local counterpart.
      .filter((entry) => String(entry.resource.Properties?.Runtime ?? 'nodejs').startsWith('nodejs'))
      .map((entry) => ({ ...entry, id: nameInStack(entry.resource, entry.logicalId) }));
    for (const { stack, logicalId, resource, id } of declared) {
      const properties = resource.Properties ?? {};
      const clash = declared.filter((other) => other.id === id).length > 1;
      const name = properties.FunctionName
        ? resolver.resolveString(properties.FunctionName, stack)
        : clash
          ? `${stack.name}-${id}`
          : id;
      resolver.register(stack, logicalId, {
        ref: name,
        attributes: { Arn: `arn:aws:lambda:${options.region}:${LOCAL_ACCOUNT_ID}:function:${name}` },
      });
    }
    // Environments are resolved after every function has a name: one may refer to another.
    await Promise.all(
      declared.map(async ({ stack, logicalId, resource, id }) => {
        const properties = resource.Properties ?? {};
        const physical = resolver.lookup(stack, logicalId)!;
        const variables = resolver.resolve(
          (properties.Environment as { Variables?: unknown } | undefined)?.Variables ?? {},
          stack,
        ) as Record<string, unknown>;
        const assetPath = resource.Metadata?.['aws:asset:path'];
        if (typeof assetPath !== 'string') {
          throw new Error(`${logicalId}: no aws:asset:path metadata; only bundled assets (NodejsFunction) run locally`);
        }
        const handler = String(properties.Handler ?? 'index.handler');
        host.functions.push(
          await host.prepareFunction({
            logicalId,
            id,
            name: physical.ref,
            arn: physical.attributes.Arn!,
            assetDirectory: path.resolve(assembly.directory, assetPath),
            handler,
            runtime: String(properties.Runtime ?? 'nodejs22.x'),
            timeoutSeconds: Number(properties.Timeout ?? 3),
            memorySize: Number(properties.MemorySize ?? 128),
            variables: Object.fromEntries(Object.entries(variables).map(([key, value]) => [key, String(value)])),
          }),
        );
      }),
    );
    return host;
  }

  find(nameOrArn: string): LocalFunction | undefined {
    // Accepts a name, a full ARN, a partial ARN and a trailing :$LATEST qualifier, like Lambda.
    const name = nameOrArn.replace(/:\$LATEST$/, '').split(':function:').pop()!.split(':').pop()!;
    return this.functions.find((fn) => fn.name === name);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all([...this.workers].map((worker) => worker.terminate()));
  }

  private async prepareFunction(spec: {
    logicalId: string;
    id: string;
    name: string;
    arn: string;
    assetDirectory: string;
    handler: string;
    runtime: string;
    timeoutSeconds: number;
    memorySize: number;
    variables: Record<string, string>;
  }): Promise<LocalFunction> {
    const { options } = this;
    const separator = spec.handler.lastIndexOf('.');
    const modulePath = spec.handler.slice(0, separator);
    const handlerFile = ['.mjs', '.js', '.cjs']
      .map((extension) => path.join(spec.assetDirectory, modulePath + extension))
      .find((file) => existsSync(file));
    if (!handlerFile) throw new Error(`${spec.name}: ${modulePath}.mjs not found in ${spec.assetDirectory}`);
    const logGroupName = `/aws/lambda/${spec.name}`;
    const logStreamName = `local/[$LATEST]${randomUUID().replaceAll('-', '')}`;
    const environment: Record<string, string> = {
      // What the Lambda runtime sets …
      AWS_LAMBDA_FUNCTION_NAME: spec.name,
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(spec.memorySize),
      AWS_LAMBDA_LOG_GROUP_NAME: logGroupName,
      AWS_LAMBDA_LOG_STREAM_NAME: logStreamName,
      AWS_EXECUTION_ENV: `AWS_Lambda_${spec.runtime}`,
      LAMBDA_TASK_ROOT: spec.assetDirectory,
      _HANDLER: spec.handler,
      AWS_REGION: options.region,
      AWS_DEFAULT_REGION: options.region,
      AWS_ACCESS_KEY_ID: options.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: options.credentials.secretAccessKey,
      // … the template's variables …
      ...spec.variables,
      // … and the only local difference: the SDK's standard endpoint variables.
      AWS_ENDPOINT_URL_DYNAMODB: options.endpoints.dynamodb,
      AWS_ENDPOINT_URL_DYNAMODB_STREAMS: options.endpoints.dynamodb,
      AWS_ENDPOINT_URL_SQS: options.endpoints.sqs,
      AWS_ENDPOINT_URL_LAMBDA: options.endpoints.lambda,
      AWS_ENDPOINT_URL_SESV2: options.endpoints.sesv2,
      AWS_ENDPOINT_URL_SNS: options.endpoints.sns,
      // fauxqs's S3 behind the CORS front; an IP-address endpoint makes the SDK use path-style requests (and presigned URLs).
      AWS_ENDPOINT_URL_S3: options.endpoints.s3,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: options.endpoints.secretsmanager,
      AWS_ENDPOINT_URL_SCHEDULER: options.endpoints.scheduler,
    };
    const timeoutMs = spec.timeoutSeconds * 1000;
    const pending = new Map<number, (outcome: InvocationOutcome) => void>();
    let nextId = 1;
    let sandbox: Promise<Worker> | undefined;
    let lastCrash: Error | undefined;

    // Like a Lambda sandbox, the worker starts on the first invocation (a cold start)
    // and is replaced by a fresh one after a crash.
    const startSandbox = (): Promise<Worker> => {
      if (this.stopped) throw new Error('the local stack is stopping');
      const worker = new Worker(new URL('./lambda-runtime.mjs', import.meta.url), {
        env: environment,
        stdout: true,
        stderr: true,
        workerData: {
          handlerFile,
          handlerExport: spec.handler.slice(separator + 1),
          functionName: spec.name,
          functionArn: spec.arn,
          memorySize: spec.memorySize,
          logGroupName,
          logStreamName,
        },
      });
      this.workers.add(worker);
      for (const stream of [worker.stdout, worker.stderr]) {
        createInterface({ input: stream }).on('line', (line) => options.log(`[${spec.name}] ${line}`));
      }
      const crashed = (error: Error) => {
        sandbox = undefined;
        lastCrash = error;
        this.workers.delete(worker);
        void worker.terminate();
        for (const settle of pending.values()) settle({ ok: false, error: { errorType: 'Runtime.ExitError', errorMessage: error.message } });
        pending.clear();
      };
      return new Promise<Worker>((resolve) => {
        worker.once('message', () => {
          worker.on('message', (message: { id: number } & ({ result: unknown } | { error: InvocationError })) => {
            const settle = pending.get(message.id);
            pending.delete(message.id);
            settle?.('error' in message ? { ok: false, error: message.error } : { ok: true, result: message.result });
          });
          resolve(worker);
        });
        // An exception outside a handler (at load, or an unhandled rejection) ends the sandbox, as on Lambda.
        worker.on('error', (error) => {
          options.log(`[${spec.name}] ${error.stack ?? error.message}`);
          crashed(error);
          resolve(worker);
        });
      });
    };

    return {
      logicalId: spec.logicalId,
      id: spec.id,
      name: spec.name,
      arn: spec.arn,
      timeoutSeconds: spec.timeoutSeconds,
      memorySize: spec.memorySize,
      runtime: spec.runtime,
      handler: spec.handler,
      environment,
      async warmUp() {
        await (sandbox ??= startSandbox());
      },
      async invoke(event) {
        const worker = await (sandbox ??= startSandbox());
        if (!sandbox) return { ok: false, error: { errorType: 'Runtime.ExitError', errorMessage: lastCrash?.message ?? 'the sandbox exited' } };
        const id = nextId++;
        const requestId = randomUUID();
        return new Promise((resolve) => {
          // Lambda ends an invocation at its timeout (init time not counted); a late answer is ignored.
          const timer = setTimeout(() => {
            pending.delete(id);
            resolve({
              ok: false,
              error: { errorType: 'Sandbox.Timedout', errorMessage: `Task timed out after ${spec.timeoutSeconds.toFixed(2)} seconds` },
            });
          }, timeoutMs);
          pending.set(id, (outcome) => {
            clearTimeout(timer);
            resolve(outcome);
          });
          worker.postMessage({ id, event, requestId, deadline: Date.now() + timeoutMs });
        });
      },
    };
  }
}
