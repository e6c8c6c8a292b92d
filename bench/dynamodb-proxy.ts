// A recording HTTP proxy in front of DynamoDB Local. The local stack's
// functions are pointed at it (through the stack's `dynamodbEndpoint`), so the
// benchmark sees their own DynamoDB traffic without any change to function
// code: every request is forwarded unchanged, and the operation name
// (`X-Amz-Target`) and the `ConsumedCapacity` of the response are attributed
// to the measurement window open when the request arrived.
import http from 'node:http';
import { gunzipSync } from 'node:zlib';

/** One DynamoDB call as the proxy saw it. */
export interface RecordedCall {
  /** The operation, e.g. `TransactWriteItems` (the part of `X-Amz-Target` after the dot). */
  operation: string;
  readUnits: number;
  writeUnits: number;
  /** HTTP status DynamoDB answered with (400 for a cancelled transaction, say). */
  status: number;
}

/** The calls made while one measured request was in flight. */
export interface MeasurementWindow {
  calls: RecordedCall[];
}

export interface DynamoDbProxyOptions {
  /** DynamoDB Local's endpoint, e.g. http://127.0.0.1:8002. */
  target: string;
  /**
   * Calls that belong to no measured request even when one is in flight (the
   * stream consumer's writes, say): counted apart, in `background`.
   */
  isBackground?: (operation: string, requestBody: string) => boolean;
}

export interface DynamoDbProxy {
  endpoint: string;
  /** Opens a window; every table call arriving until `close()` lands in it. One window at a time. */
  openWindow(): { window: MeasurementWindow; close(): MeasurementWindow };
  /** Background calls since the start, and when the last one arrived (performance.now()). */
  background: { calls: number; readUnits: number; writeUnits: number; lastAt: number };
  stop(): Promise<void>;
}

const TABLE_API = 'DynamoDB_20120810.';
const WRITE_OPERATIONS = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem', 'TransactWriteItems']);

interface ConsumedCapacityEntry {
  CapacityUnits?: number;
  ReadCapacityUnits?: number;
  WriteCapacityUnits?: number;
}

/**
 * Read and write units of one response. With ReturnConsumedCapacity TOTAL
 * DynamoDB gives only `CapacityUnits` (one object, or one per table for batch
 * and transaction calls), so the operation decides whether they are read or
 * write units; `ReadCapacityUnits`/`WriteCapacityUnits` are used when present.
 */
export function capacityOf(operation: string, responseBody: unknown): { readUnits: number; writeUnits: number } {
  const consumed = (responseBody as { ConsumedCapacity?: ConsumedCapacityEntry | ConsumedCapacityEntry[] } | null)?.ConsumedCapacity;
  const entries = consumed === undefined ? [] : Array.isArray(consumed) ? consumed : [consumed];
  let readUnits = 0;
  let writeUnits = 0;
  for (const entry of entries) {
    if (entry.ReadCapacityUnits !== undefined || entry.WriteCapacityUnits !== undefined) {
      readUnits += entry.ReadCapacityUnits ?? 0;
      writeUnits += entry.WriteCapacityUnits ?? 0;
    } else if (WRITE_OPERATIONS.has(operation)) writeUnits += entry.CapacityUnits ?? 0;
    else readUnits += entry.CapacityUnits ?? 0;
  }
  return { readUnits, writeUnits };
}

export async function startDynamoDbProxy(options: DynamoDbProxyOptions): Promise<DynamoDbProxy> {
  const target = new URL(options.target);
  // Kept-alive connections to DynamoDB Local, so the extra hop costs as little as it can.
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  let current: MeasurementWindow | undefined;
  const background = { calls: 0, readUnits: 0, writeUnits: 0, lastAt: 0 };

  const server = http.createServer((request, response) => {
    const window = current; // the window open when the request arrived
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const requestBody = Buffer.concat(chunks);
      const amzTarget = String(request.headers['x-amz-target'] ?? '');
      const operation = amzTarget.startsWith(TABLE_API) ? amzTarget.slice(TABLE_API.length) : undefined;
      const upstream = http.request(
        { host: target.hostname, port: target.port, method: request.method, path: request.url, headers: request.headers, agent },
        (upstreamResponse) => {
          const responseChunks: Buffer[] = [];
          upstreamResponse.on('data', (chunk: Buffer) => responseChunks.push(chunk));
          upstreamResponse.on('end', () => {
            const responseBody = Buffer.concat(responseChunks);
            // Streams API calls (the pipe's polling) and control-plane calls are not table traffic.
            if (operation !== undefined) {
              const call: RecordedCall = {
                operation,
                ...capacityOf(operation, parseJson(responseBody, upstreamResponse.headers['content-encoding'])),
                status: upstreamResponse.statusCode ?? 0,
              };
              if (options.isBackground?.(operation, requestBody.toString('utf8'))) {
                background.calls += 1;
                background.readUnits += call.readUnits;
                background.writeUnits += call.writeUnits;
                background.lastAt = performance.now();
              } else window?.calls.push(call);
            }
            response.writeHead(upstreamResponse.statusCode ?? 502, upstreamResponse.headers);
            response.end(responseBody);
          });
          upstreamResponse.on('error', (error) => response.destroy(error));
        },
      );
      upstream.on('error', (error) => {
        if (!response.headersSent) response.writeHead(502, { 'content-type': 'text/plain' });
        response.end(`DynamoDB proxy: ${error.message}`);
      });
      upstream.end(requestBody);
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as { port: number };

  return {
    endpoint: `http://127.0.0.1:${port}`,
    openWindow() {
      if (current) throw new Error('A measurement window is already open: measurements run one at a time.');
      const window: MeasurementWindow = { calls: [] };
      current = window;
      return {
        window,
        close() {
          if (current === window) current = undefined;
          return window;
        },
      };
    },
    background,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      agent.destroy();
    },
  };
}

function parseJson(body: Buffer, encoding: string | undefined): unknown {
  try {
    return JSON.parse((encoding === 'gzip' ? gunzipSync(body) : body).toString('utf8'));
  } catch {
    return null;
  }
}
