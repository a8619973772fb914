import { CreateQueueCommand, GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { createWebhookSenderHandler } from '../../functions/webhook-sender/create-handler.ts';
import { createSqsEventSource, emulatorMaxReceiveCount } from '../../scripts/local/sqs-event-source.ts';
import { createDynamoDbWebhookStore } from '../../shared/adapters/dynamodb/dynamodb-webhook-store.ts';
import { keys } from '../../shared/adapters/dynamodb/table-schema.ts';
import {
  createHttpWebhookTransport,
  systemResolver,
} from '../../shared/adapters/http/http-webhook-transport.ts';
import { createSqsDeadLetters } from '../../shared/adapters/sqs/sqs-dead-letter-queue.ts';
import { createSqsEventQueue } from '../../shared/adapters/sqs/sqs-event-queue.ts';
import { createSqsMessageVisibility } from '../../shared/adapters/sqs/sqs-message-visibility.ts';
import { createJsonLogger } from '../../shared/adapters/system/json-logger.ts';
import { systemClock } from '../../shared/adapters/system/system-clock.ts';
import type { Clock } from '../../shared/kernel/clock.ts';
import { DEFAULT_RETRY_POLICY } from '../../shared/webhooks/retry-policy.ts';
import { approveWebhookTarget } from '../../shared/webhooks/target-policy.ts';
import { createTestClients, createTestTable, uniqueSuffix } from './aws-fixtures.ts';
import { createTestSealer } from './kms.ts';

/** A webhook queue with a dead-letter queue after `maxAttempts` attempts, as the stack configures it. */
export async function createQueueWithDlq(
  sqs: ReturnType<typeof createTestClients>['sqs'],
  maxAttempts: number,
) {
  const suffix = uniqueSuffix();
  const dlq = await sqs.send(new CreateQueueCommand({ QueueName: `webhooks-dlq-${suffix}` }));
  const dlqArn = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: dlq.QueueUrl, AttributeNames: ['QueueArn'] }),
  );
  const queue = await sqs.send(
    new CreateQueueCommand({
      QueueName: `webhooks-${suffix}`,
      Attributes: {
        VisibilityTimeout: '60',
        RedrivePolicy: JSON.stringify({
          deadLetterTargetArn: dlqArn.Attributes?.QueueArn,
          maxReceiveCount: emulatorMaxReceiveCount(maxAttempts),
        }),
      },
    }),
  );
  return { queueUrl: queue.QueueUrl ?? '', dlqUrl: dlq.QueueUrl ?? '' };
}

/**
 * The real `webhook-sender` handler over DynamoDB Local, the SQS emulator (queue + DLQ) and the KMS
 * stand-in (sealed secrets), fed by the local SQS event source. Retries are immediate (base delay 0) so
 * tests step through attempts quickly.
 */
export async function createWebhookHarness(
  options: {
    maxAttempts?: number;
    timeoutMs?: number;
    allowLocal?: boolean;
    /** Days of continuous failure before an endpoint is disabled (default 5). */
    disableAfterDays?: number;
    /** The sender's clock (e.g. one a test moves forward); the system's by default. */
    clock?: Clock;
  } = {},
) {
  const clients = createTestClients();
  const maxAttempts = options.maxAttempts ?? 3;
  const [table, queues] = await Promise.all([
    createTestTable(clients.documents),
    createQueueWithDlq(clients.sqs, maxAttempts),
  ]);
  const logLines: string[] = [];
  const store = createDynamoDbWebhookStore(clients.documents, table);
  const counts: Record<string, number> = {};
  const queue = createSqsEventQueue(clients.sqs, queues.queueUrl);
  const handler = createWebhookSenderHandler({
    store,
    queue,
    deadLetters: createSqsDeadLetters(clients.sqs, queues.dlqUrl),
    metrics: {
      count: (name: string, value = 1) => {
        counts[name] = (counts[name] ?? 0) + value;
      },
      duration: () => undefined,
    },
    transport: createHttpWebhookTransport(),
    approveTarget: (url) =>
      approveWebhookTarget(url, { allowInsecureLocalTargets: options.allowLocal ?? true }, systemResolver),
    visibility: createSqsMessageVisibility(clients.sqs, queues.queueUrl),
    // The production sealer against the KMS stand-in, uncached: each delivery opens what is stored now.
    secrets: createTestSealer(),
    clock: options.clock ?? systemClock,
    logger: createJsonLogger({ service: 'webhook-sender' }, (_level, line) => logLines.push(line)),
    settings: {
      timeoutMs: options.timeoutMs ?? 2000,
      disableAfterMs: (options.disableAfterDays ?? 5) * 86_400_000,
      userAgent: 'MiniVoice-Webhooks/1.0',
      retry: { ...DEFAULT_RETRY_POLICY, baseDelaySeconds: 0, maxAttempts },
    },
  });
  const source = createSqsEventSource({ sqs: clients.sqs, queueUrl: queues.queueUrl, handler });
  return {
    ...clients,
    ...queues,
    table,
    store,
    handler,
    source,
    logLines,
    queue,
    /** How often a metric was counted. */
    counted: (name: string) => counts[name] ?? 0,
    /** The delivery record of an event, as an operator reads it. */
    async delivery(eventId: string) {
      const out = await clients.documents.send(
        new GetCommand({ TableName: table, Key: keys.delivery(eventId), ConsistentRead: true }),
      );
      return out.Item;
    },
    async application(applicationId: string) {
      const out = await clients.documents.send(
        new GetCommand({ TableName: table, Key: keys.application(applicationId) }),
      );
      return out.Item;
    },
  };
}
