import { describe, expect, it } from 'vitest';
import { awsClientConfig, s3ClientConfig } from '../../../shared/adapters/aws/aws-client-config.ts';
import { createLocalAwsClients } from '../../../shared/adapters/aws/aws-clients.ts';
import { lazyKmsClient } from '../../../shared/adapters/kms/kms-client.ts';

const LOCAL = {
  dynamodb: 'http://127.0.0.1:8000',
  sqs: 'http://127.0.0.1:9324',
  kms: 'http://127.0.0.1:4599',
};

/** Where a built client sends its requests. */
async function endpointOf(client: { config: { endpoint?: () => Promise<unknown> } }) {
  return client.config.endpoint?.();
}

describe('the AWS client recipe', () => {
  it('leaves everything to the SDK environment when nothing is set (AWS)', () => {
    expect(awsClientConfig({}, 'sqs')).toEqual({});
  });

  it('gives each service its own endpoint and the shared region, credentials and attempts', () => {
    const options = {
      region: 'eu-west-1',
      credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
      endpoints: { kms: 'http://127.0.0.1:4599' },
      maxAttempts: 2,
    };

    expect([awsClientConfig(options, 'kms'), awsClientConfig(options, 'sqs')]).toEqual([
      {
        region: 'eu-west-1',
        credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
        maxAttempts: 2,
        endpoint: 'http://127.0.0.1:4599',
      },
      { region: 'eu-west-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' }, maxAttempts: 2 },
    ]);
  });

  it('asks S3 for checksums only where it requires them, and addresses buckets in the path when told', () => {
    expect(s3ClientConfig({ s3PathStyle: true })).toEqual({
      forcePathStyle: true,
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
  });

  it("reads the local table's stream at DynamoDB Local's endpoint", async () => {
    const clients = createLocalAwsClients(LOCAL);

    expect(await endpointOf(clients.streams())).toMatchObject({ hostname: '127.0.0.1', port: 8000 });
    clients.destroy();
  });

  it('builds each client once, on first use', () => {
    const clients = createLocalAwsClients(LOCAL);
    const first = [clients.kms(), clients.documents];
    const second = [clients.kms(), clients.documents];

    expect(second.every((client, i) => client === first[i])).toBe(true);
    clients.destroy();
  });

  it('builds a KMS client alone by the same recipe', async () => {
    const kms = lazyKmsClient({ region: 'eu-west-1', endpoint: 'http://127.0.0.1:4599' })();

    expect([await kms.config.region(), await endpointOf(kms)]).toEqual([
      'eu-west-1',
      { hostname: '127.0.0.1', port: 4599, protocol: 'http:', path: '/', query: undefined },
    ]);
    kms.destroy();
  });
});
