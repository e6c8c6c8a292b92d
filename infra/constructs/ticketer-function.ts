// The one place that holds every Lambda default of Ticketer, so that the
// functions differ only in what they run, not in how they are built and run.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { LogLevel, NodejsFunction, OutputFormat, type BundlingOptions, type NodejsFunctionProps } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { METRICS_NAMESPACE, SERVICE_NAME } from '../../shared/adapters/observability/metric-names';

/** The repository root: entries and the lock file are resolved from here, whatever the working directory. */
export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * Service name in every structured log line, trace and metric (Powertools): one service, so the
 * metrics of two functions are one series; the Lambda context on each line names the function.
 */
export { SERVICE_NAME };

/**
 * An ESM bundle that contains the AWS SDK still has CommonJS code inside that
 * calls `require` (the SDK's Node HTTP handler does `require("node:https")`);
 * ESM has no `require`, so the bundle defines one first.
 */
export const ESM_REQUIRE_BANNER = "import { createRequire } from 'module'; const require = createRequire(import.meta.url);";

/**
 * How every function is bundled (esbuild, run by NodejsFunction). Exported so that
 * bench/cold-start.ts bundles exactly as a deployment does.
 */
export const TICKETER_BUNDLING: BundlingOptions & Required<Pick<BundlingOptions, 'format' | 'target' | 'mainFields' | 'externalModules' | 'minify' | 'sourceMap' | 'banner' | 'tsconfig'>> = {
  format: OutputFormat.ESM,
  target: 'node22',
  // ESM builds of the packages that ship one (the SDK does): esbuild tree-shakes ESM, not CommonJS.
  mainFields: ['module', 'main'],
  // Bundle the SDK too: a pinned, tree-shaken SDK starts faster than the runtime's copy and never changes under us.
  externalModules: [],
  minify: true,
  sourceMap: true,
  sourcesContent: false,
  banner: ESM_REQUIRE_BANNER,
  tsconfig: path.join(PROJECT_ROOT, 'tsconfig.json'),
  logLevel: LogLevel.WARNING,
};

export interface TicketerFunctionProps extends Pick<NodejsFunctionProps, 'description' | 'memorySize' | 'reservedConcurrentExecutions' | 'functionName'> {
  /** Entry file relative to the repository root, e.g. `functions/http-tickets.ts`. */
  readonly entry: string;
  /** The single table: its name goes into TABLE_NAME. Grants are given by the caller, per function. */
  readonly table: ITable;
  /** Default 10 s (API Gateway answers 503 after 30 s anyway). */
  readonly timeout?: Duration;
  readonly environment?: Record<string, string>;
  /** Default one month. */
  readonly logRetention?: RetentionDays;
}

export class TicketerFunction extends NodejsFunction {
  /** The entry file relative to the repository root (bench/cold-start.ts bundles it again). */
  readonly entryFile: string;

  constructor(scope: Construct, id: string, props: TicketerFunctionProps) {
    // The log group is created explicitly (not on first invoke by Lambda) so
    // that its retention is set and it disappears with the stack.
    const logGroup = new LogGroup(scope, `${id}LogGroup`, {
      retention: props.logRetention ?? RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // Its own role, allowed to write to that log group only: the managed AWSLambdaBasicExecutionRole
    // that Lambda would attach lets a function write to (and create) any log group of the account.
    const role = new Role(scope, `${id}ServiceRole`, { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
    logGroup.grantWrite(role);
    super(scope, id, {
      entry: path.join(PROJECT_ROOT, props.entry),
      handler: 'handler',
      description: props.description,
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      role,
      memorySize: props.memorySize ?? 1024,
      timeout: props.timeout ?? Duration.seconds(10),
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      functionName: props.functionName,
      logGroup,
      // X-Ray: Lambda records each sampled invocation (init, invoke, overhead) itself; no tracing SDK is bundled (docs/operations.md, Traces).
      tracing: Tracing.ACTIVE,
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: path.join(PROJECT_ROOT, 'package-lock.json'),
      environment: {
        TABLE_NAME: props.table.tableName,
        POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
        POWERTOOLS_LOG_LEVEL: 'INFO',
        POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
        NODE_OPTIONS: '--enable-source-maps',
        ...props.environment,
      },
      bundling: TICKETER_BUNDLING,
    });
    this.entryFile = props.entry;
  }
}
