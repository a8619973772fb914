import {
  CreateTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  ResourceNotFoundException,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { CreateQueueCommand, GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { createTableInput, TTL_ATTRIBUTE } from '../../shared/adapters/dynamodb/table-schema.ts';
import { MEDIA_EVENT_MAX_RECEIVES } from '../../shared/media-events/media-event-message.ts';
import { DEFAULT_RETRY_POLICY } from '../../shared/webhooks/retry-policy.ts';
import { emulatorMaxReceiveCount } from './sqs-event-source.ts';

/** Names of the local resources (also used by events/sam-env.json). */
export const LOCAL_NAMES = {
  table: 'minivoice-local',
  queue: 'minivoice-webhooks',
  deadLetterQueue: 'minivoice-webhooks-dlq',
  mediaEvents: 'minivoice-media-events',
  mediaEventsDeadLetters: 'minivoice-media-events-dlq',
  bucket: 'minivoice-recordings-local',
};

/**
 * Creates the table with the production schema unless it exists (its data persists in `.local/`); a
 * table kept from before the outbox moved to the stream gets its stream turned on.
 */
export async function ensureTable(client: DynamoDBClient, tableName: string): Promise<void> {
  try {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    if (!Table?.StreamSpecification?.StreamEnabled) {
      await client.send(
        new UpdateTableCommand({
          TableName: tableName,
          StreamSpecification: createTableInput(tableName).StreamSpecification,
        }),
      );
    }
    return;
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
  }
  await client.send(new CreateTableCommand(createTableInput(tableName)));
  await client.send(
    new UpdateTimeToLiveCommand({
      TableName: tableName,
      TimeToLiveSpecification: { AttributeName: TTL_ATTRIBUTE, Enabled: true },
    }),
  );
}

/** Creates the media-events queue and its dead-letter queue (as the stack does), returning their URLs. */
export async function ensureMediaEventQueues(
  client: SQSClient,
): Promise<{ mediaEventsUrl: string; mediaEventsDlqUrl: string }> {
  const { queueUrl, dlqUrl } = await ensureQueues(
    client,
    { queue: LOCAL_NAMES.mediaEvents, deadLetterQueue: LOCAL_NAMES.mediaEventsDeadLetters },
    MEDIA_EVENT_MAX_RECEIVES,
  );
  return { mediaEventsUrl: queueUrl, mediaEventsDlqUrl: dlqUrl };
}

/** Creates the webhook queue and its dead-letter queue (as the stack does), returning their URLs. */
export async function ensureQueues(
  client: SQSClient,
  names: { queue: string; deadLetterQueue: string } = LOCAL_NAMES,
  attempts = DEFAULT_RETRY_POLICY.maxAttempts,
): Promise<{ queueUrl: string; dlqUrl: string }> {
  const dlq = await client.send(new CreateQueueCommand({ QueueName: names.deadLetterQueue }));
  const arn = await client.send(
    new GetQueueAttributesCommand({ QueueUrl: dlq.QueueUrl, AttributeNames: ['QueueArn'] }),
  );
  const queue = await client.send(
    new CreateQueueCommand({
      QueueName: names.queue,
      Attributes: {
        VisibilityTimeout: '180',
        RedrivePolicy: JSON.stringify({
          deadLetterTargetArn: arn.Attributes?.QueueArn,
          maxReceiveCount: emulatorMaxReceiveCount(attempts),
        }),
      },
    }),
  );
  if (!queue.QueueUrl || !dlq.QueueUrl) throw new Error('the SQS emulator returned no queue URL');
  return { queueUrl: queue.QueueUrl, dlqUrl: dlq.QueueUrl };
}
