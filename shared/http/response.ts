import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

/** What a route implementation answers; `toLambdaResult` turns it into the payload-2.0 result. */
export interface HttpResult {
  status: number;
  /** Serialized as JSON; omitted for 204. */
  body?: unknown;
  headers?: Record<string, string>;
  /** Set-Cookie values (payload 2.0 `cookies`). */
  cookies?: string[];
}

export const ok = (body: unknown): HttpResult => ({ status: 200, body });
export const created = (body: unknown): HttpResult => ({ status: 201, body });
export const noContent = (): HttpResult => ({ status: 204 });

export function toLambdaResult(result: HttpResult): APIGatewayProxyStructuredResultV2 {
  const cookies = result.cookies?.length ? { cookies: result.cookies } : {};
  if (result.body === undefined) {
    return { statusCode: result.status, headers: { ...result.headers }, ...cookies };
  }
  return {
    statusCode: result.status,
    headers: { 'content-type': 'application/json', ...result.headers },
    ...cookies,
    body: JSON.stringify(result.body),
  };
}
