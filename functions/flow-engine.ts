// FlowEngine: the flow engine service for callers inside AWS (Lambda Invoke,
// RequestResponse): import flows, start a flow for a contact, hand it an
// inbound message. Contract: docs/flow-engine-service.md
// and shared/http/invoke-schemas.ts. Bad input and
// refusals come back as `{"error": {"code", "message"}}`; only an
// infrastructure failure throws (Lambda FunctionError), and the caller may
// retry.
// What each command does: functions/handlers/flow-engine.ts.
import { observed } from '#adapters/observability/handler';
import { createFlowEngineHandler } from './handlers/flow-engine';
import { wireFlowEngine } from '#wiring/flow-engine';

// Wired on the first command (the wiring reads the environment; tests build the handler over their own use cases).
export const handler = observed(createFlowEngineHandler(async () => wireFlowEngine()));
