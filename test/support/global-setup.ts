import { startDynamoDbLocal, startSqsEmulator } from '../../scripts/emulators/start-emulators.ts';

/**
 * Starts DynamoDB Local and the SQS emulator once for the whole run, on free loopback ports, and
 * points the AWS SDK at them through its standard environment variables (inherited by test workers).
 */
export default async function setup(): Promise<() => Promise<void>> {
  const [dynamodb, sqs] = await Promise.all([startDynamoDbLocal(), startSqsEmulator()]);
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_DYNAMODB: dynamodb.endpoint,
    AWS_ENDPOINT_URL_SQS: sqs.endpoint,
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'minivoicetest',
    AWS_SECRET_ACCESS_KEY: 'minivoicetest',
    AWS_MAX_ATTEMPTS: '2',
  });
  return async () => {
    await Promise.all([dynamodb.stop(), sqs.stop()]);
  };
}
