// The environment is read on first use, not on import (shared/config.ts): a
// function's wiring module, and the handler factories beside it, load without
// a Lambda environment; a missing setting still fails loudly, naming itself,
// when the wiring first reads it.
import { afterEach, describe, expect, it, vi } from 'vitest';

const saved = process.env.TABLE_NAME;
afterEach(() => {
  if (saved === undefined) delete process.env.TABLE_NAME;
  else process.env.TABLE_NAME = saved;
  vi.resetModules();
});

describe('config', () => {
  it('imports without TABLE_NAME and names it on first read', async () => {
    delete process.env.TABLE_NAME;
    const { config } = await import('#config');
    expect(() => config.TABLE_NAME).toThrow(/TABLE_NAME is not set/);
  });

  it('reads the environment once, with its defaults and coercions', async () => {
    process.env.TABLE_NAME = 'config-test';
    process.env.API_RATE_LIMIT_PER_HOUR = '120';
    try {
      const { config } = await import('#config');
      expect(config.TABLE_NAME).toBe('config-test');
      expect(config.API_RATE_LIMIT_PER_HOUR).toBe(120);
      expect(config.TELEGRAM_API_URL).toBe('https://api.telegram.org');
      // Read once per container: a later change of the environment is not seen.
      process.env.TABLE_NAME = 'changed';
      expect(config.TABLE_NAME).toBe('config-test');
      expect(Object.keys(config)).toContain('FLOW_TIMERS_SCHEDULE_GROUP');
    } finally {
      delete process.env.API_RATE_LIMIT_PER_HOUR;
    }
  });

  it('lets a wiring module load without a Lambda environment', async () => {
    delete process.env.TABLE_NAME;
    const wiring = await import('#wiring/http-topics');
    expect(typeof wiring.wireHttpTopics).toBe('function');
    expect(() => wiring.wireHttpTopics()).toThrow(/TABLE_NAME is not set/);
  });
});
