// cdk-nag's AWS Solutions checks over the whole app, as `cdk synth` runs them
// (infra/app.ts): no finding, error or warning, that infra/nag-suppressions.ts
// does not acknowledge with a reason.
import { App, Stack, Validations } from 'aws-cdk-lib';
import { CfnPolicy } from 'aws-cdk-lib/aws-iam';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import { TicketerFunction } from '../../infra/constructs/ticketer-function';
import { addNagChecks } from '../../infra/nag-suppressions';
import { addTicketerStacks } from '../../infra/stacks/ticketer';

/** `<severity> <rule>[finding] <construct path>`, one line per finding and resource. */
function findingsOf(checks: AwsSolutionsChecks, scope: IConstruct): string[] {
  return checks
    .validateScope(scope)
    .violations.flatMap((violation) => violation.violatingResources.map((resource) => `${violation.severity} ${violation.ruleName} ${resource.constructPath}`));
}

/** Every acknowledgment recorded in the tree: rule id → reasons. */
function acknowledgments(scope: IConstruct): { path: string; id: string; reason: string }[] {
  return scope.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) => Object.entries(entry.data as Record<string, string>).map(([id, reason]) => ({ path: construct.node.path, id, reason }))),
  );
}

let app: App;
let checks: AwsSolutionsChecks;
let synthError: unknown;
beforeAll(() => {
  app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  checks = addNagChecks(app, addTicketerStacks(app)); // as infra/app.ts does
  try {
    app.synth(); // runs the checks as a validation plugin: unacknowledged errors fail it
  } catch (error) {
    synthError = error;
  }
});

describe('cdk-nag (AwsSolutionsChecks)', () => {
  it('lets the app synthesize', () => {
    expect(synthError).toBeUndefined();
  });

  it('finds nothing unacknowledged, neither errors nor warnings, in any of the three stacks', () => {
    expect(findingsOf(checks, app)).toEqual([]);
  });

  it('gives every acknowledgment a reason of its own', () => {
    // CDK itself acknowledges a few of its CloudFormation-Validate rules; these are Ticketer's.
    const ours = acknowledgments(app).filter(({ id }) => id.includes('AwsSolutions-'));
    expect(ours.length).toBeGreaterThan(20);
    for (const { path, id, reason } of ours) expect(reason.length, `${path} ${id}`).toBeGreaterThanOrEqual(40);
  });

  it("acknowledges '*' on a function role for X-Ray's actions only: no other statement of one is on '*'", () => {
    const functions = app.node.findAll().filter((c): c is TicketerFunction => c instanceof TicketerFunction);
    expect(functions.length).toBeGreaterThanOrEqual(19);
    for (const fn of functions) {
      for (const policy of fn.role!.node.findAll().filter((c): c is CfnPolicy => c instanceof CfnPolicy)) {
        const document = Stack.of(policy).resolve(policy.policyDocument) as { Statement: { Action: string | string[]; Resource: unknown }[] };
        for (const statement of document.Statement.filter((candidate) => [candidate.Resource].flat().includes('*'))) {
          expect([statement.Action].flat().sort(), policy.node.path).toEqual(['xray:PutTelemetryRecords', 'xray:PutTraceSegments']);
        }
      }
    }
  });

  it('still stops a synthesis on what is not acknowledged (a queue without a DLQ or TLS)', () => {
    const other = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    new Queue(new Stack(other, 'Probe'), 'Plain', { enforceSSL: false });
    const otherChecks = new AwsSolutionsChecks(other);
    Validations.of(other).addPlugins(otherChecks);
    expect(() => other.synth()).toThrow(/AwsSolutions-SQS3/);
    const findings = findingsOf(otherChecks, other);
    expect(findings).toContain('error AwsSolutions-SQS3 Probe/Plain/Resource');
    expect(findings).toContain('error AwsSolutions-SQS4 Probe/Plain/Resource');
  });
});
