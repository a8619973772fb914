import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { createRecordingsHandler } from '../../functions/recordings/create-handler.ts';
import { createDynamoDbOutbox } from '../../shared/adapters/dynamodb/dynamodb-outbox.ts';
import { createDynamoDbRecordingStore } from '../../shared/adapters/dynamodb/dynamodb-recording-store.ts';
import { createSqsEventQueue } from '../../shared/adapters/sqs/sqs-event-queue.ts';
import { createJsonLogger } from '../../shared/adapters/system/json-logger.ts';
import { randomIds } from '../../shared/adapters/system/random-ids.ts';
import { systemClock } from '../../shared/adapters/system/system-clock.ts';
import type { RecordingProvider } from '../../shared/recordings/ports.ts';
import { createRecordingFiles, type RecordingFiles } from '../../shared/recordings/recording-files.ts';
import { apiEvent, lambdaContext } from './api-events.ts';
import { createTestClients, createTestQueue, createTestTable } from './aws-fixtures.ts';

const DEFAULT_FILES = createRecordingFiles({
  path: '/rec/{customer_id}/{call_id}/{recording_id}.wav',
  url: 'https://media.test/{customer_id}/{call_id}/{recording_id}.wav',
});

/** A parsed handler answer. */
export interface ApiAnswer {
  statusCode: number;
  headers: Record<string, string>;
  body: unknown;
}

/**
 * The real `recordings` handler over DynamoDB Local and the SQS emulator, with a table and queue of
 * its own. The provider is the caller's (fake FreeSWITCH via ESL, or the simulator).
 */
export async function createRecordingsHarness(options: {
  provider: RecordingProvider;
  /** File naming (default: `/rec/…` paths and `https://media.test/…` URLs). */
  files?: RecordingFiles;
  claimLeaseMs?: number;
  stopSettleMs?: number;
  /** Share a table and queue with another harness (e.g. the webhook sender's). */
  shared?: { table: string; queueUrl: string };
}) {
  const clients = createTestClients();
  const [table, queueUrl] = options.shared
    ? [options.shared.table, options.shared.queueUrl]
    : await Promise.all([createTestTable(clients.documents), createTestQueue(clients.sqs)]);
  const store = createDynamoDbRecordingStore(clients.documents, table);
  const outbox = createDynamoDbOutbox(clients.documents, table);
  const realQueue = createSqsEventQueue(clients.sqs, queueUrl);
  const logLines: string[] = [];
  const deps = {
    store,
    queue: realQueue,
    provider: options.provider,
    files: options.files ?? DEFAULT_FILES,
    clock: systemClock,
    ids: randomIds,
    logger: createJsonLogger({ service: 'recordings' }, (_level, line) => logLines.push(line)),
    settings: { claimLeaseMs: options.claimLeaseMs ?? 10_000, stopSettleMs: options.stopSettleMs ?? 1000 },
  };
  const handler = createRecordingsHandler(deps);

  async function request(options: {
    path: string;
    method?: string;
    apiKey?: string;
    headers?: Record<string, string>;
    body?: string;
    isBase64Encoded?: boolean;
  }): Promise<ApiAnswer> {
    const headers: Record<string, string> = { 'content-type': 'application/json', ...options.headers };
    if (options.apiKey) headers.authorization = `Bearer ${options.apiKey}`;
    const result = (await handler(
      apiEvent({ ...options, headers }),
      lambdaContext(),
    )) as APIGatewayProxyStructuredResultV2;
    return {
      statusCode: result.statusCode ?? 0,
      headers: (result.headers ?? {}) as Record<string, string>,
      body: JSON.parse(String(result.body)),
    };
  }

  return {
    ...clients,
    table,
    queueUrl,
    store,
    outbox,
    deps,
    logLines,
    handler,
    request,
    /** POST /v1/calls/{id}/recordings with a JSON body (or none). */
    post(callId: string, apiKey: string | undefined, body?: unknown) {
      return request({
        path: `/v1/calls/${callId}/recordings`,
        ...(apiKey ? { apiKey } : {}),
        ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
      });
    },
  };
}
