// Serves the API Gateway WebSocket API of the templates (ProtocolType
// WEBSOCKET) on localhost with the `ws` library, the way API Gateway does:
// the $connect REQUEST authorizer (identity sources, an IAM policy answer, its
// context passed with every later event), route selection on
// `$request.body.action` with $default for the rest, route responses for
// routes that return one, $disconnect when a socket closes or breaks, the
// 10-minute idle timeout, and the management API the functions call through
// their SDK: POST/GET/DELETE `/<stage>/@connections/{id}` (410 GoneException
// for a connection that is not open).
//
// The server listens before the functions start, because their environment
// refers to the API's endpoint (Fn::GetAtt ApiEndpoint → ws://127.0.0.1:port);
// the routes are attached once the functions exist.
import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import { LOCAL_ACCOUNT_ID, resourcesOfType, type CloudAssembly, type IntrinsicResolver, type SynthesizedStack } from './cloud-assembly';
import type { FunctionHost, LocalFunction } from './functions';
import { decodePathSegment, listen, readBody, sendJson } from './http-server';

/** API Gateway closes a connection idle this long (no frame either way). */
export const IDLE_TIMEOUT_MS = 10 * 60 * 1000;
/** API Gateway's frame limit. */
const MAX_FRAME_BYTES = 128 * 1024;

interface WebSocketRoute {
  function: LocalFunction;
  /** A route response exists: the integration's `body` goes back to the client. */
  returnsResponse: boolean;
}

interface WebSocketAuthorizer {
  function: LocalFunction;
  /** `route.request.header.X` / `route.request.querystring.X`; all must be present. */
  identitySource: string[];
}

export interface LocalWebSocketApi {
  apiId: string;
  stageName: string;
  routeSelectionExpression: string;
  routes: Map<string, WebSocketRoute>;
  authorizer: WebSocketAuthorizer | undefined;
}

/** The WebSocket APIs declared in the templates: logical id and stack, before any function runs. */
export function declaredWebSocketApis(assembly: CloudAssembly) {
  return resourcesOfType(assembly, 'AWS::ApiGatewayV2::Api').filter(({ resource }) => resource.Properties?.ProtocolType === 'WEBSOCKET');
}

/** Registers the API (Ref = its id, ApiEndpoint = the local server) and its stage (Ref = the stage name) with the resolver. */
export function registerWebSocketApi(resolver: IntrinsicResolver, stack: SynthesizedStack, logicalId: string, endpoint: string): { apiId: string; stageName: string } {
  const apiId = logicalId.toLowerCase().slice(0, 10);
  resolver.register(stack, logicalId, { ref: apiId, attributes: { ApiEndpoint: endpoint, ApiId: apiId } });
  let stageName = '$default';
  for (const [stageId, resource] of Object.entries(stack.resources)) {
    if (resource.Type !== 'AWS::ApiGatewayV2::Stage' || (resource.Properties?.ApiId as { Ref?: string } | undefined)?.Ref !== logicalId) continue;
    stageName = String(resource.Properties?.StageName);
    resolver.register(stack, stageId, { ref: stageName, attributes: {} });
  }
  return { apiId, stageName };
}

