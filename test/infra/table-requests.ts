import { existsSync, readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { RequestAllowance } from '../../shared/accounts/ports.ts';
import { documentSdk } from '../../shared/adapters/aws/aws-sdk.ts';
import { createDynamoDbApiKeyReader } from '../../shared/adapters/dynamodb/dynamodb-api-key-reader.ts';
import { createDynamoDbArchiveStore } from '../../shared/adapters/dynamodb/dynamodb-archive-store.ts';
import { createDynamoDbRecordingStore } from '../../shared/adapters/dynamodb/dynamodb-recording-store.ts';
import { createDynamoDbRequestAllowance } from '../../shared/adapters/dynamodb/dynamodb-request-allowance.ts';
import { createDynamoDbWebhookStore } from '../../shared/adapters/dynamodb/dynamodb-webhook-store.ts';
import { GSI1, GSI2, KEY_ATTRIBUTES } from '../../shared/adapters/dynamodb/table-schema.ts';
import type { ArchiveStore } from '../../shared/archive/ports.ts';
import type { StoredRecording } from '../../shared/archive/types.ts';
import type { Claim, RecordingStore } from '../../shared/recordings/ports.ts';
import type { Recording } from '../../shared/recordings/types.ts';
import type { ApiKeyReader } from '../../shared/webhook-events/ports.ts';
import type { WebhookStore } from '../../shared/webhooks/ports.ts';
import type { DeliveryEvent, OutboxEvent } from '../../shared/webhooks/types.ts';

/**
 * One item request as IAM authorizes it: the action (a transaction's items each count as their own
 * PutItem/UpdateItem/ConditionCheckItem/DeleteItem; there is no TransactWriteItems action), where
 * (`table` or `index <name>`), and the partition value `dynamodb:LeadingKeys` sees.
 */
export interface TableRequest {
  action: string;
  target: string;
  partition: string | undefined;
}

type Input = Record<string, unknown> & {
  Key?: Record<string, unknown>;
  Item?: Record<string, unknown>;
};

/** The partition value a Query names in its key condition (`<partition> = :value …`). */
function queriedPartition(input: Input): string | undefined {
  const match = /^\s*(#?\w+)\s*=\s*(:\w+)/.exec(String(input.KeyConditionExpression ?? ''));
  if (!match) return undefined;
  const names = (input.ExpressionAttributeNames ?? {}) as Record<string, string>;
  const attribute = match[1]?.startsWith('#') ? names[match[1]] : match[1];
  const index = input.IndexName as string | undefined;
  const partition =
    index === GSI1.name ? GSI1.partition : index === GSI2.name ? GSI2.partition : KEY_ATTRIBUTES.partition;
  if (attribute !== partition) return undefined;
  const values = (input.ExpressionAttributeValues ?? {}) as Record<string, unknown>;
  return String(values[match[2] as string]);
}

const partitionOf = (key: Record<string, unknown> | undefined) =>
  key === undefined ? undefined : String(key[KEY_ATTRIBUTES.partition]);

/** The item requests one document-client command makes. */
export function requestsOf(command: { input: unknown }): TableRequest[] {
  const input = command.input as Input;
  const table = (action: string, partition: string | undefined) => ({ action, target: 'table', partition });
  if (command instanceof documentSdk.GetCommand) return [table('GetItem', partitionOf(input.Key))];
  if (command instanceof documentSdk.PutCommand) return [table('PutItem', partitionOf(input.Item))];
  if (command instanceof documentSdk.UpdateCommand) return [table('UpdateItem', partitionOf(input.Key))];
  if (command instanceof documentSdk.DeleteCommand) return [table('DeleteItem', partitionOf(input.Key))];
  if (command instanceof documentSdk.QueryCommand) {
    const index = input.IndexName as string | undefined;
    return [
      { action: 'Query', target: index ? `index ${index}` : 'table', partition: queriedPartition(input) },
    ];
  }
  if (command instanceof documentSdk.BatchGetCommand) {
    const tables = Object.values(input.RequestItems as Record<string, { Keys: Record<string, unknown>[] }>);
    return tables.flatMap(({ Keys }) => Keys.map((key) => table('BatchGetItem', partitionOf(key))));
  }
  if (command instanceof documentSdk.TransactWriteCommand) {
    const items = input.TransactItems as Record<string, Input>[];
    const actions: Record<string, string> = {
      Put: 'PutItem',
      Update: 'UpdateItem',
      Delete: 'DeleteItem',
      ConditionCheck: 'ConditionCheckItem',
    };
    return items.flatMap((item) =>
      Object.entries(item).map(([kind, request]) =>
        table(actions[kind] ?? kind, partitionOf(request.Key ?? request.Item)),
      ),
    );
  }
  // Scan, batch writes, PartiQL: no partition to authorize by.
  return [table(command.constructor.name.replace(/Command$/, ''), undefined)];
}

/**
 * A document client that records every request and answers each with an empty success (no item found,
 * the update applied), so an adapter method runs its first requests as it would against the table.
 */
function recordingClient(requests: TableRequest[]): DynamoDBDocumentClient {
  const send = async (command: { input: unknown }) => {
    requests.push(...requestsOf(command));
    return { Attributes: { tat: 1 }, Items: [], Responses: {} };
  };
  return { send } as unknown as DynamoDBDocumentClient;
}

const TABLE = 'table';
const claim: Claim = { callId: 'call_1', claimId: 'clm_1', recordingId: 'rec_call_1', seq: 1, claimedAt: 1 };
const recording = {
  id: 'rec_call_1',
  call_id: 'call_1',
  application_id: 'app_1',
  status: 'completed',
} as Recording;
const event = {
  event_id: 'evt_1',
  event_type: 'recording.completed',
  application_id: 'app_1',
  call_id: 'call_1',
  created_at: '2026-05-29T12:00:00Z',
  occurred_at: '2026-05-29T12:00:00.000Z',
  body: '{}',
} as OutboxEvent;
const delivery: DeliveryEvent = { ...event };
const stored: StoredRecording = { recording, seq: 1, ending: undefined, purgeAt: 1 };
const ref = { recordingId: 'rec_call_1', callId: 'call_1', seq: 1 };
const attempt = { at: '2026-05-29T12:00:01Z', status_code: 500, latency_ms: 3, outcome: 'retry' as const };

/** Calls of every method of a port, covering each branch that addresses a different item. */
type SampleCalls<Port> = { [Method in keyof Port]: (port: Port) => Promise<unknown> };

/**
 * The table adapters the functions wire, each with a call of every method of its port (the types make
 * a new method fail to compile until it has one here).
 */
export const TABLE_ADAPTERS = {
  recordingStore: {
    factory: 'createDynamoDbRecordingStore',
    create: (documents: DynamoDBDocumentClient) => createDynamoDbRecordingStore(documents, TABLE),
    calls: {
      loadAccess: (s) => s.loadAccess('hash', 'call_1'),
      getCall: (s) => s.getCall('call_1'),
      findCallByChannel: (s) => s.findCallByChannel('8e3b0c1a-0000-4000-8000-000000000000'),
      getRecording: (s) => s.getRecording('call_1', 1),
      claimStart: async (s) => {
        await s.claimStart(claim, { previousSeq: 0 });
        await s.claimStart(claim, { staleClaimId: 'clm_0', staleBefore: 1 });
      },
      claimStop: (s) => s.claimStop(claim, { claimId: 'clm_0', staleBefore: 1 }),
      commitStarted: (s) => s.commitStarted(claim, recording, event),
      commitStartFailed: (s) => s.commitStartFailed(claim, recording, event),
      commitEnded: async (s) => {
        await s.commitEnded(claim, {
          recording,
          ending: { end_reason: 'stopped' } as never,
          events: [event],
        });
        await s.commitEnded(claim, {
          recording,
          ending: { end_reason: 'hangup' } as never,
          events: [event, event],
          adoptsStart: true,
          endCall: 'completed',
          purgeAt: 1,
        });
      },
      releaseStop: (s) => s.releaseStop(claim),
      endCall: (s) => s.endCall('call_1', 'completed'),
    } satisfies SampleCalls<RecordingStore>,
  },
  archiveStore: {
    factory: 'createDynamoDbArchiveStore',
    create: (documents: DynamoDBDocumentClient) => createDynamoDbArchiveStore(documents, TABLE),
    calls: {
      loadCallAccess: (s) => s.loadCallAccess('hash', 'call_1'),
      loadRecordingAccess: (s) => s.loadRecordingAccess('hash', ref),
      listRecordings: (s) => s.listRecordings('call_1', { afterSeq: 0, limit: 20 }),
      getRecording: (s) => s.getRecording(ref),
      getCall: (s) => s.getCall('call_1'),
      commitDeleted: async (s) => {
        await s.commitDeleted(stored, recording, event, 1);
        await s.commitDeleted(stored, recording, event, undefined);
      },
      finishPurge: (s) => s.finishPurge(ref),
      duePurges: (s) => s.duePurges(1, 25),
      postponePurge: (s) => s.postponePurge(stored, 2),
      retentionDays: (s) => s.retentionDays('app_1'),
    } satisfies SampleCalls<ArchiveStore>,
  },
  apiKeyReader: {
    factory: 'createDynamoDbApiKeyReader',
    create: (documents: DynamoDBDocumentClient) => createDynamoDbApiKeyReader(documents, TABLE),
    calls: { getApiKey: (s) => s.getApiKey('hash') } satisfies SampleCalls<ApiKeyReader>,
  },
  requestAllowance: {
    factory: 'createDynamoDbRequestAllowance',
    create: (documents: DynamoDBDocumentClient) =>
      createDynamoDbRequestAllowance(
        documents,
        TABLE,
        { perSecond: 50, burst: 100 },
        { now: () => new Date('2026-05-29T12:00:00Z'), sleep: async () => {} },
      ),
    calls: { take: (s) => s.take('app_1') } satisfies SampleCalls<RequestAllowance>,
  },
  webhookStore: {
    factory: 'createDynamoDbWebhookStore',
    create: (documents: DynamoDBDocumentClient) => createDynamoDbWebhookStore(documents, TABLE),
    calls: {
      getApplication: (s) => s.getApplication('app_1'),
      getDelivery: (s) => s.getDelivery('evt_1'),
      recordAttempt: async (s) => {
        await s.recordAttempt(delivery, attempt, 'failing');
        await s.recordAttempt(delivery, attempt, 'parked', 'endpoint disabled');
      },
      markPending: (s) => s.markPending([{ ...delivery, attempt_count: 1 }]),
      listDeliveries: (s) =>
        s.listDeliveries('app_1', 'parked', { limit: 20, since: '2026-05-29T00:00:00Z' }),
      markEndpointGone: (s) => s.markEndpointGone('app_1', 'https://example.com/hook', attempt.at),
      markFailing: (s) => s.markFailing('app_1', 'https://example.com/hook', attempt.at),
      markRecovered: (s) => s.markRecovered('app_1', 'https://example.com/hook'),
      disableEndpoint: (s) => s.disableEndpoint('app_1', 'https://example.com/hook', attempt.at, 'failing'),
    } satisfies SampleCalls<WebhookStore>,
  },
} as const;

type AdapterName = keyof typeof TABLE_ADAPTERS;
type MethodOf<A extends AdapterName> = keyof (typeof TABLE_ADAPTERS)[A]['calls'];

/** One port of a function: the table adapter its `deps.ts` wires, and the methods its use cases call. */
type PortUse = { [A in AdapterName]: { adapter: A; methods: MethodOf<A>[] } }[AdapterName];

/** A function's table ports, by the name its deps give each. */
export interface FunctionTableUse {
  /** Its folder under functions/. */
  folder: string;
  ports: Record<string, PortUse>;
  /**
   * Methods its use-case modules mention that it never calls, with why (the modules are shared with
   * another function's use case).
   */
  reachedButNotCalled?: Record<string, string>;
}

/**
 * For each function, the port methods its use cases call (read from the use cases under shared/; a
 * test checks this list against the calls found in the modules the function's handler imports, and
 * against its deps.ts). The table is kept by hand because the modules are shared between functions:
 * a module a function imports may hold another function's use case too.
 */
export const FUNCTION_TABLE_USE: Record<string, FunctionTableUse> = {
  Recordings: {
    folder: 'recordings',
    ports: {
      store: {
        adapter: 'recordingStore',
        methods: [
          'loadAccess',
          'getCall',
          'getRecording',
          'claimStart',
          'claimStop',
          'commitStarted',
          'commitStartFailed',
          'commitEnded',
          'releaseStop',
        ],
      },
      archive: {
        adapter: 'archiveStore',
        methods: [
          'loadCallAccess',
          'loadRecordingAccess',
          'listRecordings',
          'getRecording',
          'getCall',
          'commitDeleted',
          'finishPurge',
        ],
      },
      keys: { adapter: 'apiKeyReader', methods: ['getApiKey'] },
      allowance: { adapter: 'requestAllowance', methods: ['take'] },
      deliveries: {
        adapter: 'webhookStore',
        methods: ['getApplication', 'getDelivery', 'listDeliveries', 'markPending'],
      },
    },
  },
  MediaEvents: {
    folder: 'media-events',
    ports: {
      store: {
        adapter: 'recordingStore',
        methods: ['getCall', 'findCallByChannel', 'getRecording', 'commitStarted', 'commitEnded', 'endCall'],
      },
      archive: { adapter: 'archiveStore', methods: ['retentionDays'] },
    },
  },
  RetentionSweep: {
    folder: 'retention-sweep',
    ports: {
      archive: {
        adapter: 'archiveStore',
        methods: ['duePurges', 'getCall', 'getRecording', 'postponePurge', 'commitDeleted', 'finishPurge'],
      },
    },
    reachedButNotCalled: {
      loadRecordingAccess:
        "shared/archive/delete-recording.ts holds the API's DELETE route too; the sweep runs only its deleteStoredRecording and removeAudio",
    },
  },
  WebhookSender: {
    folder: 'webhook-sender',
    ports: {
      store: {
        adapter: 'webhookStore',
        methods: [
          'getApplication',
          'getDelivery',
          'recordAttempt',
          'markFailing',
          'markRecovered',
          'markEndpointGone',
          'disableEndpoint',
          'listDeliveries',
          'markPending',
        ],
      },
    },
  },
};

/** The table requests a function's adapters make for the port methods its use cases call. */
export async function tableRequestsOf(use: FunctionTableUse): Promise<TableRequest[]> {
  const requests: TableRequest[] = [];
  const documents = recordingClient(requests);
  for (const { adapter, methods } of Object.values(use.ports)) {
    const { create, calls } = TABLE_ADAPTERS[adapter];
    const port = create(documents);
    for (const method of methods) {
      const call = (calls as Record<string, (port: unknown) => Promise<unknown>>)[method as string];
      if (!call) throw new Error(`${adapter} has no sample call of ${String(method)}`);
      await call(port);
    }
  }
  return requests;
}

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * The names of the port methods called (`<port>.<method>(` or `deps.<port>.<method>(`) in the modules a
 * function's handler imports, directly or not, under functions/ and shared/ (adapters excluded).
 */
export function portCallsIn(use: FunctionTableUse): string[] {
  const seen = new Set<string>();
  const pending = [resolve(ROOT, 'functions', use.folder, 'create-handler.ts')];
  while (pending.length > 0) {
    const file = pending.pop() as string;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const [, path] of readFileSync(file, 'utf8').matchAll(/from '(\.[^']+)'/g)) {
      const target = resolve(dirname(file), path as string);
      const inRepo = relative(ROOT, target);
      if (
        /^(shared|functions)\//.test(inRepo) &&
        !inRepo.startsWith('shared/adapters/') &&
        existsSync(target)
      ) {
        pending.push(target);
      }
    }
  }
  const call = new RegExp(`\\b(?:${Object.keys(use.ports).join('|')})\\.(\\w+)\\(`, 'g');
  const methods = new Set<string>();
  for (const file of seen) {
    for (const [, method] of readFileSync(file, 'utf8').matchAll(call)) methods.add(method as string);
  }
  return [...methods].sort();
}

/** The deps.ts of a function, to check which adapter each port is wired to. */
export function depsSourceOf(use: FunctionTableUse): string {
  return readFileSync(resolve(ROOT, 'functions', use.folder, 'deps.ts'), 'utf8');
}
