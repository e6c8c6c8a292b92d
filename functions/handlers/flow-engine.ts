// FlowEngine's handler over given use cases: the command parsed against its
// schema (shared/http/invoke-schemas.ts), the flow use case it calls, and a
// refusal or a named domain error as its `{"error": {"code", "message"}}`
// answer.
import { logger } from '#adapters/observability/logger';
import type { Context } from 'aws-lambda';
import { DomainError, ValidationError } from '#domain/errors';
import type { FlowUseCases } from '#use-cases/flows';
import { guardInvoke } from '#http/invoke-entry';
import { describeIssues, flowEngineCommandSchema, type FlowEngineError } from '#http/invoke-schemas';

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
