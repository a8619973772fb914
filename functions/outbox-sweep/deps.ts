import { type AwsClients, createAwsClients } from '../../shared/adapters/aws/aws-clients.ts';
import { createDynamoDbOutbox } from '../../shared/adapters/dynamodb/dynamodb-outbox.ts';
import { createSqsEventQueue } from '../../shared/adapters/sqs/sqs-event-queue.ts';
import { createJsonLogger } from '../../shared/adapters/system/json-logger.ts';
import { systemClock } from '../../shared/adapters/system/system-clock.ts';
import type { OutboxSweepConfig } from './config.ts';
import type { OutboxSweepDeps } from './create-handler.ts';

/** Wires the real adapters of the `outbox-sweep` function. */
export function createOutboxSweepDeps(
  config: OutboxSweepConfig,
  clients: AwsClients = createAwsClients(),
): OutboxSweepDeps {
  return {
    outbox: createDynamoDbOutbox(clients.documents, config.TABLE_NAME),
    queue: createSqsEventQueue(clients.sqs, config.WEBHOOK_QUEUE_URL),
    clock: systemClock,
    logger: createJsonLogger({ service: 'outbox-sweep' }),
    settings: { graceMs: config.OUTBOX_GRACE_MS, batchSize: 100 },
  };
}