/** Reads the routes, integrations, route responses and authorizer of one WebSocket API. */
export function readWebSocketApi(
  stack: SynthesizedStack,
  logicalId: string,
  ids: { apiId: string; stageName: string },
  resolver: IntrinsicResolver,
  functions: FunctionHost,
): LocalWebSocketApi {
  const api = stack.resources[logicalId]!;
  const belongs = (properties: Record<string, unknown> | undefined) => (properties?.ApiId as { Ref?: string } | undefined)?.Ref === logicalId;
  const functionFromUri = (uri: unknown): LocalFunction => {
    const resolved = resolver.resolveString(uri, stack);
    const arn = resolved.match(/functions\/(.+)\/invocations$/)?.[1] ?? resolved;
    const fn = functions.find(arn);
    if (!fn) throw new Error(`WebSocket integration refers to ${resolved}, which is not a function of the templates`);
    return fn;
  };
  const routeResponses = new Set(
    Object.values(stack.resources)
      .filter((resource) => resource.Type === 'AWS::ApiGatewayV2::RouteResponse' && belongs(resource.Properties))
      .map((resource) => (resource.Properties?.RouteId as { Ref?: string } | undefined)?.Ref),
  );
  const routes = new Map<string, WebSocketRoute>();
  let authorizer: WebSocketAuthorizer | undefined;
  for (const [routeId, resource] of Object.entries(stack.resources)) {
    const properties = resource.Properties ?? {};
    if (resource.Type !== 'AWS::ApiGatewayV2::Route' || !belongs(properties)) continue;
    const integrationId = resolver.resolveString(properties.Target, stack).replace(/^integrations\//, '');
    const integration = stack.resources[integrationId]?.Properties ?? {};
    if (integration.IntegrationType !== 'AWS_PROXY') throw new Error(`${routeId}: only Lambda proxy integrations run locally`);
    routes.set(String(properties.RouteKey), { function: functionFromUri(integration.IntegrationUri), returnsResponse: routeResponses.has(routeId) });
    const authorizerId = (properties.AuthorizerId as { Ref?: string } | undefined)?.Ref;
    if (properties.AuthorizationType === 'CUSTOM' && authorizerId) {
      const declared = stack.resources[authorizerId]?.Properties ?? {};
      authorizer = { function: functionFromUri(declared.AuthorizerUri), identitySource: (declared.IdentitySource as string[] | undefined) ?? [] };
    }
  }
  return {
    ...ids,
    routeSelectionExpression: String(api.Properties?.RouteSelectionExpression ?? '$request.body.action'),
    routes,
    authorizer,
  };
}

interface OpenConnection {
  socket: WebSocket;
  connectedAt: number;
  lastActiveAt: number;
  sourceIp: string;
  userAgent: string;
  authorizer: Record<string, unknown>;
  idle: NodeJS.Timeout;
}

export interface RunningWebSocketServer {
  server: Server;
  /** `ws://127.0.0.1:<port>`: the API's endpoint (clients connect to `<endpoint>/<stage>`). */
  endpoint: string;
  attach(api: LocalWebSocketApi): void;
  /** Open connections by id (tests read it). */
  connections: ReadonlyMap<string, unknown>;
  stop(): Promise<void>;
}

export async function startWebSocketServer(port: number, options: { region: string; log: (line: string) => void }): Promise<RunningWebSocketServer> {
  let api: LocalWebSocketApi | undefined;
  /** Set when the stack stops: closing sockets then runs no $disconnect (the functions are gone). */
  let stopping = false;
  const connections = new Map<string, OpenConnection>();
  const sockets = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });

  const server = await listen(
    (request, response) => {
      manage(request, response).catch((error: Error) => {
        options.log(`WebSocket API: ${error.stack ?? error.message}`);
        if (!response.headersSent) sendJson(response, 500, { message: 'Internal server error' });
        else response.end();
      });
    },
    port,
    'WebSocket API (TICKETER_LIVE_PORT)',
  );
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the WebSocket server is not listening on a TCP port');
  const endpoint = `ws://127.0.0.1:${address.port}`;

  const requestContext = (connectionId: string, routeKey: string, eventType: string, extra: Record<string, unknown> = {}) => {
    const now = new Date();
    return {
      routeKey,
      eventType,
      messageDirection: 'IN',
      extendedRequestId: randomUUID(),
      requestTime: now.toUTCString(),
      requestTimeEpoch: now.getTime(),
      stage: api?.stageName ?? '',
      requestId: randomUUID(),
      domainName: endpoint.replace(/^ws:\/\//, ''),
      connectionId,
      apiId: api?.apiId ?? '',
      ...extra,
    };
  };

  /** The management API (@connections), which PostToConnection and friends call. */
  async function manage(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const match = /^\/([^/]+)\/(?:@|%40)connections\/([^/]+)$/.exec(url.pathname);
    if (!api || !match || decodePathSegment(match[1]!) !== api.stageName) return sendJson(response, 404, { message: 'Not Found' });
    const connection = connections.get(decodePathSegment(match[2]!));
    const body = await readBody(request);
    if (!connection || connection.socket.readyState !== WebSocket.OPEN) {
      response.setHeader('x-amzn-ErrorType', 'GoneException');
      return sendJson(response, 410, { message: 'Gone' });
    }
    switch (request.method) {
      case 'POST':
        if (body.length > MAX_FRAME_BYTES) {
          response.setHeader('x-amzn-ErrorType', 'PayloadTooLargeException');
          return sendJson(response, 413, { message: 'Payload too large' });
        }
        connection.socket.send(body.toString('utf8'));
        touch(match[2]!, connection);
        response.writeHead(200).end();
        return;
      case 'GET':
        return sendJson(response, 200, {
          connectedAt: new Date(connection.connectedAt).toISOString(),
          lastActiveAt: new Date(connection.lastActiveAt).toISOString(),
          identity: { sourceIp: connection.sourceIp, userAgent: connection.userAgent },
        });
      case 'DELETE':
        connection.socket.close(1000);
        response.writeHead(204).end();
        return;
      default:
        return sendJson(response, 404, { message: 'Not Found' });
    }
  }

  function touch(connectionId: string, connection: OpenConnection): void {
    connection.lastActiveAt = Date.now();
    clearTimeout(connection.idle);
    connection.idle = setTimeout(() => {
      options.log(`WebSocket API: ${connectionId} idle for 10 minutes, closed`);
      connection.socket.close(1001, 'Going away');
    }, IDLE_TIMEOUT_MS);
  }

  function refuse(socket: Duplex, status: number, message: string): void {
    const body = JSON.stringify({ message });
    socket.end(`HTTP/1.1 ${status} ${message}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
  }

  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    // A client gone mid-handshake must not take the process down with an unhandled socket error.
    socket.on('error', () => socket.destroy());
    handshake(request, socket, head).catch((error: Error) => {
      options.log(`WebSocket API: ${error.stack ?? error.message}`);
      refuse(socket, 500, 'Internal Server Error');
    });
  });

  async function handshake(request: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (!api || url.pathname.replace(/\/+$/, '') !== `/${api.stageName}`) return refuse(socket, 404, 'Not Found');
    const connectionId = randomBytes(10).toString('base64');
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers)) if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(',') : value;
    const queryStringParameters: Record<string, string> = {};
    for (const key of new Set(url.searchParams.keys())) queryStringParameters[key] = url.searchParams.get(key)!;
    const sourceIp = request.socket.remoteAddress?.replace(/^::ffff:/, '') ?? '127.0.0.1';
    const base = {
      headers,
      multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, [value]])),
      ...(Object.keys(queryStringParameters).length
        ? { queryStringParameters, multiValueQueryStringParameters: Object.fromEntries(Object.entries(queryStringParameters).map(([key, value]) => [key, [value]])) }
        : {}),
    };
    const connectedAt = Date.now();
    const connectContext = requestContext(connectionId, '$connect', 'CONNECT', { connectedAt, identity: { sourceIp, userAgent: headers['user-agent'] ?? '' } });

    let authorizerContext: Record<string, unknown> = {};
    if (api.authorizer) {
      const present = api.authorizer.identitySource.every((expression) => {
        const header = /^route\.request\.header\.(.+)$/.exec(expression);
        const query = /^route\.request\.querystring\.(.+)$/.exec(expression);
        const value = header ? headers[header[1]!.toLowerCase()] : query ? queryStringParameters[query[1]!] : undefined;
        return value !== undefined && value !== '';
      });
      if (!present) return refuse(socket, 401, 'Unauthorized');
      const outcome = await api.authorizer.function.invoke({
        type: 'REQUEST',
        methodArn: `arn:aws:execute-api:${options.region}:${LOCAL_ACCOUNT_ID}:${api.apiId}/${api.stageName}/$connect`,
        ...base,
        stageVariables: {},
        requestContext: connectContext,
      });
      if (!outcome.ok) return outcome.error.errorMessage === 'Unauthorized' ? refuse(socket, 401, 'Unauthorized') : refuse(socket, 500, 'Internal Server Error');
      const result = outcome.result as { principalId?: string; policyDocument?: { Statement?: { Effect?: string; Action?: string | string[] }[] }; context?: Record<string, unknown> } | null;
      const statements = result?.policyDocument?.Statement ?? [];
      const invokes = (statement: { Action?: string | string[] }) => [statement.Action].flat().some((action) => action === 'execute-api:Invoke' || action === 'execute-api:*' || action === '*');
      const allowed = statements.some((statement) => statement.Effect === 'Allow' && invokes(statement)) && !statements.some((statement) => statement.Effect === 'Deny' && invokes(statement));
      if (!allowed) return refuse(socket, 403, 'Forbidden');
      authorizerContext = { ...result?.context, principalId: result?.principalId };
    }

    const connectRoute = api.routes.get('$connect');
    if (connectRoute) {
      const outcome = await connectRoute.function.invoke({ ...base, requestContext: { ...connectContext, authorizer: authorizerContext }, isBase64Encoded: false });
      if (!outcome.ok) return refuse(socket, 500, 'Internal Server Error');
      const status = Number((outcome.result as { statusCode?: unknown } | null)?.statusCode ?? 200);
      if (status < 200 || status > 299) return refuse(socket, status, status === 401 ? 'Unauthorized' : 'Forbidden');
    }

    sockets.handleUpgrade(request, socket, head, (ws) => {
      const connection: OpenConnection = {
        socket: ws,
        connectedAt,
        lastActiveAt: Date.now(),
        sourceIp,
        userAgent: headers['user-agent'] ?? '',
        authorizer: authorizerContext,
        idle: setTimeout(() => undefined, 0),
      };
      connections.set(connectionId, connection);
      touch(connectionId, connection);
      ws.on('message', (data, isBinary) => {
        touch(connectionId, connection);
        message(connectionId, connection, isBinary ? Buffer.from(data as Buffer).toString('base64') : data.toString()).catch((error: Error) =>
          options.log(`WebSocket API: a frame of ${connectionId} failed: ${error.message}`),
        );
      });
      // A close frame or a broken socket (destroyed without one) ends the connection alike.
      ws.on('close', () => {
        clearTimeout(connection.idle);
        connections.delete(connectionId);
        const route = api?.routes.get('$disconnect');
        if (!route || stopping) return;
        route.function
          .invoke({ headers, requestContext: { ...requestContext(connectionId, '$disconnect', 'DISCONNECT'), authorizer: authorizerContext }, isBase64Encoded: false })
          .then((outcome) => (outcome.ok ? undefined : options.log(`WebSocket API: $disconnect of ${connectionId} failed: ${outcome.error.errorMessage}`)))
          .catch((error: Error) => options.log(`WebSocket API: $disconnect of ${connectionId} failed: ${error.message}`));
      });
      ws.on('error', () => ws.terminate());
    });
  }

  /** Route selection: the expression's value when a route has that key, else $default. */
  function selectRoute(body: string): string {
    const selector = /^\$request\.body\.(.+)$/.exec(api?.routeSelectionExpression ?? '')?.[1];
    let value: unknown;
    try {
      value = selector ? selector.split('.').reduce<unknown>((object, key) => (object !== null && typeof object === 'object' ? (object as Record<string, unknown>)[key] : undefined), JSON.parse(body)) : undefined;
    } catch {
      value = undefined;
    }
    return typeof value === 'string' && api?.routes.has(value) && !value.startsWith('$') ? value : '$default';
  }

  async function message(connectionId: string, connection: OpenConnection, body: string): Promise<void> {
    const routeKey = selectRoute(body);
    const route = api?.routes.get(routeKey);
    const context = requestContext(connectionId, routeKey, 'MESSAGE', { messageId: randomBytes(8).toString('base64'), identity: { sourceIp: connection.sourceIp }, connectedAt: connection.connectedAt });
    const reply = (text: string) => connection.socket.readyState === WebSocket.OPEN && connection.socket.send(text);
    if (!route) return void reply(JSON.stringify({ message: 'Forbidden', connectionId, requestId: context.requestId }));
    const outcome = await route.function.invoke({ requestContext: { ...context, authorizer: connection.authorizer }, body, isBase64Encoded: false });
    if (!outcome.ok) return void reply(JSON.stringify({ message: 'Internal server error', connectionId, requestId: context.requestId }));
    const result = outcome.result as { body?: unknown } | string | null;
    const answer = typeof result === 'string' ? result : typeof result?.body === 'string' ? result.body : undefined;
    if (route.returnsResponse && answer !== undefined && answer !== '') reply(answer);
  }

  return {
    server,
    endpoint,
    attach(definition) {
      api = definition;
    },
    connections,
    async stop() {
      stopping = true;
      for (const connection of connections.values()) {
        clearTimeout(connection.idle);
        connection.socket.terminate();
      }
      await new Promise<void>((resolve) => sockets.close(() => resolve()));
      server.closeAllConnections?.();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
