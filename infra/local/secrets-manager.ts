// A minimal AWS Secrets Manager endpoint for the local stack: GetSecretValue
// (AWS JSON 1.1, what SDK v3's SecretsManagerClient sends) for the
// AWS::SecretsManager::Secret resources of the templates. A generated secret
// (GenerateSecretString) gets its value once: kept in secrets.json of the data
// folder across restarts, or in memory without one. The functions reach it
// through the SDK's standard AWS_ENDPOINT_URL_SECRETS_MANAGER, so their code
// is the same as in AWS. Requests are not signature-checked, and nothing else
// of Secrets Manager is served.
import { createHash, randomInt, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import path from 'node:path';
import { LOCAL_ACCOUNT_ID, constructId, resourcesOfType, type CloudAssembly, type IntrinsicResolver } from './cloud-assembly';
import type { RunningEmulator } from './emulators';
import { closeServer, listen, readBody, sendJson } from './http-server';

/** CloudFormation's GenerateSecretString, the options Secrets Manager's GetRandomPassword takes. */
export interface GenerateSecretString {
  PasswordLength?: number;
  ExcludeCharacters?: string;
  ExcludeLowercase?: boolean;
  ExcludeUppercase?: boolean;
  ExcludeNumbers?: boolean;
  ExcludePunctuation?: boolean;
  IncludeSpace?: boolean;
  /** With GenerateStringKey: the secret is this JSON object with the generated string under that key. */
  SecretStringTemplate?: string;
  GenerateStringKey?: string;
}

export interface LocalSecret {
  logicalId: string;
  /** The construct id (`ChannelSecretsKey`). */
  id: string;
  name: string;
  arn: string;
  /** A fixed SecretString of the template, or how to generate one. */
  secretString: string | undefined;
  generate: GenerateSecretString | undefined;
}

/** Names and ARNs of the templates' secrets, registered with the resolver (Ref is the ARN, as in CloudFormation). */
export function readSecrets(assembly: CloudAssembly, resolver: IntrinsicResolver, region: string): LocalSecret[] {
  return resourcesOfType(assembly, 'AWS::SecretsManager::Secret').map(({ stack, logicalId, resource }) => {
    const properties = resolver.resolve(resource.Properties ?? {}, stack) as { Name?: string; SecretString?: string; GenerateSecretString?: GenerateSecretString };
    const name = properties.Name ?? `${stack.name}-${logicalId}`;
    // AWS appends six random characters to a secret's ARN; derived from the name here, so the ARN is the same on every start.
    const arn = `arn:aws:secretsmanager:${region}:${LOCAL_ACCOUNT_ID}:secret:${name}-${createHash('sha256').update(name).digest('base64url').replace(/[-_]/g, '').slice(0, 6)}`;
    resolver.register(stack, logicalId, { ref: arn, attributes: { Id: arn } });
    return { logicalId, id: constructId(resource, logicalId), name, arn, secretString: properties.SecretString, generate: properties.GenerateSecretString };
  });
}

const PUNCTUATION = '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~';

/** A random string as GetRandomPassword makes it (default length 32; every included character type available). */
export function generateSecretString(options: GenerateSecretString = {}): string {
  const excluded = new Set(options.ExcludeCharacters ?? '');
  const alphabet = [
    options.ExcludeLowercase ? '' : 'abcdefghijklmnopqrstuvwxyz',
    options.ExcludeUppercase ? '' : 'ABCDEFGHIJKLMNOPQRSTUVWXYZ',
    options.ExcludeNumbers ? '' : '0123456789',
    options.ExcludePunctuation ? '' : PUNCTUATION,
    options.IncludeSpace ? ' ' : '',
  ]
    .join('')
    .split('')
    .filter((character) => !excluded.has(character));
  if (!alphabet.length) throw new Error('GenerateSecretString excludes every character');
  const generated = Array.from({ length: options.PasswordLength ?? 32 }, () => alphabet[randomInt(alphabet.length)]).join('');
  if (options.SecretStringTemplate && options.GenerateStringKey) {
    return JSON.stringify({ ...(JSON.parse(options.SecretStringTemplate) as object), [options.GenerateStringKey]: generated });
  }
  return generated;
}

interface StoredValue {
  secretString: string;
  versionId: string;
  /** Epoch seconds, as the API answers CreatedDate. */
  createdDate: number;
}

/** The file of generated values (secret name → value), written atomically like the pipes' checkpoints. */
function valueStore(file: string | undefined) {
  const values: Record<string, StoredValue> = file && existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, StoredValue>) : {};
  return {
    valueOf(secret: LocalSecret): StoredValue {
      const stored = values[secret.name];
      // A fixed SecretString follows the template; a generated one is made once.
      if (stored && (secret.secretString === undefined || stored.secretString === secret.secretString)) return stored;
      const value = { secretString: secret.secretString ?? generateSecretString(secret.generate), versionId: randomUUID(), createdDate: Math.floor(Date.now() / 1000) };
      values[secret.name] = value;
      if (file) {
        mkdirSync(path.dirname(file), { recursive: true });
        writeFileSync(`${file}.tmp`, JSON.stringify(values, null, 2), { mode: 0o600 });
        renameSync(`${file}.tmp`, file);
      }
      return value;
    },
  };
}

