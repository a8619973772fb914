import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashApiKey } from '../../shared/accounts/api-key.ts';
import { createDynamoDbAdminStore } from '../../shared/adapters/dynamodb/dynamodb-admin-store.ts';
import { createDynamoDbRecordingStore } from '../../shared/adapters/dynamodb/dynamodb-recording-store.ts';
import { keys } from '../../shared/adapters/dynamodb/table-schema.ts';
import { randomIds } from '../../shared/adapters/system/random-ids.ts';
import { systemClock } from '../../shared/adapters/system/system-clock.ts';
import {
  createApiKey,
  createApplication,
  createCall,
  createCustomer,
  setApplicationStatus,
} from '../../shared/admin/admin-commands.ts';
import { AdminError } from '../../shared/admin/errors.ts';
import { errorBody } from '../support/expectations.ts';
import { createScriptedProvider } from '../support/fakes/scripted-provider.ts';
import { createTestSealer } from '../support/kms.ts';
import { createServiceHarness, type ServiceHarness } from '../support/service-harness.ts';

// More keys than one DynamoDB transaction holds (100 items), so copying the status takes several.
const KEYS = 150;

let h: ServiceHarness;
let deps: Parameters<typeof createApplication>[1];

beforeAll(async () => {
  // An allowance far above what these requests need: the limit itself is not what is tested here.
  h = await createServiceHarness({
    provider: createScriptedProvider().provider,
    allowance: { perSecond: 100_000, burst: 100_000 },
  });
  deps = {
    store: createDynamoDbAdminStore(h.documents, h.table),
    clock: systemClock,
    ids: randomIds,
    sealer: createTestSealer(),
  };
});

afterAll(async () => {
  await h.close();
});

/** An application with `KEYS` keys and a call. */
async function bigTenant() {
  const customer = await createCustomer({ name: 'Big' }, deps);
  const application = await createApplication({ customerId: customer.id }, deps);
  const apiKeys: string[] = [];
  for (let i = 0; i < KEYS; i += 25) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(25, KEYS - i) }, () =>
        createApiKey({ applicationId: application.id, mode: 'live' }, deps),
      ),
    );
    apiKeys.push(...batch.map((key) => key.api_key));
  }
  const call = await createCall({ applicationId: application.id }, deps);
  return { applicationId: application.id, apiKeys, callId: call.id };
}

/** The status code each key gets listing the call's recordings (10 requests at a time). */
async function answers(t: Awaited<ReturnType<typeof bigTenant>>): Promise<Map<number, number>> {
  const counts = new Map<number, number>();
  for (let i = 0; i < t.apiKeys.length; i += 10) {
    const batch = await Promise.all(
      t.apiKeys.slice(i, i + 10).map((key) => h.call('GET', `/v1/calls/${t.callId}/recordings`, key)),
    );
    for (const answer of batch) counts.set(answer.statusCode, (counts.get(answer.statusCode) ?? 0) + 1);
  }
  return counts;
}

/** The status each key item carries for its application, counted. */
async function keyCopies(t: Awaited<ReturnType<typeof bigTenant>>): Promise<Map<string, number>> {
  const reader = createDynamoDbRecordingStore(h.documents, h.table);
  const counts = new Map<string, number>();
  for (const key of t.apiKeys) {
    const status = String((await reader.loadAccess(hashApiKey(key), undefined)).apiKey?.application_status);
    counts.set(status, (counts.get(status) ?? 0) + 1);
  }
  return counts;
}

/** An admin store whose document client fails the `n`th transaction (as a crash part way would). */
function storeFailingTransaction(n: number) {
  let transactions = 0;
  const documents = new Proxy(h.documents, {
    get(target, property, receiver) {
      if (property !== 'send') return Reflect.get(target, property, receiver);
      return (command: unknown) => {
        if (command instanceof TransactWriteCommand && ++transactions === n) {
          return Promise.reject(new Error('the operator lost the network'));
        }
        return target.send(command as never);
      };
    },
  });
  return createDynamoDbAdminStore(documents, h.table);
}

