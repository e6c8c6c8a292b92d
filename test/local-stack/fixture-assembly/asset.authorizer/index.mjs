// Fixture authorizer: "Token good" is allowed, "Token denied" is refused, anything else is 401.
let invocations = 0;

export const handler = async (event) => {
  invocations += 1;
  const header = event.headers?.authorization;
  if (header === 'Token good') {
    return { isAuthorized: true, context: { user: 'fixture-user', invocations, sawBody: 'body' in event } };
  }
  if (header === 'Token denied') return { isAuthorized: false };
  throw new Error('Unauthorized');
};
