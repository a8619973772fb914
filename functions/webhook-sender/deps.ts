import { type AwsClients, createAwsClients } from '../../shared/adapters/aws/aws-clients.ts';
import { createDynamoDbWebhookStore } from '../../shared/adapters/dynamodb/dynamodb-webhook-store.ts';
import {
  createHttpWebhookTransport,
  systemResolver,
} from '../../shared/adapters/http/http-webhook-transport.ts';
import { createKmsSecretSealer } from '../../shared/adapters/kms/kms-secret-sealer.ts';
import { createSqsDeadLetters } from '../../shared/adapters/sqs/sqs-dead-letter-queue.ts';
import { createSqsEventQueue } from '../../shared/adapters/sqs/sqs-event-queue.ts';
import { createSqsMessageVisibility } from '../../shared/adapters/sqs/sqs-message-visibility.ts';
import { createEmfMetrics } from '../../shared/adapters/system/emf-metrics.ts';
import { createJsonLogger } from '../../shared/adapters/system/json-logger.ts';
import { systemClock } from '../../shared/adapters/system/system-clock.ts';
import { METRICS_NAMESPACE } from '../../shared/kernel/metrics.ts';
import { cacheOpenedSecrets } from '../../shared/webhooks/secret-cache.ts';
import { approveWebhookTarget } from '../../shared/webhooks/target-policy.ts';
import { retryPolicyOf, type WebhookSenderConfig } from './config.ts';
import type { WebhookSenderDeps } from './create-handler.ts';

/**
 * Wires the real adapters of the `webhook-sender` function (keep-alive agents, the KMS client and the
 * opened secrets' short-lived cache live with the container).
 */
export function createWebhookSenderDeps(
  config: WebhookSenderConfig,
  clients: AwsClients = createAwsClients(),
): WebhookSenderDeps {
  const targetPolicy = { allowInsecureLocalTargets: config.WEBHOOK_ALLOW_INSECURE_LOCAL_TARGETS };
  return {
    store: createDynamoDbWebhookStore(clients.documents, config.TABLE_NAME),
    queue: createSqsEventQueue(clients.sqs, config.WEBHOOK_QUEUE_URL),
    deadLetters: createSqsDeadLetters(clients.sqs, config.WEBHOOK_DLQ_URL),
    transport: createHttpWebhookTransport(),
    approveTarget: (url) => approveWebhookTarget(url, targetPolicy, systemResolver),
    secrets: cacheOpenedSecrets(
      createKmsSecretSealer(clients.kms, config.WEBHOOK_SECRETS_KEY_ID),
      systemClock,
    ),
    visibility: createSqsMessageVisibility(clients.sqs(), config.WEBHOOK_QUEUE_URL),
    clock: systemClock,
    logger: createJsonLogger({ service: 'webhook-sender' }),
    metrics: createEmfMetrics(METRICS_NAMESPACE, 'webhook-sender'),
    settings: {
      timeoutMs: config.WEBHOOK_TIMEOUT_MS,
      disableAfterMs: config.WEBHOOK_DISABLE_AFTER_DAYS * 86_400_000,
      userAgent: 'MiniVoice-Webhooks/1.0',
      retry: retryPolicyOf(config),
    },
  };
}
