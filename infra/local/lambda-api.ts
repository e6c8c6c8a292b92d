// The part of the Lambda service API that callers of the functions use:
// Invoke (RequestResponse, Event, DryRun), GetFunction and ListFunctions, so
// `new LambdaClient({ endpoint })` and `aws lambda invoke --endpoint-url` work.
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { FunctionHost, LocalFunction } from './functions';
import { decodePathSegment, listen, readBody, sendJson } from './http-server';

/** `functions` is read per request: the server listens before the functions start, as they need its URL. */
export function startLambdaApiServer(functions: () => FunctionHost | undefined, port: number, log: (line: string) => void): Promise<Server> {
  return listen(
    (request, response) => {
      handle(functions, request, response, log).catch((error: Error) => {
        log(`Lambda API: ${error.stack ?? error.message}`);
        if (!response.headersSent) sendError(response, 500, 'ServiceException', error.message);
      });
    },
    port,
    'Lambda API',
  );
}

async function handle(host: () => FunctionHost | undefined, request: IncomingMessage, response: ServerResponse, log: (line: string) => void) {
  const url = new URL(request.url ?? '/', 'http://localhost');
  const match = url.pathname.match(/^\/2015-03-31\/functions\/?([^/]*)(\/invocations)?\/?$/);
  if (!match) return sendError(response, 404, 'UnknownOperationException', `Unknown operation ${request.method} ${url.pathname}`);
  const [, encodedName = '', invocations] = match;
  const body = await readBody(request);
  const functions = host();
  if (!functions) return sendError(response, 503, 'ServiceException', 'The functions are still starting');
  if (!encodedName) {
    if (request.method !== 'GET') return sendError(response, 404, 'UnknownOperationException', 'Unknown operation');
    return sendJson(response, 200, { Functions: functions.functions.map(configuration) });
  }
  const name = decodePathSegment(encodedName);
  const fn = functions.find(name);
  if (!fn) {
    return sendError(response, 404, 'ResourceNotFoundException', `Function not found: ${name}`);
  }
  if (!invocations) {
    if (request.method !== 'GET') return sendError(response, 404, 'UnknownOperationException', 'Unknown operation');
    return sendJson(response, 200, { Configuration: configuration(fn), Code: { RepositoryType: 'S3' } });
  }
  let event: unknown;
  try {
    event = body.length ? JSON.parse(body.toString('utf8')) : {};
  } catch {
    return sendError(response, 400, 'InvalidRequestContentException', 'Could not parse request body into json');
  }
  const invocationType = String(request.headers['x-amz-invocation-type'] ?? 'RequestResponse');
  if (invocationType === 'DryRun') {
    response.writeHead(204).end();
    return;
  }
  if (invocationType === 'Event') {
    // Asynchronous invoke: accepted at once; Lambda's async retries are not emulated.
    void fn.invoke(event).then((outcome) => {
      if (!outcome.ok) log(`[${fn.name}] asynchronous invocation failed: ${outcome.error.errorType}: ${outcome.error.errorMessage}`);
    });
    response.writeHead(202).end();
    return;
  }
  if (invocationType !== 'RequestResponse') {
    return sendError(response, 400, 'InvalidParameterValueException', `Unsupported InvocationType ${invocationType}`);
  }
  const outcome = await fn.invoke(event);
  const headers = { 'content-type': 'application/json', 'x-amz-executed-version': '$LATEST' };
  if (outcome.ok) {
    response.writeHead(200, headers).end(JSON.stringify(outcome.result));
  } else {
    response.writeHead(200, { ...headers, 'x-amz-function-error': 'Unhandled' }).end(JSON.stringify(outcome.error));
  }
}

function configuration(fn: LocalFunction) {
  return {
    FunctionName: fn.name,
    FunctionArn: fn.arn,
    Runtime: fn.runtime,
    Handler: fn.handler,
    Timeout: fn.timeoutSeconds,
    MemorySize: fn.memorySize,
    Version: '$LATEST',
    State: 'Active',
    PackageType: 'Zip',
  };
}

/** Lambda's REST-JSON error shape: the SDK reads the type from x-amzn-errortype. */
function sendError(response: ServerResponse, status: number, type: string, message: string) {
  sendJson(response, status, { Type: 'User', message }, { 'x-amzn-errortype': type });
}