/** A SecretId matches by name, by full ARN, or by ARN without its six-character suffix, as on AWS. */
function findSecret(secrets: LocalSecret[], secretId: string): LocalSecret | undefined {
  return secrets.find((secret) => secretId === secret.name || secretId === secret.arn || secret.arn.startsWith(`${secretId}-`));
}

const JSON_11 = { 'content-type': 'application/x-amz-json-1.1' };

function sendError(response: Parameters<typeof sendJson>[0], type: string, message: string) {
  sendJson(response, 400, { __type: type, message }, JSON_11);
}

export async function startSecretsManager(options: {
  port: number;
  secrets: LocalSecret[];
  /** Where generated values persist; undefined = in memory only. */
  valuesFile: string | undefined;
  log: (line: string) => void;
}): Promise<RunningEmulator> {
  const store = valueStore(options.valuesFile);
  // Values exist from the start, so that every reader sees the same one.
  for (const secret of options.secrets) store.valueOf(secret);
  const server: Server = await listen(
    (request, response) => {
      void (async () => {
        const target = String(request.headers['x-amz-target'] ?? '');
        if (request.method !== 'POST' || target !== 'secretsmanager.GetSecretValue') {
          return sendError(response, 'UnknownOperationException', `${target || `${request.method} ${request.url}`} is not served by the local Secrets Manager endpoint (GetSecretValue only)`);
        }
        let input: { SecretId?: unknown; VersionStage?: unknown; VersionId?: unknown };
        try {
          input = JSON.parse((await readBody(request)).toString('utf8')) as typeof input;
        } catch {
          return sendError(response, 'InvalidRequestException', 'The request body is not JSON');
        }
        if (typeof input.SecretId !== 'string' || !input.SecretId) return sendError(response, 'InvalidParameterException', 'SecretId is required');
        const secret = findSecret(options.secrets, input.SecretId);
        const value = secret && store.valueOf(secret);
        const otherVersion = (input.VersionStage !== undefined && input.VersionStage !== 'AWSCURRENT') || (input.VersionId !== undefined && input.VersionId !== value?.versionId);
        if (!secret || !value || otherVersion) return sendError(response, 'ResourceNotFoundException', "Secrets Manager can't find the specified secret.");
        // The value itself is never logged.
        sendJson(
          response,
          200,
          { ARN: secret.arn, Name: secret.name, VersionId: value.versionId, SecretString: value.secretString, VersionStages: ['AWSCURRENT'], CreatedDate: value.createdDate },
          JSON_11,
        );
      })().catch((error: Error) => {
        options.log(`Secrets Manager: ${error.message}`);
        if (!response.headersSent) sendError(response, 'InternalServiceError', 'Internal error of the local Secrets Manager endpoint');
      });
    },
    options.port,
    'Secrets Manager',
  );
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the Secrets Manager endpoint is not listening on a TCP port');
  return { endpoint: `http://127.0.0.1:${address.port}`, port: address.port, stop: () => closeServer(server) };
}
