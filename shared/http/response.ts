import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

/** What a route implementation answers; `toLambdaResult` turns it into the payload-2.0 result. */
export interface HttpResult {
  status: number;
  /** Serialized as JSON; omitted for 204. */
  body?: unknown;
  headers?: Record<string, string>;
}

export const ok = (body: unknown): HttpResult => ({ status: 200, body });
export const created = (body: unknown): HttpResult => ({ status: 201, body });
export const noContent = (): HttpResult => ({ status: 204 });

export function toLambdaResult(result: HttpResult): APIGatewayProxyStructuredResultV2 {
  if (result.body === undefined) {
    return { statusCode: result.status, headers: { ...result.headers } };
  }
  return {
    statusCode: result.status,
    headers: { 'content-type': 'application/json', ...result.headers },
    body: JSON.stringify(result.body),
  };
}
