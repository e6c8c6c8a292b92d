// The live-updates frame parser (what a WebSocket client may send) and the
// rules the consumer applies: arbitrary text never throws, and every answer is
// either a frame of the contract or an error frame naming what was wrong.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_FRAME_LENGTH, maySeeTopic, parseClientFrame } from '#domain/live';
import { compareDecimal } from '#use-cases/live';

const TICKET = '0195f3a1-7c2e-7b3a-9d4e-1a2b3c4d5e6f';

describe('parseClientFrame', () => {
  it('reads the three frames of the contract', () => {
    expect(parseClientFrame('{"action":"ping"}')).toEqual({ ok: true, frame: { action: 'ping' } });
    expect(parseClientFrame(`{"action":"subscribe","ticket_uuid":"${TICKET.toUpperCase()}"}`)).toEqual({ ok: true, frame: { action: 'subscribe', ticket_uuid: TICKET } });
    expect(parseClientFrame('{"action":"subscribe","ticket_uuid":null}')).toEqual({ ok: true, frame: { action: 'subscribe', ticket_uuid: null } });
    expect(parseClientFrame(`{"action":"typing","ticket_uuid":"${TICKET}"}`)).toEqual({ ok: true, frame: { action: 'typing', ticket_uuid: TICKET } });
  });

  it.each([
    ['', 'invalid_frame'],
    ['{', 'invalid_frame'],
    ['null', 'invalid_frame'],
    ['[1]', 'invalid_frame'],
    ['"ping"', 'invalid_frame'],
    ['{}', 'invalid_frame'],
    ['{"action":7}', 'invalid_frame'],
    ['{"action":"subscribe"}', 'invalid_frame'],
    ['{"action":"subscribe","ticket_uuid":"../../x"}', 'invalid_frame'],
    ['{"action":"typing","ticket_uuid":null}', 'invalid_frame'],
    ['{"action":"dance"}', 'unknown_action'],
    ['{"action":"__proto__"}', 'unknown_action'],
  ])('%s → error %s', (text, code) => {
    const parsed = parseClientFrame(text);
    expect(parsed).toMatchObject({ ok: false, error: { type: 'error', code } });
  });

  it('refuses frames longer than its limit without parsing them', () => {
    expect(parseClientFrame(`{"action":"ping","pad":"${'x'.repeat(MAX_FRAME_LENGTH)}"}`)).toMatchObject({ ok: false, error: { code: 'invalid_frame' } });
  });

  it('never throws, whatever the text; answers are a contract frame or an error frame with a message', () => {
    const jsonish = fc.oneof(
      fc.string(),
      fc.json(),
      fc.record({ action: fc.oneof(fc.constantFrom('ping', 'subscribe', 'typing', 'dance'), fc.string()), ticket_uuid: fc.oneof(fc.uuid(), fc.string(), fc.constant(null), fc.integer()) }).map((value) => JSON.stringify(value)),
    );
    fc.assert(
      fc.property(fc.oneof(jsonish, fc.anything()), (input) => {
        const parsed = parseClientFrame(input);
        if (parsed.ok) expect(['ping', 'subscribe', 'typing']).toContain(parsed.frame.action);
        else {
          expect(['invalid_frame', 'unknown_action']).toContain(parsed.error.code);
          expect(parsed.error.message.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('rules of the consumer', () => {
  it('a connection without a topic list sees every topic; with one, only those', () => {
    expect(maySeeTopic({ topics: null }, 'a')).toBe(true);
    expect(maySeeTopic({ topics: ['a'] }, 'a')).toBe(true);
    expect(maySeeTopic({ topics: ['a'] }, 'b')).toBe(false);
    expect(maySeeTopic({ topics: [] }, 'a')).toBe(false);
  });

  it('compares stream sequence numbers as decimal integers beyond Number precision', () => {
    expect(compareDecimal('100000000000000000000000001', '100000000000000000000000002')).toBeLessThan(0);
    expect(compareDecimal('9', '10')).toBeLessThan(0);
    expect(compareDecimal('010', '10')).toBe(0);
    fc.assert(fc.property(fc.bigInt({ min: 0n, max: 10n ** 40n }), fc.bigInt({ min: 0n, max: 10n ** 40n }), (a, b) => {
      expect(Math.sign(compareDecimal(a.toString(), b.toString()))).toBe(a < b ? -1 : a > b ? 1 : 0);
    }));
  });
});
