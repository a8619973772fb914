import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDynamoDbAdminStore } from '../../shared/adapters/dynamodb/dynamodb-admin-store.ts';
import { toApplicationItem } from '../../shared/adapters/dynamodb/item-mappers.ts';
import { keys } from '../../shared/adapters/dynamodb/table-schema.ts';
import { randomIds } from '../../shared/adapters/system/random-ids.ts';
import { systemClock } from '../../shared/adapters/system/system-clock.ts';
import {
  createApiKey,
  createApplication,
  createCustomer,
  rotateWebhookSecret,
  sealWebhookSecrets,
  setWebhook,
} from '../../shared/admin/admin-commands.ts';
import { AdminError } from '../../shared/admin/errors.ts';
import type { AdminStore } from '../../shared/admin/ports.ts';
import { createTestClients, createTestTable, uniqueSuffix } from '../support/aws-fixtures.ts';
import { createScriptedProvider } from '../support/fakes/scripted-provider.ts';
import { createTestSealer } from '../support/kms.ts';
import { createServiceHarness, type ServiceHarness } from '../support/service-harness.ts';

const sealer = createTestSealer();
const SECRET = 'whsec_operator_chosen_0123456789';

describe('admin commands storing webhook secrets', () => {
  let h: ServiceHarness;
  let deps: Parameters<typeof createApplication>[1];
  beforeAll(async () => {
    h = await createServiceHarness({ provider: createScriptedProvider().provider });
    deps = {
      store: createDynamoDbAdminStore(h.documents, h.table),
      clock: systemClock,
      ids: randomIds,
      sealer,
    };
  });
  afterAll(async () => {
    await h.close();
  });

  /** The application's item as stored, every attribute. */
  const item = async (applicationId: string) =>
    (await h.documents.send(new GetCommand({ TableName: h.table, Key: keys.application(applicationId) })))
      .Item ?? {};
  const customer = () => createCustomer({ name: 'Acme' }, deps);

  it('stores the secret of a new application sealed, and shows it in clear once', async () => {
    const { id: customerId } = await customer();

    const created = await createApplication(
      { customerId, webhookUrl: 'https://hooks.example.com/a', webhookSecret: SECRET },
      deps,
    );

    const stored = await item(created.id);
    expect(created).toEqual({
      id: created.id,
      customer_id: customerId,
      status: 'active',
      webhook_url: 'https://hooks.example.com/a',
      webhook_status: 'active',
      webhook_secret: SECRET,
    });
    expect([
      JSON.stringify(stored).includes(SECRET),
      await sealer.open(stored.webhook_secret, created.id),
    ]).toEqual([false, SECRET]);
  });

  it('stores a secret set with the webhook sealed, and shows it in clear once', async () => {
    const { id: customerId } = await customer();
    const application = await createApplication({ customerId }, deps);

    const set = await setWebhook(
      { applicationId: application.id, url: 'https://hooks.example.com/b', secret: SECRET },
      { ...deps, queue: h.deps.queue },
    );

    const stored = await item(application.id);
    expect(set.webhook_secret).toBe(SECRET);
    expect([
      JSON.stringify(stored).includes(SECRET),
      await sealer.open(stored.webhook_secret, application.id),
    ]).toEqual([false, SECRET]);
  });

  it('stores a rotated secret sealed, keeping the previous one sealed beside it', async () => {
    const { id: customerId } = await customer();
    const application = await createApplication({ customerId, webhookSecret: SECRET }, deps);

    const rotated = await rotateWebhookSecret({ applicationId: application.id, keepPreviousHours: 24 }, deps);

    const stored = await item(application.id);
    expect([
      await sealer.open(stored.webhook_secret, application.id),
      await sealer.open(stored.webhook_secret_previous, application.id),
      JSON.stringify(stored).includes(rotated.webhook_secret),
    ]).toEqual([rotated.webhook_secret, SECRET, false]);
  });

  it('refuses a secret that looks sealed, storing nothing', async () => {
    const { id: customerId } = await customer();
    const sealed = await sealer.seal(SECRET, 'app_elsewhere');

    await expect(createApplication({ customerId, webhookSecret: sealed }, deps)).rejects.toThrow(
      new AdminError('the webhook secret looks like a sealed value; give the secret itself'),
    );
  });

  it('refuses a secret shorter than 16 characters', async () => {
    const { id: customerId } = await customer();
    const application = await createApplication({ customerId }, deps);

    await expect(
      setWebhook(
        { applicationId: application.id, url: 'https://hooks.example.com/c', secret: 'short' },
        { ...deps, queue: h.deps.queue },
      ),
    ).rejects.toThrow(new AdminError('the webhook secret must have at least 16 characters'));
    expect((await item(application.id)).webhook_url).toBeUndefined();
  });

  it('answers GET /v1/webhook-endpoint without the secret or its sealed form, even during a rotation', async () => {
    const { id: customerId } = await customer();
    const application = await createApplication(
      { customerId, webhookUrl: 'https://hooks.example.com/d', webhookSecret: SECRET },
      deps,
    );
    const { api_key: apiKey } = await createApiKey({ applicationId: application.id, mode: 'test' }, deps);
    const rotated = await rotateWebhookSecret({ applicationId: application.id, keepPreviousHours: 24 }, deps);
    const stored = await item(application.id);

    const answer = await h.call('GET', '/v1/webhook-endpoint', apiKey);

    expect([answer.statusCode, answer.body]).toEqual([
      200,
      {
        data: {
          url: 'https://hooks.example.com/d',
          status: 'active',
          failing_since: null,
          disabled_at: null,
          disabled_reason: null,
          previous_secret_expires_at: rotated.previous_secret_expires_at,
        },
      },
    ]);
    const text = JSON.stringify(answer);
    expect(
      [SECRET, rotated.webhook_secret, stored.webhook_secret, stored.webhook_secret_previous].map((s) =>
        text.includes(s),
      ),
    ).toEqual([false, false, false, false]);
  });
});

