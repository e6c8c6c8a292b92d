// Channel secrets sealed with AES-256-GCM. The 256-bit key is derived
// (SHA-256) from a Secrets Manager secret, read once per container (the
// secret named by CHANNEL_SECRETS_KEY_SECRET_ARN); tests give the key
// directly. A sealed value is `v1.<iv>.<tag>.<ciphertext>` (base64url); the
// channel's uuid is bound in as additional data, so a sealed value copied to
// another channel does not open.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SecretBox } from '#use-cases/channel-ports';

export type KeyProvider = () => Promise<Buffer>;

/** The key from a Secrets Manager secret (its SecretString, or SecretBinary), fetched on first use and kept. */
export function secretsManagerKeyProvider(client: SecretsManagerClient, secretId: string): KeyProvider {
  let key: Promise<Buffer> | undefined;
  return () => {
    key ??= client.send(new GetSecretValueCommand({ SecretId: secretId })).then((out) => {
      const material = out.SecretString ?? (out.SecretBinary ? Buffer.from(out.SecretBinary).toString('base64') : undefined);
      if (!material) throw new Error('The channel secrets key secret has no value.');
      return createHash('sha256').update(material).digest();
    });
    key.catch(() => {
      key = undefined; // a failed read is tried again on the next use
    });
    return key;
  };
}

/** A fixed key (tests, and the local stack without Secrets Manager). */
export function staticKeyProvider(material: string): KeyProvider {
  const key = createHash('sha256').update(material).digest();
  return async () => key;
}

export function createSecretBox(keyProvider: KeyProvider): SecretBox {
  return {
    async seal(plaintext, context) {
      const key = await keyProvider();
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      cipher.setAAD(Buffer.from(context, 'utf8'));
      const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return ['v1', iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), ciphertext.toString('base64url')].join('.');
    },
    async open(sealed, context) {
      const [version, iv, tag, ciphertext] = sealed.split('.');
      if (version !== 'v1' || iv === undefined || tag === undefined || ciphertext === undefined) throw new Error('Not a sealed channel secret.');
      const key = await keyProvider();
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
      decipher.setAAD(Buffer.from(context, 'utf8'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
    },
  };
}
