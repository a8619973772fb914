import { createDynamoDbRecordingStore } from '../../shared/adapters/dynamodb/dynamodb-recording-store.ts';
import { createSqsEventQueue } from '../../shared/adapters/sqs/sqs-event-queue.ts';
import { systemClock } from '../../shared/adapters/system/system-clock.ts';
import { createAwsClients } from '../../shared/composition/aws-clients.ts';
import { loadOutboxSweepConfig } from '../../shared/config.ts';
import { createJsonLogger } from '../../shared/logging/json-logger.ts';
import { createOutboxSweepHandler } from './create-handler.ts';

// Composition root: built once per container.
const config = loadOutboxSweepConfig(process.env);
const clients = createAwsClients();

/** Scheduled Lambda entry: re-queues webhook events stuck in the outbox. */
export const handler = createOutboxSweepHandler(
  {
    store: createDynamoDbRecordingStore(clients.documents, config.TABLE_NAME),
    queue: createSqsEventQueue(clients.sqs, config.WEBHOOK_QUEUE_URL),
    clock: systemClock,
    logger: createJsonLogger({ service: 'outbox-sweep' }),
  },
  { graceMs: config.OUTBOX_GRACE_MS, batchSize: 100 },
);
