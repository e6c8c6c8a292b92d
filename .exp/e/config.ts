export * from '../../shared/config'; export const handler = () => 1;
