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
  },
});
