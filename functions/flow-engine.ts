// FlowEngine: the flow engine service for callers inside AWS (Lambda Invoke,
// RequestResponse): import flows, start a flow for a contact, hand it an
// inbound message. Contract: docs/flow-engine-service.md. Bad input and
// refusals come back as `{"error": {"code", "message"}}`; only an
// infrastructure failure throws (Lambda FunctionError), and the caller may
// retry.
import { logger } from '#adapters/observability/logger';
import { observed } from '#adapters/observability/handler';
import type { Context } from 'aws-lambda';
import { z } from 'zod';
import { DomainError, ValidationError } from '#domain/errors';
import { MAX_ATTACHMENT_LENGTH, MAX_CODE_LENGTH, MAX_FLOW_START_KEY_LENGTH, MAX_MESSAGE_TEXT_LENGTH, MAX_TOPIC_NAME_LENGTH } from '#domain/limits';
import { guardInvoke } from '#http/invoke-entry';
import { describeIssues } from '#http/invoke-validation';
import { contactInputSchema } from '#http/schemas';
import type { FlowUseCases } from '#use-cases/flows';

const uuid = z.uuid();

export const flowEngineCommandSchema = z.discriminatedUnion('command', [
  z.object({ command: z.literal('import_flows'), workspace: uuid, definitions: z.unknown().refine((value) => value !== undefined, 'Required') }),
  z.object({
    command: z.literal('start_flow'),
    workspace: uuid,
    flow: z.object({ uuid }),
    contact: contactInputSchema.extend({ uuid }),
    // A closed-ticket trigger (docs/triggers.md) starts with a goflow `ticket` trigger and an idempotency key named after the close.
    trigger: z
      .object({
        type: z.literal('ticket'),
        event: z.looseObject({ type: z.literal('ticket_closed'), created_on: z.string().max(MAX_CODE_LENGTH) }),
        ticket: z.looseObject({ uuid, status: z.string().max(MAX_CODE_LENGTH).optional(), topic: z.looseObject({ uuid, name: z.string().max(MAX_TOPIC_NAME_LENGTH) }).nullable() }),
      })
      .optional(),
    idempotency_key: z.string().min(1).max(MAX_FLOW_START_KEY_LENGTH).optional(),
  }),
  z.object({
    command: z.literal('receive_msg'),
    workspace: uuid,
    contact: z.object({ uuid }),
    // The caller's message uuid: a retry with the same uuid answers the first outcome (docs/flow-engine-service.md).
    uuid: uuid.optional(),
    text: z.string().max(MAX_MESSAGE_TEXT_LENGTH),
    attachments: z.array(z.string().max(MAX_ATTACHMENT_LENGTH)).optional(),
  }),
]);

export type FlowEngineCommand = z.infer<typeof flowEngineCommandSchema>;
export type FlowEngineError = { error: { code: string; message: string } };

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

// The composition reads the environment; loading it lazily keeps this module importable by tests of the contract.
export const handler = observed(createFlowEngineHandler(async () => (await import('../shared/flow-composition')).flowUseCases));
