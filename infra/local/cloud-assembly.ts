// Reads what `cdk synth` wrote to cdk.out (manifest, templates, asset folders)
// and resolves the CloudFormation intrinsic functions the local stack needs,
// so every local resource is derived from the same definition that deploys to AWS.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** The account id the emulators use in their ARNs (fauxqs's fixed account). */
export const LOCAL_ACCOUNT_ID = '000000000000';

export interface TemplateResource {
  Type: string;
  Properties?: Record<string, unknown>;
  Metadata?: Record<string, unknown>;
}

export interface SynthesizedStack {
  name: string;
  resources: Record<string, TemplateResource>;
  outputs: Record<string, { Value: unknown; Export?: { Name: unknown } }>;
}

export interface CloudAssembly {
  directory: string;
  /** In deployment order (a stack comes after the stacks it imports from). */
  stacks: SynthesizedStack[];
}

interface ManifestArtifact {
  type: string;
  properties?: { templateFile?: string };
  dependencies?: string[];
}

export function readCloudAssembly(directory: string): CloudAssembly {
  const manifestFile = path.join(directory, 'manifest.json');
  if (!existsSync(manifestFile)) {
    throw new Error(`${manifestFile} not found: run \`npx cdk synth\` first (npm start does it for you).`);
  }
  const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as { artifacts: Record<string, ManifestArtifact> };
  const stackArtifacts = Object.entries(manifest.artifacts).filter(([, a]) => a.type === 'aws:cloudformation:stack');
  const ordered: string[] = [];
  const visit = (name: string) => {
    if (ordered.includes(name)) return;
    const artifact = manifest.artifacts[name];
    for (const dependency of artifact?.dependencies ?? []) {
      if (manifest.artifacts[dependency]?.type === 'aws:cloudformation:stack') visit(dependency);
    }
    ordered.push(name);
  };
  for (const [name] of stackArtifacts) visit(name);
  const stacks = ordered.map((name) => {
    const templateFile = path.join(directory, manifest.artifacts[name]?.properties?.templateFile ?? `${name}.template.json`);
    const template = JSON.parse(readFileSync(templateFile, 'utf8')) as {
      Resources?: SynthesizedStack['resources'];
      Outputs?: SynthesizedStack['outputs'];
    };
    return { name, resources: template.Resources ?? {}, outputs: template.Outputs ?? {} };
  });
  return { directory, stacks };
}

/** Every resource of a type across all stacks, with the stack it lives in. */
export function resourcesOfType(
  assembly: CloudAssembly,
  ...types: string[]
): { stack: SynthesizedStack; logicalId: string; resource: TemplateResource }[] {
  return assembly.stacks.flatMap((stack) =>
    Object.entries(stack.resources)
      .filter(([, resource]) => types.includes(resource.Type))
      .map(([logicalId, resource]) => ({ stack, logicalId, resource })),
  );
}

/** The construct id a developer wrote (`HttpTickets` for path `TicketerStateless/HttpTickets/Resource`). */
export function constructId(resource: TemplateResource, logicalId: string): string {
  const cdkPath = resource.Metadata?.['aws:cdk:path'];
  if (typeof cdkPath !== 'string') return logicalId;
  const segments = cdkPath.split('/').filter((segment) => segment !== 'Resource');
  return segments[segments.length - 1] ?? logicalId;
}

/**
 * A resource's name as its logical id reads, without CDK's hash: the construct
 * ids below the stack, joined (`LiveAuthorizer` for path
 * `TicketerStateless/Live/Authorizer/Resource`, `HttpTickets` for
 * `TicketerStateless/HttpTickets/Resource`). Functions are named so, as the
 * alarms name them (infra/constructs/operations.ts `nameInStack`).
 */
export function nameInStack(resource: TemplateResource, logicalId: string): string {
  const cdkPath = resource.Metadata?.['aws:cdk:path'];
  if (typeof cdkPath !== 'string') return logicalId.replace(/[0-9A-F]{8}$/, '');
  return cdkPath
    .split('/')
    .slice(1)
    .filter((segment) => segment !== 'Resource')
    .join('');
}

/** The value of one resource as CloudFormation would expose it: `Ref` and `Fn::GetAtt` attributes. */
export interface PhysicalResource {
  ref: string;
  attributes: Record<string, string>;
}

export class UnresolvableError extends Error {
  override readonly name = 'UnresolvableError';
}

/**
 * Resolves intrinsic functions against the resources the local stack has
 * created so far. Values are registered as resources come into existence
 * (a table's StreamArn is only known once DynamoDB Local created it).
 */
export class IntrinsicResolver {
  private readonly physical = new Map<string, PhysicalResource>();

  constructor(
    private readonly assembly: CloudAssembly,
    private readonly region: string,
  ) {}

  register(stack: SynthesizedStack, logicalId: string, value: PhysicalResource): void {
    this.physical.set(`${stack.name}/${logicalId}`, value);
  }

  lookup(stack: SynthesizedStack, logicalId: string): PhysicalResource | undefined {
    return this.physical.get(`${stack.name}/${logicalId}`);
  }

