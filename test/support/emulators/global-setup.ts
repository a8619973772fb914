import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalKms } from '../../../scripts/emulators/local-kms.ts';
import type { RunningEmulator } from '../../../scripts/emulators/start-emulators.ts';
import {
  startDynamoDbLocal,
  startS3Emulator,
  startSqsEmulator,
} from '../../../scripts/emulators/start-emulators.ts';
import { TEST_KMS_KEYS } from '../kms.ts';

/** The credentials every test process signs with (the S3 emulator knows only these). */
const TEST_CREDENTIALS = { accessKeyId: 'minivoicetest', secretAccessKey: 'minivoicetest' };

// The integration and reliability projects both name this setup; one set of emulators serves both.
const shared = globalThis as { minivoiceEmulators?: Promise<RunningEmulator[]>; minivoiceUsers?: number };

/**
 * Starts DynamoDB Local, the SQS emulator, the S3 emulator and the KMS stand-in once for the run, on free loopback ports,
 * and points the AWS SDK at them through its standard environment variables (inherited by test
 * workers). Only the projects that need them name this setup, so `npm run test:unit` runs without Java.
 */
export default async function setup(): Promise<() => Promise<void>> {
  shared.minivoiceUsers = (shared.minivoiceUsers ?? 0) + 1;
  shared.minivoiceEmulators ??= (async () => {
    const objects = await mkdtemp(join(tmpdir(), 'minivoice-s3-'));
    const s3 = await startS3Emulator({ directory: objects, buckets: [], credentials: [TEST_CREDENTIALS] });
    const removingObjects: RunningEmulator = {
      endpoint: s3.endpoint,
      stop: async () => {
        await s3.stop();
        await rm(objects, { recursive: true, force: true });
      },
    };
    const started = await Promise.all([
      startDynamoDbLocal(),
      startSqsEmulator(),
      startLocalKms({ keys: TEST_KMS_KEYS }),
    ]);
    return [started[0], started[1], removingObjects, started[2]];
  })();
  const [dynamodb, sqs, s3, kms] = (await shared.minivoiceEmulators) as RunningEmulator[] as [
    RunningEmulator,
    RunningEmulator,
    RunningEmulator,
    RunningEmulator,
  ];
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_DYNAMODB: dynamodb.endpoint,
    AWS_ENDPOINT_URL_DYNAMODB_STREAMS: dynamodb.endpoint,
    AWS_ENDPOINT_URL_SQS: sqs.endpoint,
    AWS_ENDPOINT_URL_S3: s3.endpoint,
    AWS_ENDPOINT_URL_KMS: kms.endpoint,
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
    AWS_MAX_ATTEMPTS: '2',
  });
  return async () => {
    shared.minivoiceUsers = (shared.minivoiceUsers ?? 1) - 1;
    if (shared.minivoiceUsers > 0) return;
    shared.minivoiceEmulators = undefined;
    await Promise.all([dynamodb.stop(), sqs.stop(), s3.stop(), kms.stop()]);
  };
}
