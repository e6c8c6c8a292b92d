// A flow is started by its uuid (start_flow, POST /flows/{flow}/start take a
// UUID), so a definition whose uuid is not one is refused at import: it could
// be stored but never started.
import { describe, expect, it } from 'vitest';
import { FlowReadError, readFlow } from '#flows/definition/flow';
import { supportFlow13 } from './fixtures/flows';

describe('a flow\'s uuid', () => {
  it.each(['support-flow', '1234', 'a8d27b94-d3d0-4a96-8074-0f162ddc3f5', '11111111-1111-1111-1111-111111111111'])('refuses %s, naming the field', (uuid) => {
    const attempt = () => readFlow({ ...supportFlow13(), uuid });
    expect(attempt).toThrow(FlowReadError);
    expect(attempt).toThrow("field 'uuid' must be a UUID");
  });

  it('reads a definition whose uuid is a UUID', () => {
    expect(readFlow(supportFlow13()).uuid).toMatch(/^[0-9a-f-]{36}$/);
  });
});
