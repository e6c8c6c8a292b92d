// HttpAuthorizer (and LiveAuthorizer): resolving a token or session to who
// calls, the one access use case an authorizer runs.
import { createAccessUseCases } from '#use-cases/access';
import { useCaseContext } from './adapters';
import { once } from './once';

export const wireHttpAuthorizer = once((): Pick<ReturnType<typeof createAccessUseCases>, 'resolveApiToken'> => {
  const { resolveApiToken } = createAccessUseCases(useCaseContext());
  return { resolveApiToken };
});
