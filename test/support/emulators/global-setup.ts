import type { RunningEmulator } from '../../../scripts/emulators/start-emulators.ts';
import { startDynamoDbLocal, startSqsEmulator } from '../../../scripts/emulators/start-emulators.ts';

// The integration and reliability projects both name this setup; one set of emulators serves both.
const shared = globalThis as { minivoiceEmulators?: Promise<RunningEmulator[]>; minivoiceUsers?: number };

/**
 * Starts DynamoDB Local and the SQS emulator once for the run, on free loopback ports, and points the
 * AWS SDK at them through its standard environment variables (inherited by test workers). Only the
 * projects that need them name this setup, so `npm run test:unit` runs without Java.
 */
export default async function setup(): Promise<() => Promise<void>> {
  shared.minivoiceUsers = (shared.minivoiceUsers ?? 0) + 1;
  shared.minivoiceEmulators ??= Promise.all([startDynamoDbLocal(), startSqsEmulator()]);
  const [dynamodb, sqs] = (await shared.minivoiceEmulators) as [RunningEmulator, RunningEmulator];
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_DYNAMODB: dynamodb.endpoint,
    AWS_ENDPOINT_URL_SQS: sqs.endpoint,
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'minivoicetest',
    AWS_SECRET_ACCESS_KEY: 'minivoicetest',
    AWS_MAX_ATTEMPTS: '2',
  });
  return async () => {
    shared.minivoiceUsers = (shared.minivoiceUsers ?? 1) - 1;
    if (shared.minivoiceUsers > 0) return;
    shared.minivoiceEmulators = undefined;
    await Promise.all([dynamodb.stop(), sqs.stop()]);
  };
}
