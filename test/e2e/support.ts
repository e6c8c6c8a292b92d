// End-to-end tests drive the service as its users do: HTTP clients through the
// API (with the authorizer) and flow runtimes through Lambda Invoke, on the
// local stack running the synthesized CDK app over the test run's emulators.
import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { startLocalStack, type LocalStack, type LocalStackOptions } from '../../infra/local/stack';
import { createDynamoDbRepositories } from '#adapters/dynamodb/index';
import { createUseCases } from '#use-cases/index';
import type { Role } from '#domain/workspace';

/** The local stack on the test run's emulators and its synthesized cloud assembly, on free ports; `options` add to that. */
export async function startTestStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  return startLocalStack({
    cloudAssemblyDir: inject('cloudAssemblyDir'),
    synth: false,
    ports: 0,
    dynamodbEndpoint: inject('dynamodbEndpoint'),
    sqsEndpoint: inject('sqsEndpoint'),
    ...options,
  });
}

export interface ApiResponse {
  status: number;
  headers: Headers;
  // Tests read whatever shape the route answers.
  body: any;
}

/** An HTTP client of the stack's API holding one token (null: none at all). */
export function apiClient(stack: LocalStack, token: string | null = stack.token ?? null) {
  return async (method: string, path: string, body?: unknown, rawBody?: string): Promise<ApiResponse> => {
    const headers: Record<string, string> = {};
    if (token) headers.authorization = `Token ${token}`;
    if (body !== undefined || rawBody !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${stack.apiUrl}${path}`, {
      method,
      headers,
      ...(rawBody !== undefined ? { body: rawBody } : body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : null };
  };
}

/** Lambda Invoke of the ticket command function, as a flow runtime makes it. */
export function ticketCommand(stack: LocalStack) {
  const lambda = new LambdaClient({
    endpoint: stack.lambdaEndpoint,
    region: stack.region,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  return async (payload: Record<string, unknown>): Promise<{ functionError: string | undefined; body: any }> => {
    const response = await lambda.send(
      new InvokeCommand({ FunctionName: stack.functions.TicketCommand!, InvocationType: 'RequestResponse', Payload: JSON.stringify(payload) }),
    );
    return { functionError: response.FunctionError, body: JSON.parse(Buffer.from(response.Payload!).toString()) };
  };
}

/** People and workspaces the story needs beyond the seeded one, made through the use cases. */
export function directory(stack: LocalStack) {
  const useCases = createUseCases(
    createDynamoDbRepositories({ client: new DynamoDBClient({ endpoint: stack.dynamodbEndpoint }), tableName: stack.tableName }),
  );
  return {
    async member(workspace: string, role: Role, name = `Agent ${randomUUID().slice(0, 6)}`) {
      const user = await useCases.addMember({ workspace, email: `${randomUUID()}@example.com`, name, role });
      const { token } = await useCases.issueApiToken({ workspace, user: user.uuid, name: 'e2e' });
      return { ...user, token };
    },
    async workspace(name: string) {
      const workspace = await useCases.createWorkspace({ name });
      const administrator = await this.member(workspace.uuid, 'administrator', 'Other Administrator');
      return { workspace, administrator };
    },
  };
}

/** Polls `read` until `check` accepts its value (the stream-fed counts are eventually consistent). */
export async function eventually<T>(read: () => Promise<T>, check: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (!check(value) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 150));
    value = await read();
  }
  return value;
}
