// FlowTimers: what a flow timer's EventBridge Scheduler schedule invokes
// (asynchronously) when a wait times out or a session expires
// (docs/flow-engine-service.md, "Timers"). A timer whose wait is over answers
// `fired: false` and changes nothing; an infrastructure failure throws, so
// Lambda retries the invocation and then parks it in the dead-letter queue.
// What it does with a timer: functions/handlers/flow-timers.ts.
import { observed } from '#adapters/observability/handler';
import { createFlowTimersHandler } from './handlers/flow-timers';
import { wireFlowTimers } from '#wiring/flow-timers';

// Wired on the first timer (the wiring reads the environment; tests build the handler over their own use cases).
export const handler = observed(createFlowTimersHandler(async () => wireFlowTimers()));
