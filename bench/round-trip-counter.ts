import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { RecordingProvider } from '../shared/recordings/ports.ts';

/** Round trips of one request, split at the moment the media server was called. */
export interface RoundTrips {
  dynamodbBeforeProvider: number;
  dynamodbAfterProvider: number;
  sqs: number;
  commands: string[];
}

/**
 * Counts every DynamoDB and SQS request the SDK clients send (an SDK middleware, so retries and
 * batches count as what they are on the wire), and when the provider was called.
 */
export function createRoundTripCounter(clients: { dynamodb: DynamoDBClient; sqs: SQSClient }) {
  let commands: string[] = [];
  let providerAt: number | undefined;
  const count =
    (service: string) =>
    (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) =>
    async (args: unknown) => {
      commands.push(`${service}:${context.commandName ?? '?'}`);
      return next(args);
    };
  // 'finalizeRequest' runs once per HTTP attempt.
  clients.dynamodb.middlewareStack.add(count('dynamodb') as never, {
    step: 'finalizeRequest',
    name: 'roundTripCounter',
  });
  clients.sqs.middlewareStack.add(count('sqs') as never, {
    step: 'finalizeRequest',
    name: 'roundTripCounter',
  });

  return {
    /** Wraps a provider so the counter knows which round trips came before the media server. */
    watch(provider: RecordingProvider): RecordingProvider {
      return {
        ...provider,
        startRecording: (request) => {
          providerAt = commands.length;
          return provider.startRecording(request);
        },
        stopRecording: (request) => {
          providerAt = commands.length;
          return provider.stopRecording(request);
        },
      };
    },
    reset() {
      commands = [];
      providerAt = undefined;
    },
    read(): RoundTrips {
      const split = providerAt ?? commands.length;
      const dynamodb = (list: string[]) => list.filter((c) => c.startsWith('dynamodb:')).length;
      return {
        dynamodbBeforeProvider: dynamodb(commands.slice(0, split)),
        dynamodbAfterProvider: dynamodb(commands.slice(split)),
        sqs: commands.filter((c) => c.startsWith('sqs:')).length,
        commands: [...commands],
      };
    },
  };
}
