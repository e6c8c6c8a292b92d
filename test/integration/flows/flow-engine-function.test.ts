// The FlowEngine function's Invoke contract (docs/flow-engine-service.md):
// commands reach the right use case, refusals are answers, only
// infrastructure failures throw.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { NotFoundError, ValidationError } from '#domain/errors';
import type { FlowUseCases } from '#use-cases/flows';
import { createFlowEngineHandler } from '../../../functions/handlers/flow-engine';

const workspace = randomUUID();

function handlerWith(overrides: Partial<FlowUseCases>) {
  const calls: { name: string; args: unknown }[] = [];
  const record = (name: string) => async (args: unknown) => {
    calls.push({ name, args });
    return { session: null, events: [] };
  };
  const useCases = {
    importFlows: record('importFlows'),
    startFlow: record('startFlow'),
    receiveMsg: record('receiveMsg'),
    ...overrides,
  } as unknown as FlowUseCases;
  return { handler: createFlowEngineHandler(async () => useCases), calls };
}

describe('the FlowEngine function', () => {
  it('passes start_flow to the use case with only the contact fields given, acting as the flow runtime', async () => {
    const { handler, calls } = handlerWith({});
    const contact = { uuid: randomUUID(), name: 'Ryan' };
    await handler({ command: 'start_flow', workspace, flow: { uuid: randomUUID() }, contact });
    expect(calls).toEqual([{ name: 'startFlow', args: { actor: { workspace, user: null }, flow: expect.any(String), contact } }]);
  });

  it('passes receive_msg with no attachments as an empty list', async () => {
    const { handler, calls } = handlerWith({});
    const contact = randomUUID();
    await handler({ command: 'receive_msg', workspace, contact: { uuid: contact }, text: 'hi' });
    expect(calls[0]).toEqual({ name: 'receiveMsg', args: { actor: { workspace, user: null }, contact, text: 'hi', attachments: [] } });
  });

  it('passes the caller\'s message uuid of receive_msg on, so a retry of it is recognized', async () => {
    const { handler, calls } = handlerWith({});
    const contact = randomUUID();
    const uuid = randomUUID();
    await handler({ command: 'receive_msg', workspace, contact: { uuid: contact }, uuid, text: 'hi' });
    expect(calls[0]).toEqual({ name: 'receiveMsg', args: { actor: { workspace, user: null }, contact, text: 'hi', attachments: [], uuid } });
    expect(await handler({ command: 'receive_msg', workspace, contact: { uuid: contact }, uuid: 'not-a-uuid', text: 'hi' })).toMatchObject({ error: { code: 'invalid_request', message: expect.stringContaining('uuid') } });
  });

  it('answers a malformed command with invalid_request naming the fields', async () => {
    const { handler, calls } = handlerWith({});
    expect(await handler({ command: 'receive_msg', workspace: 'nope', contact: {} })).toEqual({
      error: { code: 'invalid_request', message: expect.stringMatching(/workspace: .*contact\.uuid: .*text: /) },
    });
    expect(await handler({ command: 'fly' })).toMatchObject({ error: { code: 'invalid_request' } });
    expect(await handler({ command: 'import_flows', workspace })).toMatchObject({ error: { code: 'invalid_request', message: expect.stringContaining('definitions') } });
    expect(calls).toEqual([]);
  });

  it('answers domain refusals as errors with their code', async () => {
    const { handler } = handlerWith({
      importFlows: async () => Promise.reject(new ValidationError('definitions', 'Invalid flow definition: broken', 'invalid_definition')),
      startFlow: async () => Promise.reject(new NotFoundError('flow_not_found', 'No flow with this uuid in the workspace.')),
    });
    expect(await handler({ command: 'import_flows', workspace, definitions: {} })).toEqual({
      error: { code: 'invalid_definition', message: 'definitions: Invalid flow definition: broken' },
    });
    expect(await handler({ command: 'start_flow', workspace, flow: { uuid: randomUUID() }, contact: { uuid: randomUUID() } })).toEqual({
      error: { code: 'flow_not_found', message: 'No flow with this uuid in the workspace.' },
    });
  });

  it('throws when storage fails, so Lambda reports a FunctionError and the caller may retry — without the cause or a stack trace', async () => {
    const { handler } = handlerWith({ receiveMsg: async () => Promise.reject(new Error('ProvisionedThroughputExceededException')) });
    const failure = await handler({ command: 'receive_msg', workspace, contact: { uuid: randomUUID() }, text: 'hi' }).then(() => null, (error: Error) => error);
    expect(failure).toMatchObject({ name: 'CommandFailed', message: expect.stringContaining('retry'), stack: '' });
    expect(failure!.message).not.toContain('ProvisionedThroughput');
  });
});
