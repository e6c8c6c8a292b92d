// The inside of one local Lambda function: a worker thread that loads the
// function's bundled asset with the function's own environment (process.env of
// a worker is its own copy) and runs invocations sent by functions.ts.
// Plain JavaScript so that it loads the same way under tsx, vitest and node.
import { parentPort, workerData } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';

/** @type {{ handlerFile: string; handlerExport: string; functionName: string; functionArn: string; memorySize: number; logGroupName: string; logStreamName: string }} */
const setup = workerData;

if (process.env.NODE_OPTIONS?.includes('--enable-source-maps')) process.setSourceMapsEnabled(true);

const handlerModule = await import(pathToFileURL(setup.handlerFile).href);
const handler = handlerModule[setup.handlerExport] ?? handlerModule.default?.[setup.handlerExport];
if (typeof handler !== 'function') {
  throw new Error(`${setup.handlerFile} has no exported function "${setup.handlerExport}"`);
}

parentPort.on('message', async (/** @type {{ id: number; event: unknown; requestId: string; deadline: number }} */ message) => {
  const context = {
    functionName: setup.functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: setup.functionArn,
    memoryLimitInMB: String(setup.memorySize),
    awsRequestId: message.requestId,
    logGroupName: setup.logGroupName,
    logStreamName: setup.logStreamName,
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, message.deadline - Date.now()),
  };
  try {
    const result = await handler(message.event, context);
    parentPort.postMessage({ id: message.id, result: result === undefined ? null : JSON.parse(JSON.stringify(result)) });
  } catch (error) {
    const failure = error instanceof Error ? error : new Error(String(error));
    parentPort.postMessage({
      id: message.id,
      error: {
        errorType: failure.name || 'Error',
        errorMessage: failure.message,
        // As Lambda's Node runtime: the stack's lines, none for an error without a stack.
        trace: failure.stack ? String(failure.stack).split('\n') : [],
      },
    });
  }
});

parentPort.postMessage({ ready: true });
