// Starts the two emulators the local stack and the tests run on: AWS's own
// DynamoDB Local (the jar shipped by the pinned amplify-dynamodb-simulator
// package, launched directly because the package's launcher only works inside
// the Amplify CLI) and fauxqs, an SQS emulator that speaks the SDK v3 JSON
// protocol and locks FIFO message groups as SQS does.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdirSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';

/** Credentials the emulators accept; DynamoDB Local's -sharedDb makes them irrelevant. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;
export const LOCAL_REGION = 'us-east-1';

export interface RunningEmulator {
  endpoint: string;
  port: number;
  stop(): Promise<void>;
}

/** A one-line, actionable failure (missing Java, a taken port) for the CLI to print. */
export class LocalStackSetupError extends Error {
  override readonly name = 'LocalStackSetupError';
}

export async function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export async function assertPortFree(port: number, what: string, variable?: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const server = net.createServer();
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        err.code === 'EADDRINUSE'
          ? new LocalStackSetupError(
              `Port ${port} (${what}) is already in use: stop whatever holds it (lsof -i :${port}) or choose another port${variable ? ` (${variable}=…)` : ''}, see docs/local-stack.md.`,
            )
          : err,
      ),
    );
    server.listen(port, '127.0.0.1', () => server.close(() => resolve()));
  });
}

function dynamoDbLocalDir(): string {
  const require = createRequire(import.meta.url);
  return path.join(path.dirname(require.resolve('amplify-dynamodb-simulator/package.json')), 'emulator');
}

function assertJava(): void {
  const probe = spawnSync('java', ['-version'], { stdio: 'ignore' });
  if (probe.error || probe.status !== 0) {
    throw new LocalStackSetupError(
      'Java 17+ is needed for DynamoDB Local but `java` was not found: install it (Debian: apt-get install -y openjdk-17-jre-headless) and run again.',
    );
  }
}

export interface DynamoDbLocalOptions {
  port?: number;
  /** Folder for the database file; omitted = in memory. */
  dataDir?: string;
}

export async function startDynamoDbLocal(options: DynamoDbLocalOptions = {}): Promise<RunningEmulator> {
  assertJava();
  const port = options.port ?? (await findFreePort());
  if (options.port) await assertPortFree(port, 'DynamoDB Local');
  const dir = dynamoDbLocalDir();
  const storage = options.dataDir ? ['-dbPath', options.dataDir] : ['-inMemory'];
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const child = spawn(
    'java',
    [
      '-Xmx256m',
      `-Djava.library.path=${path.join(dir, 'DynamoDBLocal_lib')}`,
      '-jar',
      path.join(dir, 'DynamoDBLocal.jar'),
      '-sharedDb',
      '-disableTelemetry',
      '-port',
      String(port),
      ...storage,
    ],
    { env: { ...process.env, DDB_LOCAL_TELEMETRY: '0' }, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  // A Java process outliving its parent (a crash, process.exit) would hold the port: end it with us.
  const killWithParent = () => child.kill('SIGKILL');
  process.once('exit', killWithParent);
  child.once('exit', () => process.off('exit', killWithParent));
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const endpoint = `http://127.0.0.1:${port}`;
  await waitForDynamoDb(endpoint, child, () => stderr);
  return { endpoint, port, stop: () => stopChild(child) };
}

async function waitForDynamoDb(endpoint: string, child: ChildProcess, stderr: () => string): Promise<void> {
  const client = new DynamoDBClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, maxAttempts: 1 });
  const deadline = Date.now() + 30_000;
  try {
    while (Date.now() < deadline) {
      if (child.exitCode !== null) {
        throw new LocalStackSetupError(`DynamoDB Local exited with code ${child.exitCode}: ${stderr().trim().split('\n').pop() ?? ''}`);
      }
      try {
        await client.send(new ListTablesCommand({ Limit: 1 }));
        return;
      } catch {
        await new Promise((r) => setTimeout(r, 150));
      }
    }
    child.kill('SIGKILL');
    throw new LocalStackSetupError(`DynamoDB Local did not answer on ${endpoint} within 30 s.`);
  } finally {
    client.destroy();
  }
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

export interface SqsEmulatorOptions {
  port?: number;
  /** Folder for fauxqs's SQLite persistence; omitted = in memory. */
  dataDir?: string;
}

export async function startSqsEmulator(options: SqsEmulatorOptions = {}): Promise<RunningEmulator> {
  if (options.port) await assertPortFree(options.port, 'SQS emulator');
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const { startFauxqs } = await import('fauxqs');
  const server = await startFauxqs({
    port: options.port ?? 0,
    // Queue URLs become http://sqs.<region>.127.0.0.1:<port>/…: not a valid URL host, so
    // SDK v3 (useQueueUrlAsEndpoint) warns once per call and keeps the configured endpoint.
    // The default "localhost" would instead send calls to sqs.<region>.localhost, which
    // does not resolve here.
    host: '127.0.0.1',
    // Listen on 127.0.0.1 only, as every other local server does (docs/local-stack.md, "Addresses"):
    // fauxqs 2.4.1 binds 0.0.0.0 unless patched to read this option (patches/fauxqs+2.4.1.patch).
    listenHost: '127.0.0.1',
    logger: false,
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
  } as Parameters<typeof startFauxqs>[0]);
  return { endpoint: `http://127.0.0.1:${server.port}`, port: server.port, stop: () => server.stop() };
}
