// FlowEngine: the flow engine service for callers inside AWS (Lambda Invoke,
// RequestResponse): import flows, start a flow for a contact, hand it an
// inbound message. Contract: docs/flow-engine-service.md
// and shared/http/invoke-schemas.ts. Bad input and
// refusals come back as `{"error": {"code", "message"}}`; only an
// infrastructure failure throws (Lambda FunctionError), and the caller may
// retry.
import { logger } from '#adapters/observability/logger';
import { observed } from '#adapters/observability/handler';
import type { Context } from 'aws-lambda';
import { DomainError, ValidationError } from '#domain/errors';
import { guardInvoke } from '#http/invoke-entry';
import { describeIssues, flowEngineCommandSchema, type FlowEngineError } from '#http/invoke-schemas';
import type { FlowUseCases } from '#use-cases/flows';
import { wireFlowEngine } from '#wiring/flow-engine';

const failure = (code: string, message: string): FlowEngineError => ({ error: { code, message } });

export function createFlowEngineHandler(useCases: () => Promise<FlowUseCases>) {
  return guardInvoke({ logger, what: 'The flow engine command', refuse: failure }, async (event: unknown, context?: Context) => {
    const parsed = flowEngineCommandSchema.safeParse(event);
    if (!parsed.success) return failure('invalid_request', describeIssues(parsed.error));
    const command = parsed.data;
    const actor = { workspace: command.workspace, user: null };
    logger.appendKeys({ workspace: command.workspace, command: command.command });
    try {
      const flows = await useCases();
      switch (command.command) {
        case 'import_flows':
          return await flows.importFlows({ actor, definitions: command.definitions });
        case 'start_flow': {
          const { uuid: contactUuid, name, urns, fields, language } = command.contact;
          const contact = {
            uuid: contactUuid,
            ...(name !== undefined ? { name } : {}),
            ...(urns !== undefined ? { urns } : {}),
            ...(fields !== undefined ? { fields } : {}),
            ...(language !== undefined ? { language } : {}),
          };
          return await flows.startFlow({
            actor,
            flow: command.flow.uuid,
            contact,
            ...(command.trigger ? { trigger: command.trigger } : {}),
            ...(command.idempotency_key ? { idempotencyKey: command.idempotency_key } : {}),
          });
        }
        case 'receive_msg':
          return await flows.receiveMsg({
            actor,
            contact: command.contact.uuid,
            text: command.text,
            attachments: command.attachments ?? [],
            ...(command.uuid ? { uuid: command.uuid } : {}),
          });
      }
    } catch (error) {
      if (error instanceof ValidationError) return failure(error.code, error.field ? `${error.field}: ${error.message}` : error.message);
      if (error instanceof DomainError) return failure(error.code, error.message);
      throw error;
    } finally {
      logger.removeKeys(['workspace', 'command']);
    }
  });
}

// Wired on the first command (the wiring reads the environment; tests build the handler over their own use cases).
export const handler = observed(createFlowEngineHandler(async () => wireFlowEngine()));