describe('set-application-status with more keys than a transaction holds', () => {
  it('refuses every key as soon as the first transaction is written, before any key is updated', async () => {
    const t = await bigTenant();
    const before = await answers(t);

    await deps.store.setApplicationStatus(t.applicationId, 'disabled');

    expect([before, await answers(t), await keyCopies(t)]).toEqual([
      new Map([[200, KEYS]]),
      new Map([[401, KEYS]]),
      new Map([['active', KEYS]]),
    ]);
    expect((await h.call('GET', `/v1/calls/${t.callId}/recordings`, t.apiKeys[0])).body).toEqual(
      errorBody('unauthorized', 'a valid API key is required'),
    );
  });

  it('disables the application and then every key of it', async () => {
    const t = await bigTenant();

    const result = await setApplicationStatus({ applicationId: t.applicationId, status: 'disabled' }, deps);

    expect(result).toEqual({ application_id: t.applicationId, status: 'disabled', keys_updated: KEYS });
    expect([await answers(t), await keyCopies(t)]).toEqual([
      new Map([[401, KEYS]]),
      new Map([['disabled', KEYS]]),
    ]);
  });

  it('accepts every key again after an enable', async () => {
    const t = await bigTenant();
    await setApplicationStatus({ applicationId: t.applicationId, status: 'disabled' }, deps);

    const result = await setApplicationStatus({ applicationId: t.applicationId, status: 'active' }, deps);

    expect(result).toEqual({ application_id: t.applicationId, status: 'active', keys_updated: KEYS });
    expect([await answers(t), await keyCopies(t)]).toEqual([
      new Map([[200, KEYS]]),
      new Map([['active', KEYS]]),
    ]);
  });

  it('finds nothing left to update when run again', async () => {
    const t = await bigTenant();
    await setApplicationStatus({ applicationId: t.applicationId, status: 'disabled' }, deps);

    expect(await setApplicationStatus({ applicationId: t.applicationId, status: 'disabled' }, deps)).toEqual({
      application_id: t.applicationId,
      status: 'disabled',
      keys_updated: 0,
    });
  });

  it('finishes, when run again, a disable that stopped part way (every key refused meanwhile)', async () => {
    const t = await bigTenant();
    // Transaction 1: the application and its limiter item; 2: the first 99 keys; 3 fails.
    const interrupted = { ...deps, store: storeFailingTransaction(3) };
    await expect(
      setApplicationStatus({ applicationId: t.applicationId, status: 'disabled' }, interrupted),
    ).rejects.toThrow('the operator lost the network');
    const meanwhile = [await answers(t), await keyCopies(t)];

    const rerun = await setApplicationStatus({ applicationId: t.applicationId, status: 'disabled' }, deps);

    expect(meanwhile).toEqual([
      new Map([[401, KEYS]]),
      new Map([
        ['disabled', 99],
        ['active', KEYS - 99],
      ]),
    ]);
    expect(rerun.keys_updated).toBe(KEYS - 99);
    expect(await keyCopies(t)).toEqual(new Map([['disabled', KEYS]]));
  });

  it('stops copying a status that a later change replaced, leaving the keys to that change', async () => {
    const t = await bigTenant();
    await deps.store.setApplicationStatus(t.applicationId, 'disabled');
    await setApplicationStatus({ applicationId: t.applicationId, status: 'active' }, deps);

    const stale = (async () => {
      for await (const _ of deps.store.copyStatusToKeys(t.applicationId, 'disabled'));
    })();

    await expect(stale).rejects.toThrow(
      new AdminError(
        `application ${t.applicationId} is no longer disabled: the later change updates its keys`,
      ),
    );
    expect([await answers(t), await keyCopies(t)]).toEqual([
      new Map([[200, KEYS]]),
      new Map([['active', KEYS]]),
    ]);
  });
});

describe("the disable's first transaction", () => {
  it("writes the application's status and the limiter's mark together, in one TransactWriteItems", async () => {
    const customer = await createCustomer({ name: 'Small' }, deps);
    const application = await createApplication({ customerId: customer.id }, deps);
    const sent: unknown[] = [];
    const documents = new Proxy(h.documents, {
      get(target, property, receiver) {
        if (property !== 'send') return Reflect.get(target, property, receiver);
        return (command: { input: unknown }) => {
          sent.push(command.input);
          return target.send(command as never);
        };
      },
    });

    await createDynamoDbAdminStore(documents, h.table).setApplicationStatus(application.id, 'disabled');

    expect(sent).toEqual([
      {
        TransactItems: [
          {
            Update: {
              TableName: h.table,
              Key: keys.application(application.id),
              UpdateExpression: 'SET #status = :status',
              ConditionExpression: 'attribute_exists(pk)',
              ExpressionAttributeNames: { '#status': 'status' },
              ExpressionAttributeValues: { ':status': 'disabled' },
            },
          },
          {
            Update: {
              TableName: h.table,
              Key: keys.rate(application.id),
              UpdateExpression: 'SET application_status = :status REMOVE expires_at',
              ExpressionAttributeValues: { ':status': 'disabled' },
            },
          },
        ],
      },
    ]);
    const rate = await h.documents.send(
      new GetCommand({ TableName: h.table, Key: keys.rate(application.id) }),
    );
    expect(rate.Item).toEqual({ ...keys.rate(application.id), application_status: 'disabled' });
  });

  it('writes neither when the application does not exist', async () => {
    await expect(deps.store.setApplicationStatus('app_missing', 'disabled')).rejects.toThrow(
      new AdminError('no application app_missing'),
    );
    const rate = await h.documents.send(
      new GetCommand({ TableName: h.table, Key: keys.rate('app_missing') }),
    );
    expect(rate.Item).toBeUndefined();
  });
});
