// Small pieces shared by the two local HTTP servers (HTTP API and Lambda API).
import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import { LocalStackSetupError } from './emulators';

export function listen(handler: RequestListener, port: number, what: string): Promise<Server> {
  const server = createServer(handler);
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'EADDRINUSE'
          ? new LocalStackSetupError(
              `Port ${port} (${what}) is already in use: stop whatever holds it (lsof -i :${port}) or choose another port, see docs/local-stack.md.`,
            )
          : error,
      ),
    );
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

export function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

export function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  response.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
}

/**
 * A percent-encoded path segment, decoded; one that is not valid percent-encoding
 * (`%zz`) comes back as it came, so the caller answers it as a name that matches
 * nothing (a 404), as the AWS services do, instead of failing with a 500.
 */
export function decodePathSegment(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
