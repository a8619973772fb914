import { mkdir, rm, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { LOCAL_WEBHOOK_SECRETS_KEY, startLocalKms } from '../scripts/emulators/local-kms.ts';
import {
  startDynamoDbLocal,
  startS3Emulator,
  startSqsEmulator,
} from '../scripts/emulators/start-emulators.ts';
import { atScales } from './at-scale.ts';
import { HANGUP_SAMPLES, QUICK } from './bench-helpers.ts';
import { BENCH_BUCKET, startBenchMediaServer } from './bench-media-server.ts';
import { BUILD_DIR, buildAll } from './build-bundles.ts';
import { coldStart } from './cold-start.ts';
import { connectionReuse } from './connection-reuse.ts';
import { hangupLatency } from './hangup-latency.ts';
import { outboxLoad } from './outbox-load.ts';
import { printTable } from './print-table.ts';
import { figuresOf } from './verdicts.ts';
import { warmCpu } from './warm-cpu.ts';
import { writeUnitsPerPair } from './write-units.ts';

/**
 * `npm run bench -- --only <name>[,<name>]` runs only those parts (e.g. after changing one optimisation);
 * the others are left out of the table and of the results written.
 */
const only = (() => {
  const at = process.argv.indexOf('--only');
  return at === -1 ? undefined : new Set((process.argv[at + 1] ?? '').split(','));
})();

/** Runs one part of the bench unless `--only` leaves it out. */
function section<T>(name: string, run: () => Promise<T>): Promise<T | undefined> {
  return only && !only.has(name) ? Promise.resolve(undefined) : run();
}

async function main() {
  await rm(BUILD_DIR, { recursive: true, force: true });
  await mkdir(join(BUILD_DIR, 'recordings'), { recursive: true });
  await mkdir(join(BUILD_DIR, 's3'), { recursive: true });
  const [ddb, sqsEmulator, s3, media, kms] = await Promise.all([
    // The x10 data set (over 100,000 items, with streams) thrashes a 512 MB heap: every request slows.
    startDynamoDbLocal({ heapMb: 3072 }),
    startSqsEmulator(),
    startS3Emulator({
      directory: join(BUILD_DIR, 's3'),
      buckets: [BENCH_BUCKET],
      credentials: [{ accessKeyId: 'bench', secretAccessKey: 'bench' }],
    }),
    startBenchMediaServer(),
    // Webhook secrets are sealed: the sender opens them through KMS (cached), as in AWS.
    startLocalKms({ keys: [LOCAL_WEBHOOK_SECRETS_KEY] }),
  ]);
  const awsEnv = {
    AWS_ENDPOINT_URL_DYNAMODB: ddb.endpoint,
    AWS_ENDPOINT_URL_DYNAMODB_STREAMS: ddb.endpoint,
    AWS_ENDPOINT_URL_SQS: sqsEmulator.endpoint,
    AWS_ENDPOINT_URL_S3: s3.endpoint,
    AWS_ENDPOINT_URL_KMS: kms.endpoint,
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
  };
  Object.assign(process.env, awsEnv);
  try {
    const bundles = await buildAll();
    const results = {
      generated_at: new Date().toISOString(),
      node: process.version,
      quick: QUICK,
      cpus: cpus().length,
      bundles: Object.fromEntries(Object.entries(bundles).map(([name, b]) => [name, b.bytes])),
      cold_start: await section('cold_start', () => coldStart(bundles, media)),
      warm_cpu: await section('warm_cpu', () => warmCpu(bundles, media)),
      connection_reuse: await section('connection_reuse', () => connectionReuse(media)),
      write_units_per_pair: await section('write_units_per_pair', () => writeUnitsPerPair(media)),
      outbox_load: await section('outbox_load', () => outboxLoad()),
      hangup_latency: await section('hangup_latency', () => hangupLatency(media, HANGUP_SAMPLES)),
      scales: {} as Record<string, unknown>,
    };
    // x1 and x10 timed interleaved in one pass (the quick mode too, with fewer samples).
    if (!only || only.has('scales')) Object.assign(results.scales, await atScales(media));
    const withFigures = { ...results, figures: figuresOf(results) };
    // A partial run (--only) prints; it never replaces the last whole run's results.
    if (!only)
      await writeFile(join(import.meta.dirname, 'results.json'), `${JSON.stringify(withFigures, null, 2)}\n`);
    printTable(withFigures);
  } finally {
    await Promise.all([ddb.stop(), sqsEmulator.stop(), s3.stop(), media.freeswitch.close(), kms.stop()]);
  }
}

try {
  await main();
} catch (error) {
  // The quick mode is for CI: it reports, it never fails the build.
  if (!QUICK) throw error;
  console.error(`bench --quick did not finish: ${error instanceof Error ? error.message : String(error)}`);
}
