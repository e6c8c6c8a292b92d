// The key of the channel secrets (shared/adapters/secrets/secret-box.ts):
// the Secrets Manager secret named by CHANNEL_SECRETS_KEY_SECRET_ARN, read on
// first use and kept for the container. Routes and records that open no
// secret work without the setting.
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { secretsManagerKeyProvider, type KeyProvider } from '#adapters/secrets/secret-box';
import { config, requiredSetting } from '#config';
import { traced } from '#adapters/observability/tracer';

let keyProvider: KeyProvider | undefined;

export const channelSecretsKey: KeyProvider = () => {
  keyProvider ??= secretsManagerKeyProvider(traced(new SecretsManagerClient({})), requiredSetting(config, 'CHANNEL_SECRETS_KEY_SECRET_ARN', 'the channel secrets key'));
  return keyProvider();
};
