import { createDynamoDbRecordingStore } from '../adapters/dynamodb/dynamodb-recording-store.ts';
import { createFreeSwitchProvider } from '../adapters/freeswitch/freeswitch-provider.ts';
import { readSecretString } from '../adapters/secrets/secrets-manager-secret.ts';
import { createSimulatedMediaServer } from '../adapters/simulated/simulated-media-server.ts';
import { createSqsEventQueue } from '../adapters/sqs/sqs-event-queue.ts';
import { randomIds } from '../adapters/system/random-ids.ts';
import { systemClock } from '../adapters/system/system-clock.ts';
import type { RecordingsConfig } from '../config.ts';
import { createJsonLogger } from '../logging/json-logger.ts';
import type { RecordingProvider } from '../ports.ts';
import type { AwsClients } from './aws-clients.ts';

/** The media server adapter the configuration names (`eslPassword` already resolved for FreeSWITCH). */
export function createProvider(config: RecordingsConfig, eslPassword: string | undefined): RecordingProvider {
  if (config.RECORDING_PROVIDER === 'freeswitch') {
    if (!eslPassword) throw new Error('the FreeSWITCH provider needs the event socket password');
    return createFreeSwitchProvider({
      host: config.ESL_HOST,
      port: config.ESL_PORT,
      password: eslPassword,
      timeoutMs: config.ESL_TIMEOUT_MS,
      recordingPathTemplate: config.RECORDING_PATH_TEMPLATE,
      recordingUrlTemplate: config.RECORDING_URL_TEMPLATE,
    });
  }
  return createSimulatedMediaServer({
    directory: config.SIMULATED_RECORDINGS_DIR,
    baseUrl: config.SIMULATED_RECORDINGS_BASE_URL,
    clock: systemClock,
  });
}

/** The event socket password: from Secrets Manager in AWS, or from the environment locally. */
export async function resolveEslPassword(config: RecordingsConfig): Promise<string | undefined> {
  if (config.RECORDING_PROVIDER !== 'freeswitch') return undefined;
  if (config.ESL_PASSWORD_SECRET_ARN) return readSecretString(config.ESL_PASSWORD_SECRET_ARN);
  return config.ESL_PASSWORD;
}

/** Wires the real adapters for the recording use cases. */
export function createRecordingDeps(
  config: RecordingsConfig,
  clients: AwsClients,
  eslPassword: string | undefined,
) {
  return {
    store: createDynamoDbRecordingStore(clients.documents, config.TABLE_NAME),
    queue: createSqsEventQueue(clients.sqs, config.WEBHOOK_QUEUE_URL),
    provider: createProvider(config, eslPassword),
    clock: systemClock,
    ids: randomIds,
    logger: createJsonLogger({ service: 'recordings' }),
    settings: { claimLeaseMs: config.CLAIM_LEASE_MS },
  };
}
