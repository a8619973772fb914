import { type AwsClients, createAwsClients } from '../../shared/adapters/aws/aws-clients.ts';
import { createSqsEventQueue } from '../../shared/adapters/sqs/sqs-event-queue.ts';
import { createJsonLogger } from '../../shared/adapters/system/json-logger.ts';
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
  };
}
