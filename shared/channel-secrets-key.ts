// Kept only for DeliveryConsumer until it imports shared/wiring/delivery-consumer.ts (then this file goes).
export { channelSecretsKey } from './wiring/adapters';
