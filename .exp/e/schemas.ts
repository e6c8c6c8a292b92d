export * from '../../shared/http/schemas'; export const handler = () => 1;
