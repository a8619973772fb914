import { sqsSdk } from '../../shared/adapters/aws-sdk.ts';
import { createDynamoDbWebhookStore } from '../../shared/adapters/dynamodb/dynamodb-webhook-store.ts';
import {
  createHttpWebhookTransport,
  systemResolver,
} from '../../shared/adapters/http/http-webhook-transport.ts';
import { createSqsMessageVisibility } from '../../shared/adapters/sqs/sqs-message-visibility.ts';
import { systemClock } from '../../shared/adapters/system/system-clock.ts';
import { createAwsClients } from '../../shared/composition/aws-clients.ts';
import { loadWebhookSenderConfig } from '../../shared/config.ts';
import { createJsonLogger } from '../../shared/logging/json-logger.ts';
import { DEFAULT_RETRY_POLICY } from '../../shared/webhooks/retry-policy.ts';
import { approveWebhookTarget } from '../../shared/webhooks/target-policy.ts';
import { createWebhookSenderHandler } from './create-handler.ts';

// Composition root: config, clients and the keep-alive HTTP agents live as long as the container.
const config = loadWebhookSenderConfig(process.env);
const clients = createAwsClients();
const targetPolicy = { allowInsecureLocalTargets: config.WEBHOOK_ALLOW_INSECURE_LOCAL_TARGETS };

/** SQS-triggered Lambda entry: delivers webhook events to applications' endpoints. */
export const handler = createWebhookSenderHandler({
  store: createDynamoDbWebhookStore(clients.documents, config.TABLE_NAME),
  transport: createHttpWebhookTransport(),
  approveTarget: (url) => approveWebhookTarget(url, targetPolicy, systemResolver),
  visibility: createSqsMessageVisibility(new (sqsSdk().SQSClient)({}), config.WEBHOOK_QUEUE_URL),
  clock: systemClock,
  logger: createJsonLogger({ service: 'webhook-sender' }),
  settings: {
    timeoutMs: config.WEBHOOK_TIMEOUT_MS,
    userAgent: 'MiniVoice-Webhooks/1.0',
    retry: {
      ...DEFAULT_RETRY_POLICY,
      baseDelaySeconds: config.WEBHOOK_RETRY_BASE_SECONDS,
      maxDelaySeconds: config.WEBHOOK_RETRY_MAX_DELAY_SECONDS,
      maxAttempts: config.WEBHOOK_MAX_ATTEMPTS,
    },
  },
});
