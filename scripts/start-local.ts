// `npm start`: the whole service on this machine, bound to 127.0.0.1, on embedded defaults.
// DynamoDB Local (data in .local/dynamodb) + the SQS emulator + the S3 emulator (recordings in
// .local/s3) + a simulated FreeSWITCH (Event Socket) + the real Lambda handlers behind a local API
// Gateway stand-in (the REST API's body limit and its own answers in our envelope, and the WAF's
// per-address limit when LOCAL_IP_RATE_LIMIT is set), the table's stream feeding the outbox relay, SQS
// event sources for the webhook sender and the media-events function, the retention sweep, the media
// relay and a webhook inspector.
// Ctrl-C stops everything.
import { mkdir, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { errorResponse } from '../functions/recordings/http/responses.ts';
import { createRelay } from '../services/media-relay/create-relay.ts';
import { DEFAULT_ALLOWANCE } from '../shared/accounts/gcra.ts';
import {
  createLocalAwsClients,
  LOCAL_CREDENTIALS,
  LOCAL_REGION,
} from '../shared/adapters/aws/aws-clients.ts';
import { createDynamoDbAdminStore } from '../shared/adapters/dynamodb/dynamodb-admin-store.ts';
import { OUTBOX_STREAM_FILTER } from '../shared/adapters/dynamodb/outbox-stream.ts';
import { createKmsSecretSealer } from '../shared/adapters/kms/kms-secret-sealer.ts';
import { createJsonLogger } from '../shared/adapters/system/json-logger.ts';
import { sealWebhookSecrets } from '../shared/admin/admin-commands.ts';
import { DependencyUnavailableError } from '../shared/kernel/api-error.ts';
import { LOCAL_WEBHOOK_SECRETS_KEY, startLocalKms } from './emulators/local-kms.ts';
import { listenOn } from './emulators/ports.ts';
import { startDynamoDbLocal, startS3Emulator, startSqsEmulator } from './emulators/start-emulators.ts';
import { loadLocalConfig } from './local/config.ts';
import { demoCurl, demoReadCommands, ensureDemoTenant } from './local/demo-tenant.ts';
import { createDynamoDbStreamSource, type StreamLambda } from './local/dynamodb-stream-source.ts';
import { localLambdaContext } from './local/lambda-context.ts';
import { type ApiLambda, createLocalApiServer } from './local/local-api-server.ts';
import { ensureMediaEventQueues, ensureQueues, ensureTable, LOCAL_NAMES } from './local/local-resources.ts';
import { createMediaServerControl } from './local/media-server-control.ts';
import { createProgress } from './local/progress.ts';
import { startSimulatedFreeSwitch } from './local/simulated-freeswitch/server.ts';
import { createSqsEventSource, type SqsLambda } from './local/sqs-event-source.ts';
import { describeStartupFailure, localPorts, preflight } from './local/startup-checks.ts';
import { createWebhookInspector } from './local/webhook-inspector.ts';

// The simulated FreeSWITCH's name in ESL_NODES, its relay's MEDIA_NODE and the demo call's media_node.
const LOCAL_MEDIA_NODE = 'local-fs';

// Retention is counted in days, but a deletion whose audio removal failed is finished by this sweep.
const RETENTION_SWEEP_EVERY_MS = 15_000;
const config = loadLocalConfig(process.env);
const dir = resolve(config.MINIVOICE_LOCAL_DIR);
const ports = localPorts(config);
const step = createProgress((line) => console.log(line));
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
  console.log(`Starting MiniVoice Recordings locally (data in ${dir})`);
  // Java and every fixed port first: a taken port or a JRE is one line, before anything started.
  // (The PATH spawn searches for java.)
  await preflight(ports, process.env.PATH ?? '');
  await mkdir(join(dir, 'dynamodb'), { recursive: true });
  await mkdir(join(dir, 'recordings'), { recursive: true });
  await mkdir(join(dir, 's3'), { recursive: true });

  // The handlers are imported only once their environment is set, as Lambda would provide it; until
  // then the server answers 503 (in the JSON envelope, like every answer). It listens first, so that
  // its port is known (and its refusal, if taken) before the emulators start.
  let apiHandler: ApiLambda | undefined;
  let adminStore: ReturnType<typeof createDynamoDbAdminStore> | undefined;
  let sealer: ReturnType<typeof createKmsSecretSealer> | undefined;
  // The inspector verifies as a customer's receiver would: with the secret in clear, opened here.
  const inspector = createWebhookInspector(async (applicationId) => {
    const sealed = (await adminStore?.getApplication(applicationId))?.webhook_secret;
    return sealed && sealer ? sealer.open(sealed, applicationId) : undefined;
  });
  const server = createLocalApiServer({
    apiHandler: async (event, context) =>
      apiHandler
        ? apiHandler(event, context)
        : errorResponse(new DependencyUnavailableError('the local service (still starting)')),
    inspector,
    onError: (error) => console.error('local API error:', error),
    // One short line per request on stdout (method, path, status, time, request id).
    accessLog: (line) => console.log(line),
    // The WAF's per-address rule, off unless LOCAL_IP_RATE_LIMIT is set (per-application limits are
    // the recordings function's own, with the spec's defaults).
    ...(config.LOCAL_IP_RATE_LIMIT === undefined ? {} : { addressRateLimit: config.LOCAL_IP_RATE_LIMIT }),
  });
  const apiUrl = await step(
    'API',
    async () => {
      await listenOn(server, config.PORT, 'the local API');
      stoppers.push(
        () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      );
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    },
    (url) => `listening on ${url} (503 until started)`,
  );

  const [dynamodb, sqs, s3, freeswitch, kms] = await step(
    'emulators',
    () =>
      Promise.all([
        startDynamoDbLocal({ dbPath: join(dir, 'dynamodb'), port: config.LOCAL_DYNAMODB_PORT }),
        startSqsEmulator({ port: config.LOCAL_SQS_PORT }),
        startS3Emulator({
          directory: join(dir, 's3'),
          buckets: [LOCAL_NAMES.bucket],
          credentials: [LOCAL_CREDENTIALS],
          port: config.LOCAL_S3_PORT,
        }),
        startSimulatedFreeSwitch({
          port: config.LOCAL_ESL_PORT,
          soundsDir: join(dir, 'sounds'),
          hostname: LOCAL_MEDIA_NODE,
        }),
        // Its key material persists beside the table, so the secrets sealed there still open after a restart.
        startLocalKms({
          keys: [LOCAL_WEBHOOK_SECRETS_KEY],
          port: config.LOCAL_KMS_PORT,
          materialFile: join(dir, 'kms', 'keys.json'),
        }),
      ]),
    ([dynamodb, sqs, s3, freeswitch, kms]) =>
      [
        `DynamoDB Local ${portOf(dynamodb.endpoint)}`,
        `SQS ${portOf(sqs.endpoint)}`,
        `S3 ${portOf(s3.endpoint)}`,
        `KMS ${portOf(kms.endpoint)}`,
        `FreeSWITCH Event Socket :${freeswitch.port}`,
      ].join(', '),
  );
  stoppers.push(
    () => dynamodb.stop(),
    () => sqs.stop(),
    () => s3.stop(),
    () => freeswitch.close(),
    () => kms.stop(),
  );
  const clients = createLocalAwsClients({
    dynamodb: dynamodb.endpoint,
    sqs: sqs.endpoint,
    s3: s3.endpoint,
    kms: kms.endpoint,
  });
  const secretsKeyId = LOCAL_WEBHOOK_SECRETS_KEY.alias as string;
  const secrets = createKmsSecretSealer(clients.kms, secretsKeyId);
  sealer = secrets;
  const esl = { host: '127.0.0.1', port: freeswitch.port, password: freeswitch.password };

  const sqsClient = clients.sqs();
  const { documents } = clients;
  const store = createDynamoDbAdminStore(documents, LOCAL_NAMES.table);
  const [{ queueUrl, dlqUrl }, { mediaEventsUrl, mediaEventsDlqUrl }] = await step(
    'table',
    async () => {
      await ensureTable(clients.dynamodb, LOCAL_NAMES.table);
      const queues = await Promise.all([ensureQueues(sqsClient), ensureMediaEventQueues(sqsClient)]);
      // Data kept from a version that stored webhook secrets in plaintext is sealed now (the migration
      // an operator runs in AWS); the sender refuses plaintext secrets.
      const migrated = await sealWebhookSecrets({ store, sealer: secrets });
      if (migrated.sealed.length > 0)
        console.log(`  sealed the plaintext webhook secrets of ${migrated.sealed.join(', ')}`);
      return queues;
    },
    () => `${LOCAL_NAMES.table} and its queues ready`,
  );
  adminStore = store;
  const pathTemplate = `${join(dir, 'recordings')}/{customer_id}/{call_id}/{recording_id}.wav`;

  Object.assign(process.env, {
    AWS_REGION: LOCAL_REGION,
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    AWS_ENDPOINT_URL_DYNAMODB: dynamodb.endpoint,
    AWS_ENDPOINT_URL_SQS: sqs.endpoint,
    AWS_ENDPOINT_URL_S3: s3.endpoint,
    AWS_ENDPOINT_URL_KMS: kms.endpoint,
    WEBHOOK_SECRETS_KEY_ID: secretsKeyId,
    S3_FORCE_PATH_STYLE: 'true',
    RECORDINGS_BUCKET: LOCAL_NAMES.bucket,
    PUBLIC_API_URL: apiUrl,
    TABLE_NAME: LOCAL_NAMES.table,
    WEBHOOK_QUEUE_URL: queueUrl,
    WEBHOOK_DLQ_URL: dlqUrl,
    MEDIA_EVENTS_QUEUE_URL: mediaEventsUrl,
    ESL_NODES: `${LOCAL_MEDIA_NODE}=${esl.host}:${esl.port}`,
    ESL_PASSWORD: esl.password,
    RECORDING_PATH_TEMPLATE: pathTemplate,
    WEBHOOK_ALLOW_INSECURE_LOCAL_TARGETS: 'true',
    // The spec's default allowance, whatever the shell exports (npm start behaves like the stack).
    RATE_LIMIT_PER_SECOND: String(DEFAULT_ALLOWANCE.perSecond),
    RATE_LIMIT_BURST: String(DEFAULT_ALLOWANCE.burst),
  });
  const { recordings, sender, outboxRelay, mediaEvents, retention } = await step(
    'functions',
    async () => ({
      recordings: await import('../functions/recordings/handler.ts'),
      sender: await import('../functions/webhook-sender/handler.ts'),
      outboxRelay: await import('../functions/outbox-relay/handler.ts'),
      mediaEvents: await import('../functions/media-events/handler.ts'),
      retention: await import('../functions/retention-sweep/handler.ts'),
    }),
    () => 'recordings, webhook-sender, media-events, outbox-relay, retention-sweep loaded',
  );

  // Stand-ins for Lambda's event-source mappings (the table's stream, two queues) and the sweep's schedule.
  const outbox = createDynamoDbStreamSource({
    dynamodb: clients.dynamodb,
    streams: clients.streams(),
    tableName: LOCAL_NAMES.table,
    handler: outboxRelay.handler as unknown as StreamLambda,
    filter: OUTBOX_STREAM_FILTER,
    functionName: 'outbox-relay',
    checkpointFile: join(dir, 'outbox-stream.json'),
  });
  outbox.start(unlessStopping('outbox stream poller error:'));
  stoppers.push(() => outbox.stop());
  // Media events poll short and often: a stop waits for them (the emulator's long poll would add 1 s).
  for (const [queue, handler, name, waitTimeSeconds] of [
    [queueUrl, sender.handler, 'webhook-sender', 1],
    [mediaEventsUrl, mediaEvents.handler, 'media-events', 0],
  ] as const) {
    const source = createSqsEventSource({
      sqs: sqsClient,
      queueUrl: queue,
      handler: handler as unknown as SqsLambda,
      functionName: name,
      waitTimeSeconds,
      emptyPauseMs: 50,
    });
    source.start(unlessStopping(`${name} poller error:`));
    stoppers.push(() => source.stop());
  }
  const retentionTimer = setInterval(() => {
    retention
      .handler({}, localLambdaContext('retention-sweep', 300_000))
      .catch(unlessStopping('retention sweep error:'));
  }, RETENTION_SWEEP_EVERY_MS);
  stoppers.push(() => clearInterval(retentionTimer));

  const control = createMediaServerControl(esl);
  const webhookUrl = config.MINIVOICE_WEBHOOK_URL ?? `${apiUrl}/_local/webhooks`;
  const { demo, created } = await step(
    'seed',
    () =>
      ensureDemoTenant({
        file: join(dir, 'demo.json'),
        apiUrl,
        webhookUrl,
        store,
        sealer: secrets,
        documents,
        tableName: LOCAL_NAMES.table,
        originate: (uuid) => control.originate(uuid),
        mediaNode: LOCAL_MEDIA_NODE,
      }),
    (seeded) =>
      seeded.created
        ? `demo customer, application, key and call seeded`
        : `demo data kept; its call ${seeded.demo.call_id} has a channel`,
  );

  // The media relay, as it runs beside each FreeSWITCH in production. It starts after the seed: its
  // first reconciliation would otherwise find the demo call's channel missing (channels do not
  // outlive the simulator; the seed gives it its channel again) and end the call.
  const relay = await step(
    'relay',
    async () =>
      createRelay(
        {
          ESL_HOST: esl.host,
          ESL_PORT: esl.port,
          ESL_PASSWORD: esl.password,
          ESL_TIMEOUT_MS: 3000,
          MEDIA_EVENTS_QUEUE_URL: mediaEventsUrl,
          RECORDING_PATH_TEMPLATE: pathTemplate,
          RELAY_STATE_FILE: join(dir, 'media-relay-state.json'),
          MEDIA_NODE: LOCAL_MEDIA_NODE,
          RECONCILE_EVERY_MS: 5000,
          SCAN_MIN_AGE_MS: 2000,
          RETENTION_DAYS: 7,
          RECORDINGS_BUCKET: LOCAL_NAMES.bucket,
          S3_FORCE_PATH_STYLE: true,
          UPLOAD_GIVE_UP_MS: 24 * 3_600_000,
          UPLOAD_ALARM_AFTER_MS: 120_000,
          UPLOAD_CONCURRENCY: 4,
        },
        { sqs: sqsClient, s3: clients.s3() },
        createJsonLogger({ service: 'media-relay' }, (level, line) => {
          if (level !== 'info') console.error(line);
        }),
      ),
    () => `media relay of ${LOCAL_MEDIA_NODE} running`,
  );
  const relaying = relay.run();
  stoppers.push(async () => {
    relay.stop();
    await relaying;
  });

  await writeFile(
    join(dir, 'runtime.json'),
    `${JSON.stringify(
      {
        api_url: apiUrl,
        dynamodb_endpoint: dynamodb.endpoint,
        sqs_endpoint: sqs.endpoint,
        s3_endpoint: s3.endpoint,
        table_name: LOCAL_NAMES.table,
        bucket: LOCAL_NAMES.bucket,
        queue_url: queueUrl,
        dlq_url: dlqUrl,
        media_events_queue_url: mediaEventsUrl,
        media_events_dlq_url: mediaEventsDlqUrl,
        // The media servers, as the admin CLI's call control reaches them (create-call, end-call).
        esl_nodes: [{ name: LOCAL_MEDIA_NODE, host: esl.host, port: esl.port }],
        esl_password: esl.password,
        kms_endpoint: kms.endpoint,
        webhook_secrets_key_id: secretsKeyId,
        pid: process.pid,
      },
      null,
      2,
    )}\n`,
  );

  // Only now does the API answer with the handler: everything it relies on runs.
  apiHandler = recordings.handler as unknown as ApiLambda;
  console.log(`
MiniVoice Recordings is running locally${created ? ' (demo data seeded)' : ''}.
  API          ${apiUrl}
  API key      ${demo.api_key}
  Call id      ${demo.call_id}
  Webhooks     ${webhookUrl}${config.MINIVOICE_WEBHOOK_URL ? '' : ` (open ${apiUrl}/_local/webhooks.html)`}
  FreeSWITCH   simulated media node ${LOCAL_MEDIA_NODE}, Event Socket on 127.0.0.1:${esl.port} (files in ${join(dir, 'recordings')} until stored)
  Storage      S3 emulator ${s3.endpoint}, bucket ${LOCAL_NAMES.bucket} (private in AWS; this emulator is not)
  Secrets      webhook secrets sealed by the KMS stand-in ${kms.endpoint} (key ${secretsKeyId})
  Limits       ${DEFAULT_ALLOWANCE.perSecond} requests/s per application, bursts of ${DEFAULT_ALLOWANCE.burst} (429 rate_limited); per address: ${config.LOCAL_IP_RATE_LIMIT === undefined ? 'off (LOCAL_IP_RATE_LIMIT)' : `${config.LOCAL_IP_RATE_LIMIT} per minute`}
  Demo data    ${join(dir, 'demo.json')}

Start a recording (the documentation page's curl):

${demoCurl(demo, 'start')}

Stop it with "action": "stop", or hang the call up:
  npm run admin -- --local end-call --call ${demo.call_id}

List the call's recordings, then download the first once stopped (the key is required; the link expires):
${demoReadCommands(demo)}
Ctrl-C stops everything.
`);
}

main().catch(async (error: unknown) => {
  // One line: which port or program, and what to do (startup-checks.ts).
  console.error(`npm start: ${await describeStartupFailure(error, ports)}`);
  await shutdown(1);
});

/**
 * Reports a poller's error, except while stopping: Ctrl-C reaches DynamoDB Local (same process group)
 * at once, so the pollers' last reads are refused before they stop; that is not worth a line.
 */
function unlessStopping(label: string) {
  return (error: unknown) => {
    if (!stopping) console.error(label, error);
  };
}

/** `:8000` of `http://127.0.0.1:8000`. */
function portOf(endpoint: string): string {
  return `:${new URL(endpoint).port}`;
}
