// docs/deploy.md's "in the templates" table says how many functions, pipes,
// queues… the CDK app deploys: this test counts them in the synthesized
// templates (the test run's one `cdk synth`), so the table cannot fall behind
// the app.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it, inject } from 'vitest';
import { nameInStack } from '../../infra/local/cloud-assembly';
import { PROJECT_ROOT } from '../../infra/local/stack';

/** The table's first column (up to any parenthesis) → the resource types it counts. */
const ROWS: Record<string, { types: string[]; stack?: string }> = {
  'Lambda functions': { types: ['AWS::Lambda::Function'], stack: 'TicketerStateless' },
  'EventBridge pipes': { types: ['AWS::Pipes::Pipe'] },
  'SNS topics': { types: ['AWS::SNS::Topic'] },
  'SQS queues': { types: ['AWS::SQS::Queue'] },
  'SQS event source mappings': { types: ['AWS::Lambda::EventSourceMapping'] },
  'API Gateway APIs': { types: ['AWS::ApiGatewayV2::Api'] },
  'CloudFront distributions': { types: ['AWS::CloudFront::Distribution'] },
  'EventBridge Scheduler schedule groups': { types: ['AWS::Scheduler::ScheduleGroup'] },
};

function documentedCounts(): Map<string, number> {
  const markdown = readFileSync(path.join(PROJECT_ROOT, 'docs/deploy.md'), 'utf8');
  const counts = new Map<string, number>();
  for (const match of markdown.matchAll(/^\| ([^|(]+?)(?: \([^|]*\))? \| (\d+) \|/gm)) counts.set(match[1]!, Number(match[2]));
  return counts;
}

function synthesizedCount(types: string[], stack: string | undefined): number {
  const dir = inject('cloudAssemblyDir');
  return readdirSync(dir)
    .filter((name) => name.endsWith('.template.json') && (!stack || name === `${stack}.template.json`))
    .map((name) => JSON.parse(readFileSync(path.join(dir, name), 'utf8')) as { Resources?: Record<string, { Type: string }> })
    .flatMap((template) => Object.values(template.Resources ?? {}))
    .filter((resource) => types.includes(resource.Type)).length;
}

describe('docs/deploy.md counts what the templates hold', () => {
  const documented = documentedCounts();
  it('documents every counted row', () => expect([...documented.keys()].sort()).toEqual(Object.keys(ROWS).sort()));
  for (const [row, { types, stack }] of Object.entries(ROWS)) {
    it(row, () => expect(documented.get(row), `docs/deploy.md "${row}"`).toBe(synthesizedCount(types, stack)));
  }
  it('names every function of the stateless stack', () => {
    const markdown = readFileSync(path.join(PROJECT_ROOT, 'docs/deploy.md'), 'utf8');
    const dir = inject('cloudAssemblyDir');
    const template = JSON.parse(readFileSync(path.join(dir, 'TicketerStateless.template.json'), 'utf8')) as {
      Resources: Record<string, { Type: string; Metadata?: Record<string, string> }>;
    };
    // A function's name as its logical id reads (…/Live/UpdatesConsumer/Resource → LiveUpdatesConsumer), as the alarms and the local stack name it.
    const ids = Object.entries(template.Resources)
      .filter(([, resource]) => resource.Type === 'AWS::Lambda::Function' && resource.Metadata?.['aws:cdk:path'])
      .map(([logicalId, resource]) => nameInStack(resource, logicalId));
    expect(ids.length).toBe(Object.values(template.Resources).filter((resource) => resource.Type === 'AWS::Lambda::Function').length);
    for (const id of ids) expect(markdown, `docs/deploy.md names ${id}`).toContain(`\`${id}\``);
  });
});
