// The local stack's Secrets Manager endpoint: GetSecretValue as SDK v3's
// SecretsManagerClient sends it, for the secrets of the templates; a generated
// value is made once and, with a data folder, survives a restart.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterAll, describe, expect, it } from 'vitest';
import { generateSecretString, startSecretsManager, type LocalSecret } from '../../infra/local/secrets-manager';

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'ticketer-secrets-test-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const arn = (name: string) => `arn:aws:secretsmanager:us-east-1:000000000000:secret:${name}-AbCdEf`;
const SECRETS: LocalSecret[] = [
  { logicalId: 'KeyA1', id: 'Key', name: 'Stack-Key', arn: arn('Stack-Key'), secretString: undefined, generate: { PasswordLength: 40, ExcludePunctuation: true } },
  {
    logicalId: 'Db1',
    id: 'Db',
    name: 'Stack-Db',
    arn: arn('Stack-Db'),
    secretString: undefined,
    generate: { SecretStringTemplate: '{"username":"ticketer"}', GenerateStringKey: 'password', ExcludeCharacters: '"@/\\' },
  },
  { logicalId: 'Fixed1', id: 'Fixed', name: 'Stack-Fixed', arn: arn('Stack-Fixed'), secretString: 'as written', generate: undefined },
];

async function withEndpoint<T>(valuesFile: string | undefined, use: (client: SecretsManagerClient, endpoint: string) => Promise<T>): Promise<T> {
  const lines: string[] = [];
  const endpoint = await startSecretsManager({ port: 0, secrets: SECRETS, valuesFile, log: (line) => lines.push(line) });
  const client = new SecretsManagerClient({ endpoint: endpoint.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
  try {
    return await use(client, endpoint.endpoint);
  } finally {
    client.destroy();
    await endpoint.stop();
  }
}
const value = async (client: SecretsManagerClient, secretId: string) => (await client.send(new GetSecretValueCommand({ SecretId: secretId }))).SecretString;

describe('the local Secrets Manager endpoint', () => {
  it('answers by name, full ARN and ARN without its suffix, with values of the template’s shape', async () => {
    await withEndpoint(undefined, async (client) => {
      const key = await value(client, 'Stack-Key');
      expect(key).toMatch(/^[A-Za-z0-9]{40}$/);
      expect(await value(client, arn('Stack-Key'))).toBe(key);
      expect(await value(client, 'arn:aws:secretsmanager:us-east-1:000000000000:secret:Stack-Key')).toBe(key);
      const database = JSON.parse((await value(client, 'Stack-Db'))!) as { username: string; password: string };
      expect(database.username).toBe('ticketer');
      expect(database.password).toMatch(/^[^"@/\\]{32}$/);
      expect(await value(client, 'Stack-Fixed')).toBe('as written');
    });
  });

  it('keeps a generated value in the data folder across restarts, and only in memory without one', async () => {
    const valuesFile = path.join(dataDir, 'secrets.json');
    const first = await withEndpoint(valuesFile, (client) => value(client, 'Stack-Key'));
    const second = await withEndpoint(valuesFile, (client) => value(client, 'Stack-Key'));
    expect(second).toBe(first);
    expect(JSON.parse(readFileSync(valuesFile, 'utf8'))['Stack-Key'].secretString).toBe(first);
    const inMemory = await withEndpoint(undefined, (client) => value(client, 'Stack-Key'));
    expect(inMemory).not.toBe(first);
  });

  it('answers an unknown secret or version with ResourceNotFoundException and other operations with an error', async () => {
    await withEndpoint(undefined, async (client, endpoint) => {
      await expect(client.send(new GetSecretValueCommand({ SecretId: 'Stack-Other' }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
      await expect(client.send(new GetSecretValueCommand({ SecretId: 'Stack-Key', VersionStage: 'AWSPREVIOUS' }))).rejects.toMatchObject({
        name: 'ResourceNotFoundException',
      });
      const other = await fetch(endpoint, { method: 'POST', headers: { 'x-amz-target': 'secretsmanager.PutSecretValue' }, body: '{}' });
      expect(other.status).toBe(400);
      expect(((await other.json()) as { __type: string }).__type).toBe('UnknownOperationException');
    });
  });
});

describe('generated secret strings', () => {
  it('use only the allowed characters and the asked length', () => {
    expect(generateSecretString()).toHaveLength(32);
    expect(generateSecretString({ PasswordLength: 100, ExcludeUppercase: true, ExcludeNumbers: true, ExcludePunctuation: true })).toMatch(/^[a-z]{100}$/);
    expect(() => generateSecretString({ ExcludeLowercase: true, ExcludeUppercase: true, ExcludeNumbers: true, ExcludePunctuation: true })).toThrow(/every character/);
  });
});
