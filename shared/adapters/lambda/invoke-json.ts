// A RequestResponse Lambda Invoke with a JSON payload and a JSON answer: what
// both function clients here share. A function error (the invoked function
// threw) or an answer that is not JSON throws; refusals the function answers
// as data are the caller's to read.
import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';

/** `what` names the function in errors ("the ticket service"). */
export async function invokeJson(client: LambdaClient, functionName: string, payload: unknown, what: string): Promise<unknown> {
  const response = await client.send(new InvokeCommand({ FunctionName: functionName, InvocationType: 'RequestResponse', Payload: JSON.stringify(payload) }));
  const text = response.Payload ? Buffer.from(response.Payload).toString('utf8') : '';
  let answer: unknown = null;
  try {
    answer = JSON.parse(text);
  } catch {
    // Not JSON: reported below.
  }
  if (response.FunctionError) {
    const detail = (typeof answer === 'object' && answer !== null ? answer : {}) as { errorType?: string; errorMessage?: string };
    throw new Error(`${what} failed (${detail.errorType ?? response.FunctionError}: ${detail.errorMessage ?? 'no detail'})`);
  }
  if (typeof answer !== 'object' || answer === null) throw new Error(`${what} gave an answer that is not a JSON object`);
  return answer;
}
