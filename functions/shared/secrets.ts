/**
 * Reads a secret string from AWS Secrets Manager (used once at cold start).
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

/** Returns the SecretString of `arn`; throws if the secret has no string value. */
export async function loadSecretString(arn: string): Promise<string> {
  const client = new SecretsManagerClient({});
  try {
    const result = await client.send(new GetSecretValueCommand({ SecretId: arn }));
    if (!result.SecretString) throw new Error(`secret ${arn} has no string value`);
    return result.SecretString;
  } finally {
    client.destroy();
  }
}
