import { type AwsClients, createAwsClients } from '../../shared/adapters/aws/aws-clients.ts';
import { createDynamoDbRecordingStore } from '../../shared/adapters/dynamodb/dynamodb-recording-store.ts';
import { createFreeSwitchProvider } from '../../shared/adapters/freeswitch/freeswitch-provider.ts';
import { readSecretString } from '../../shared/adapters/secrets/secrets-manager-secret.ts';
import { createSimulatedMediaServer } from '../../shared/adapters/simulated/simulated-media-server.ts';
import { createSqsEventQueue } from '../../shared/adapters/sqs/sqs-event-queue.ts';
import { createJsonLogger } from '../../shared/adapters/system/json-logger.ts';
import { randomIds } from '../../shared/adapters/system/random-ids.ts';
import { systemClock } from '../../shared/adapters/system/system-clock.ts';
import type { RecordingProvider } from '../../shared/recordings/ports.ts';
import type { RecordingsConfig } from './config.ts';
import type { RecordingsHandlerDeps } from './create-handler.ts';

/** The media server adapter the configuration names (`eslPassword` already resolved for FreeSWITCH). */
function createProvider(config: RecordingsConfig, eslPassword: string | undefined): RecordingProvider {
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
async function resolveEslPassword(config: RecordingsConfig): Promise<string | undefined> {
  if (config.RECORDING_PROVIDER !== 'freeswitch') return undefined;
  if (config.ESL_PASSWORD_SECRET_ARN) return readSecretString(config.ESL_PASSWORD_SECRET_ARN);
  return config.ESL_PASSWORD;
}

/** Wires the real adapters of the `recordings` function (once per container, at cold start). */
export async function createRecordingsDeps(
  config: RecordingsConfig,
  clients: AwsClients = createAwsClients(),
): Promise<RecordingsHandlerDeps> {
  return {
    store: createDynamoDbRecordingStore(clients.documents, config.TABLE_NAME),
    queue: createSqsEventQueue(clients.sqs, config.WEBHOOK_QUEUE_URL),
    provider: createProvider(config, await resolveEslPassword(config)),
    clock: systemClock,
    ids: randomIds,
    logger: createJsonLogger({ service: 'recordings' }),
    settings: { claimLeaseMs: config.CLAIM_LEASE_MS },
  };
}
