// LiveUpdatesConsumer: the live-update use cases LiveConnections uses too.
export { wireLiveConnections as wireLiveUpdatesConsumer } from './live-connections';
