// Vitest global setup: synthesizes the CDK app once per run into a temporary
// folder, so every test that runs the local stack reads the same cloud
// assembly (and none races `npm start` over the project's own cdk.out).
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { synthesize } from '../../infra/local/stack';

declare module 'vitest' {
  export interface ProvidedContext {
    cloudAssemblyDir: string;
  }
}

export default async function setup(project: TestProject) {
  const cloudAssemblyDir = mkdtempSync(path.join(os.tmpdir(), 'ticketer-cdk-out-'));
  await synthesize(cloudAssemblyDir, () => undefined);
  project.provide('cloudAssemblyDir', cloudAssemblyDir);
  return () => rmSync(cloudAssemblyDir, { recursive: true, force: true });
}
