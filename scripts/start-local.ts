// `npm start`: the whole service on this machine, bound to 127.0.0.1, on embedded defaults.
// DynamoDB Local (data in .local/dynamodb) + the SQS emulator + the real Lambda handlers behind a local
// API Gateway stand-in, the SQS event source for the webhook sender, the outbox sweep, the simulated
// media server and a webhook inspector. Ctrl-C stops everything.
import { mkdir, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import {
  createLocalAwsClients,
  LOCAL_CREDENTIALS,
  LOCAL_REGION,
} from '../shared/adapters/aws/aws-clients.ts';
import { createDynamoDbAdminStore } from '../shared/adapters/dynamodb/dynamodb-admin-store.ts';
import { type RunningEmulator, startDynamoDbLocal, startSqsEmulator } from './emulators/start-emulators.ts';
import { loadLocalConfig } from './local/config.ts';
import { demoCurl, ensureDemoTenant } from './local/demo-tenant.ts';
import { localLambdaContext } from './local/lambda-context.ts';
import { type ApiLambda, createLocalApiServer } from './local/local-api-server.ts';
import { ensureQueues, ensureTable, LOCAL_NAMES } from './local/local-resources.ts';
import { createSqsEventSource, type SqsLambda } from './local/sqs-event-source.ts';
import { createWebhookInspector } from './local/webhook-inspector.ts';

const SWEEP_EVERY_MS = 10_000;
const config = loadLocalConfig(process.env);
const dir = resolve(config.MINIVOICE_LOCAL_DIR);
const stoppers: (() => Promise<void> | void)[] = [];
let stopping = false;

async function shutdown(code: number) {
  if (stopping) return;
  stopping = true;
  for (const stop of stoppers.reverse()) {
    try {
      await stop();
    } catch (error) {
      console.error('while stopping:', error);
    }
  }
  process.exit(code);
}
process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));

async function main() {
  await mkdir(join(dir, 'dynamodb'), { recursive: true });
  await mkdir(join(dir, 'recordings'), { recursive: true });

  const emulators: RunningEmulator[] = await Promise.all([
    startDynamoDbLocal({ dbPath: join(dir, 'dynamodb'), port: config.LOCAL_DYNAMODB_PORT }),
    startSqsEmulator({ port: config.LOCAL_SQS_PORT }),
  ]);
  const [dynamodb, sqs] = emulators as [RunningEmulator, RunningEmulator];
  stoppers.push(
    () => dynamodb.stop(),
    () => sqs.stop(),
  );

  // The handlers are imported only once their environment is set, as Lambda would provide it; until
  // then the server answers 503.
  let apiHandler: ApiLambda | undefined;
  const inspector = createWebhookInspector(
    async (applicationId) => (await adminStore?.getApplication(applicationId))?.webhook_secret,
  );
  let adminStore: ReturnType<typeof createDynamoDbAdminStore> | undefined;
  const server = createLocalApiServer({
    apiHandler: async (event, context) =>
      apiHandler ? apiHandler(event, context) : { statusCode: 503, body: '{"message":"starting"}' },
    recordingsDir: join(dir, 'recordings'),
    inspector,
    onError: (error) => console.error('local API error:', error),
  });
  await new Promise<void>((done, fail) => {
    server.once('error', fail);
    server.listen(config.PORT, '127.0.0.1', done);
  });
  stoppers.push(
    () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  );
  const apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const clients = createLocalAwsClients({ dynamodb: dynamodb.endpoint, sqs: sqs.endpoint });
  const sqsClient = clients.sqs();
  await ensureTable(clients.dynamodb, LOCAL_NAMES.table);
  const { queueUrl, dlqUrl } = await ensureQueues(sqsClient);
  const { documents } = clients;
  adminStore = createDynamoDbAdminStore(documents, LOCAL_NAMES.table);

  Object.assign(process.env, {
    AWS_REGION: LOCAL_REGION,
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    AWS_ENDPOINT_URL_DYNAMODB: dynamodb.endpoint,
    AWS_ENDPOINT_URL_SQS: sqs.endpoint,
    TABLE_NAME: LOCAL_NAMES.table,
    WEBHOOK_QUEUE_URL: queueUrl,
    RECORDING_PROVIDER: 'simulated',
    SIMULATED_RECORDINGS_DIR: join(dir, 'recordings'),
    SIMULATED_RECORDINGS_BASE_URL: `${apiUrl}/recordings`,
    WEBHOOK_ALLOW_INSECURE_LOCAL_TARGETS: 'true',
    OUTBOX_GRACE_MS: '5000',
  });
  const recordings = await import('../functions/recordings/handler.ts');
  const sender = await import('../functions/webhook-sender/handler.ts');
  const sweep = await import('../functions/outbox-sweep/handler.ts');
  apiHandler = recordings.handler as unknown as ApiLambda;

  const source = createSqsEventSource({
    sqs: sqsClient,
    queueUrl,
    handler: sender.handler as unknown as SqsLambda,
    waitTimeSeconds: 1,
  });
  source.start((error) => console.error('webhook poller error:', error));
  stoppers.push(() => source.stop());
  const sweepTimer = setInterval(() => {
    sweep
      .handler({}, localLambdaContext('outbox-sweep', 60_000))
      .catch((error: unknown) => console.error('outbox sweep error:', error));
  }, SWEEP_EVERY_MS);
  stoppers.push(() => clearInterval(sweepTimer));

  const webhookUrl = config.MINIVOICE_WEBHOOK_URL ?? `${apiUrl}/_local/webhooks`;
  const { demo, created } = await ensureDemoTenant({
    file: join(dir, 'demo.json'),
    apiUrl,
    webhookUrl,
    store: adminStore,
    documents,
    tableName: LOCAL_NAMES.table,
  });
  await writeFile(
    join(dir, 'runtime.json'),
    `${JSON.stringify({ api_url: apiUrl, dynamodb_endpoint: dynamodb.endpoint, sqs_endpoint: sqs.endpoint, table_name: LOCAL_NAMES.table, queue_url: queueUrl, dlq_url: dlqUrl, pid: process.pid }, null, 2)}\n`,
  );

  console.log(`
MiniVoice Recordings is running locally${created ? ' (demo data seeded)' : ''}.
  API          ${apiUrl}
  API key      ${demo.api_key}
  Call id      ${demo.call_id}
  Webhooks     ${webhookUrl}${config.MINIVOICE_WEBHOOK_URL ? '' : ` (open ${apiUrl}/_local/webhooks.html)`}
  Demo data    ${join(dir, 'demo.json')}

Start a recording (the documentation page's curl):

${demoCurl(demo, 'start')}

Stop it with "action": "stop". Ctrl-C stops everything.
`);
}

main().catch(async (error: unknown) => {
  console.error('npm start failed:', error instanceof Error ? error.message : error);
  await shutdown(1);
});
