import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'web/src/**/*.test.{ts,tsx}'],
    // One DynamoDB Local and one SQS emulator for the whole run (every test file
    // creates its own uniquely named tables and queues, so files can run in
    // parallel), and one `cdk synth` that every local-stack test reads.
    globalSetup: ['test/setup/emulators.ts', 'test/setup/cloud-assembly.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Quiet runs: the structured log lines of passing tests are not shown; a failing test shows all
    // it logged. Powertools writes to its own stdout Console, which vitest cannot attribute to a test,
    // unless POWERTOOLS_DEV is set: then it logs through `console`, which vitest buffers per test.
    // POWERTOOLS_DEV also turns metrics off; the metrics tests read the EMF output, so they stay on.
    env: { POWERTOOLS_DEV: 'true', POWERTOOLS_METRICS_DISABLED: 'false' },
    silent: 'passed-only',
  },
});
