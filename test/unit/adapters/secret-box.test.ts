// Channel secrets sealed with AES-256-GCM: a sealed value hides its text,
// opens only with the same key and the same channel, detects tampering; the
// Secrets Manager key is read once per container (and again after a failure).
import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { describe, expect, it } from 'vitest';
import { createSecretBox, secretsManagerKeyProvider, staticKeyProvider } from '#adapters/secrets/secret-box';

describe('the secret box', () => {
  const box = createSecretBox(staticKeyProvider('key one'));

  it('seals to a value that hides the text and differs each time, and opens it again', async () => {
    const a = await box.seal('{"auth_token":"123:abc"}', 'channel-1');
    const b = await box.seal('{"auth_token":"123:abc"}', 'channel-1');
    expect(a).not.toContain('abc');
    expect(a).not.toBe(b);
    expect(a).toMatch(/^v1\.[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(await box.open(a, 'channel-1')).toBe('{"auth_token":"123:abc"}');
  });

  it('refuses another key, another channel, and any changed byte', async () => {
    const sealed = await box.seal('secret', 'channel-1');
    await expect(createSecretBox(staticKeyProvider('key two')).open(sealed, 'channel-1')).rejects.toThrow();
    await expect(box.open(sealed, 'channel-2')).rejects.toThrow();
    const [version, iv, tag, ciphertext] = sealed.split('.');
    const flipped = Buffer.from(ciphertext!, 'base64url');
    flipped[0] = flipped[0]! ^ 1;
    await expect(box.open([version, iv, tag, flipped.toString('base64url')].join('.'), 'channel-1')).rejects.toThrow();
    await expect(box.open('not sealed', 'channel-1')).rejects.toThrow('Not a sealed channel secret.');
  });

  it('reads the Secrets Manager key once, and again only after a failed read', async () => {
    const calls: string[] = [];
    let fail = true;
    const client = {
      send: async (command: GetSecretValueCommand) => {
        calls.push(command.input.SecretId!);
        if (fail) {
          fail = false;
          throw new Error('throttled');
        }
        return { SecretString: 'generated value' };
      },
    } as unknown as SecretsManagerClient;
    const provider = secretsManagerKeyProvider(client, 'arn:aws:secretsmanager:eu-west-1:1:secret:channels');
    await expect(provider()).rejects.toThrow('throttled');
    const key = await provider();
    expect(key).toHaveLength(32);
    expect(await provider()).toBe(key);
    expect(calls).toEqual(['arn:aws:secretsmanager:eu-west-1:1:secret:channels', 'arn:aws:secretsmanager:eu-west-1:1:secret:channels']);
    const sealed = await createSecretBox(provider).seal('x', 'c');
    expect(await createSecretBox(staticKeyProvider('generated value')).open(sealed, 'c')).toBe('x');
  });
});
