// Synthesizes Ticketer's stacks for template assertions, without bundling the
// functions (their code is not what these tests look at, and it keeps them fast).
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { addTicketerStacks } from '../../infra/stacks/ticketer';

export function synthTicketer() {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const { stateful, stateless } = addTicketerStacks(app);
  return {
    stateful: Template.fromStack(stateful),
    stateless: Template.fromStack(stateless),
    statefulStack: stateful,
    statelessStack: stateless,
  };
}

/** The one resource of this type in the template (fails the test when there is not exactly one). */
export function onlyResource(template: Template, type: string, props?: object): { id: string; Properties: Record<string, any> } {
  const found = Object.entries(template.findResources(type, props ? { Properties: props } : undefined));
  if (found.length !== 1) throw new Error(`expected exactly one ${type}, found ${found.length}`);
  const [id, resource] = found[0]!;
  return { id, Properties: resource.Properties };
}

/**
 * Every TicketerFunction's role may write to its own log group (the statement TicketerFunction
 * adds instead of the managed basic-execution policy; test/infra/stateless-stack.test.ts checks it):
 * tests of what else a function may do leave that statement out.
 */
export function isOwnLogGroupWriting(statement: { Action?: unknown; Resource?: unknown }): boolean {
  const actions = [statement.Action].flat();
  const resource = statement.Resource as { 'Fn::GetAtt'?: [string, string] } | undefined;
  return (
    actions.length === 2 &&
    actions.includes('logs:CreateLogStream') &&
    actions.includes('logs:PutLogEvents') &&
    /LogGroup[0-9A-F]{8}$/.test(resource?.['Fn::GetAtt']?.[0] ?? '')
  );
}