describe('seal-webhook-secrets', () => {
  const { documents } = createTestClients();
  // Each test scans a table of its own, so the whole report can be asserted.
  let table: string;
  let store: AdminStore;

  /** An application as an earlier version wrote it: secrets in plaintext. */
  async function legacyApplication(secrets: { current?: string; previous?: string }) {
    const id = `app_${uniqueSuffix()}`;
    await documents.send(
      new PutCommand({
        TableName: table,
        Item: toApplicationItem({
          id,
          customer_id: 'cust_legacy',
          status: 'active',
          webhook_url: 'https://hooks.example.com/legacy',
          ...(secrets.current ? { webhook_secret: secrets.current } : {}),
          ...(secrets.previous
            ? {
                webhook_secret_previous: secrets.previous,
                webhook_secret_previous_expires_at: '2099-01-01T00:00:00.000Z',
              }
            : {}),
          created_at: '2026-11-24T10:00:00Z',
        }),
      }),
    );
    return id;
  }
  const stored = async (id: string) =>
    (await documents.send(new GetCommand({ TableName: table, Key: keys.application(id) }))).Item ?? {};

  it('seals every plaintext secret, current and rotated-out, each opening to what it was', async () => {
    table = await createTestTable(documents);
    store = createDynamoDbAdminStore(documents, table);
    const rotating = await legacyApplication({ current: 'whsec_new_plain', previous: 'whsec_old_plain' });
    const plain = await legacyApplication({ current: 'whsec_only_plain' });
    const none = await legacyApplication({});

    const report = await sealWebhookSecrets({ store, sealer });

    expect({ ...report, sealed: [...report.sealed].sort() }).toEqual({
      applications_scanned: 3,
      sealed: [rotating, plain].sort(),
      already_sealed: 0,
      changed_meanwhile: [],
    });
    const [a, b, c] = await Promise.all([stored(rotating), stored(plain), stored(none)]);
    expect([
      await sealer.open(a.webhook_secret, rotating),
      await sealer.open(a.webhook_secret_previous, rotating),
      await sealer.open(b.webhook_secret, plain),
      c.webhook_secret,
    ]).toEqual(['whsec_new_plain', 'whsec_old_plain', 'whsec_only_plain', undefined]);
  });

  it('finds nothing to seal when run again', async () => {
    table = await createTestTable(documents);
    store = createDynamoDbAdminStore(documents, table);
    const id = await legacyApplication({ current: 'whsec_plain_again' });
    await sealWebhookSecrets({ store, sealer });
    const first = await stored(id);

    const again = await sealWebhookSecrets({ store, sealer });

    expect(again).toEqual({ applications_scanned: 1, sealed: [], already_sealed: 1, changed_meanwhile: [] });
    expect(await stored(id)).toEqual(first);
  });

  it('leaves a secret set while it ran as it is, naming the application', async () => {
    table = await createTestTable(documents);
    store = createDynamoDbAdminStore(documents, table);
    const id = await legacyApplication({ current: 'whsec_plain_stale' });
    const fresh = await sealer.seal('whsec_set_meanwhile_0123', id);
    // The operator sets a new secret between the scan's read and the seal's write.
    const racing: AdminStore = {
      ...store,
      async *listApplications() {
        for await (const page of store.listApplications()) {
          await store.setWebhook(id, 'https://hooks.example.com/legacy', fresh);
          yield page;
        }
      },
    };

    const report = await sealWebhookSecrets({ store: racing, sealer });

    expect(report).toEqual({
      applications_scanned: 1,
      sealed: [],
      already_sealed: 0,
      changed_meanwhile: [id],
    });
    expect((await stored(id)).webhook_secret).toBe(fresh);
  });
});
