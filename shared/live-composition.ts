// Kept only for LiveUpdatesConsumer until it imports shared/wiring/live-updates-consumer.ts (then this file goes).
import { wireLiveConnections } from './wiring/live-connections';

export const liveUseCases = wireLiveConnections();
