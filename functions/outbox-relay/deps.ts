import { type AwsClients, createAwsClients } from '../../shared/adapters/aws/aws-clients.ts';
import { createSqsEventQueue } from '../../shared/adapters/sqs/sqs-event-queue.ts';
import { createEmfMetrics } from '../../shared/adapters/system/emf-metrics.ts';
import { createJsonLogger } from '../../shared/adapters/system/json-logger.ts';
import { systemClock } from '../../shared/adapters/system/system-clock.ts';
import { METRICS_NAMESPACE } from '../../shared/kernel/metrics.ts';
import type { OutboxRelayConfig } from './config.ts';
import type { OutboxRelayDeps } from './create-handler.ts';

/** Wires the real adapters of the `outbox-relay` function. */
export function createOutboxRelayDeps(
  config: OutboxRelayConfig,
  clients: AwsClients = createAwsClients(),
): OutboxRelayDeps {
  return {
    queue: createSqsEventQueue(clients.sqs, config.WEBHOOK_QUEUE_URL),
    logger: createJsonLogger({ service: 'outbox-relay' }),
    metrics: createEmfMetrics(METRICS_NAMESPACE, 'outbox-relay'),
    clock: systemClock,
  };
}