  resolve(value: unknown, stack: SynthesizedStack): unknown {
    if (Array.isArray(value)) return value.map((item) => this.resolve(item, stack));
    if (value === null || typeof value !== 'object') return value;
    const entries = Object.entries(value);
    const [first] = entries;
    if (entries.length === 1 && first && (first[0] === 'Ref' || first[0].startsWith('Fn::'))) {
      return this.resolveIntrinsic(first[0], first[1], stack);
    }
    return Object.fromEntries(entries.map(([key, item]) => [key, this.resolve(item, stack)]));
  }

  resolveString(value: unknown, stack: SynthesizedStack): string {
    const resolved = this.resolve(value, stack);
    if (typeof resolved === 'string') return resolved;
    if (typeof resolved === 'number' || typeof resolved === 'boolean') return String(resolved);
    throw new UnresolvableError(`expected a string, got ${JSON.stringify(resolved)}`);
  }

  private resolveIntrinsic(name: string, argument: unknown, stack: SynthesizedStack): unknown {
    switch (name) {
      case 'Ref':
        return this.ref(String(argument), stack);
      case 'Fn::GetAtt': {
        const [logicalId, attribute] = Array.isArray(argument) ? argument : String(argument).split('.');
        return this.getAtt(String(logicalId), String(attribute), stack);
      }
      case 'Fn::ImportValue':
        return this.importValue(this.resolveString(argument, stack));
      case 'Fn::Join': {
        const [separator, items] = argument as [string, unknown[]];
        const resolvedItems = this.resolve(items, stack) as unknown[];
        return resolvedItems.map((item) => String(item)).join(separator);
      }
      case 'Fn::Sub': {
        const [text, variables] = Array.isArray(argument) ? argument : [argument, {}];
        const resolvedVariables = this.resolve(variables, stack) as Record<string, unknown>;
        return String(text).replace(/\$\{([^}!][^}]*)\}/g, (_, expression: string) => {
          if (expression in resolvedVariables) return String(resolvedVariables[expression]);
          const [logicalId, attribute] = expression.split('.');
          return String(attribute ? this.getAtt(logicalId!, attribute, stack) : this.ref(logicalId!, stack));
        });
      }
      case 'Fn::Select': {
        const [index, list] = argument as [unknown, unknown];
        return (this.resolve(list, stack) as unknown[])[Number(this.resolve(index, stack))];
      }
      case 'Fn::Split': {
        const [separator, text] = argument as [string, unknown];
        return this.resolveString(text, stack).split(separator);
      }
      default:
        throw new UnresolvableError(`${name} is not supported by the local stack`);
    }
  }

  private ref(logicalId: string, stack: SynthesizedStack): string {
    switch (logicalId) {
      case 'AWS::Region':
        return this.region;
      case 'AWS::AccountId':
        return LOCAL_ACCOUNT_ID;
      case 'AWS::Partition':
        return 'aws';
      case 'AWS::URLSuffix':
        return 'amazonaws.com';
      case 'AWS::StackName':
        return stack.name;
      case 'AWS::StackId':
        return `arn:aws:cloudformation:${this.region}:${LOCAL_ACCOUNT_ID}:stack/${stack.name}/local`;
    }
    const physical = this.lookup(stack, logicalId);
    if (physical) return physical.ref;
    if (!stack.resources[logicalId]) throw new UnresolvableError(`Ref to unknown resource ${stack.name}/${logicalId}`);
    // Resources the local stack does not run (roles, policies, log groups) keep their logical id.
    return logicalId;
  }

  private getAtt(logicalId: string, attribute: string, stack: SynthesizedStack): string {
    const physical = this.lookup(stack, logicalId);
    const value = physical?.attributes[attribute];
    if (value !== undefined) return value;
    const resource = stack.resources[logicalId];
    if (!resource) throw new UnresolvableError(`Fn::GetAtt on unknown resource ${stack.name}/${logicalId}`);
    if (attribute === 'Arn' && resource.Type === 'AWS::IAM::Role') {
      return `arn:aws:iam::${LOCAL_ACCOUNT_ID}:role/${logicalId}`;
    }
    // Log groups are not run locally either (functions log to the console); a pipe's log configuration names one.
    if (attribute === 'Arn' && resource.Type === 'AWS::Logs::LogGroup') {
      return `arn:aws:logs:${this.region}:${LOCAL_ACCOUNT_ID}:log-group:${logicalId}:*`;
    }
    throw new UnresolvableError(`Fn::GetAtt ${stack.name}/${logicalId}.${attribute} is not known locally (${resource.Type})`);
  }

  private importValue(exportName: string): unknown {
    for (const producer of this.assembly.stacks) {
      for (const output of Object.values(producer.outputs)) {
        if (output.Export && this.resolve(output.Export.Name, producer) === exportName) {
          return this.resolve(output.Value, producer);
        }
      }
    }
    throw new UnresolvableError(`Fn::ImportValue ${exportName}: no stack exports it`);
  }
}
