export * from '../../shared/http/schemas'; export * from '../../shared/config'; export const handler = () => 1;
