// LiveAuthorizer: the same credentials as the HTTP API's authorizer, resolved by the same use case.
export { wireHttpAuthorizer as wireLiveAuthorizer } from './http-authorizer';
