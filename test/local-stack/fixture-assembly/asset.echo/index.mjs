// Fixture route handler: answers with what it received, so tests can check the event and context.
export const handler = async (event, context) => {
  if (event.rawPath === '/public/throw' || event.fail) throw new TypeError('fixture failure');
  if (event.rawPath === '/public/plain') return { plain: true };
  if (event.rawPath === '/public/slow') await new Promise((resolve) => setTimeout(resolve, 5_000));
  const echo = {
    event,
    functionName: context.functionName,
    remainingMs: context.getRemainingTimeInMillis(),
    requestId: context.awsRequestId,
    env: {
      TABLE_NAME: process.env.TABLE_NAME,
      QUEUE_URL: process.env.QUEUE_URL,
      OWN_ARN: process.env.OWN_ARN,
      SECRET: process.env.SECRET,
      AWS_ENDPOINT_URL_DYNAMODB: process.env.AWS_ENDPOINT_URL_DYNAMODB,
      AWS_LAMBDA_FUNCTION_NAME: process.env.AWS_LAMBDA_FUNCTION_NAME,
    },
  };
  if (!event.requestContext) return echo; // a direct Lambda invoke
  return { statusCode: 201, headers: { 'x-fixture': 'yes' }, cookies: ['a=1', 'b=2'], body: JSON.stringify(echo) };
};
