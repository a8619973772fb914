import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createAwsClients } from '../shared/adapters/aws/aws-clients.ts';
import { toCallItem } from '../shared/adapters/dynamodb/item-mappers.ts';
import { KEY_ATTRIBUTES } from '../shared/adapters/dynamodb/table-schema.ts';
import { apiEvent, COLD_STARTS, freshTable, median, percentile, round, runNode } from './bench-helpers.ts';
import type { BenchMediaServer } from './bench-media-server.ts';
import { BUILD_DIR, type buildAll } from './build-bundles.ts';
import { seedBenchTenant } from './seed-data.ts';

/** The driver's figures: its last line (the function's own log and metric lines come before it). */
interface DriverLine {
  importMs: number;
  firstRequestMs: number;
  statusCode?: number;
  jsBytes: number;
  modules: number;
}

/**
 * Fresh-process import + first request: the recordings function doing a real start (a call with a
 * channel on the simulated FreeSWITCH, a new call every sample, so never the idempotent path) against the
 * floor, a bare DocumentClient + one GetItem bundle, interleaved sample by sample with the spawn order
 * alternating. A trivial handler is timed beside them for information only. Every answer's status is
 * checked: a quick error must not pass for a cold start.
 */
export async function coldStart(bundles: Awaited<ReturnType<typeof buildAll>>, media: BenchMediaServer) {
  const clients = createAwsClients();
  const { documents } = clients;
  const sqs = clients.sqs();
  const table = 'bench-cold-start';
  const queueUrl = await freshTable(documents, sqs, table);
  // One call per timed sample and one for the untimed run that counts the JavaScript loaded.
  const tenant = await seedBenchTenant(documents, table, COLD_STARTS + 1);
  const eventFiles: string[] = [];
  for (const [i, call] of tenant.calls.entries()) {
    media.freeswitch.addChannel(call.provider_call_id as string);
    const file = join(BUILD_DIR, `cold-start-event-${i}.json`);
    await writeFile(
      file,
      JSON.stringify(apiEvent(`/v1/calls/${call.id}/recordings`, tenant.apiKey, '{"action":"start"}')),
    );
    eventFiles.push(file);
  }
  const firstCall = tenant.calls[0];
  if (!firstCall) throw new Error('no call');
  const item = toCallItem(firstCall);
  const env = {
    ...process.env,
    TABLE_NAME: table,
    WEBHOOK_QUEUE_URL: queueUrl,
    PUBLIC_API_URL: 'http://127.0.0.1:3000',
    // The floor reads an existing item (the first call's), so it unmarshals a real item as well.
    FLOOR_KEY: JSON.stringify({
      [KEY_ATTRIBUTES.partition]: item[KEY_ATTRIBUTES.partition],
      [KEY_ATTRIBUTES.sort]: item[KEY_ATTRIBUTES.sort],
    }),
    ...media.env,
  };
  const driver = join(import.meta.dirname, 'cold-start-driver.mjs');
  const run = async (bundle: string, eventFile: string, what: string, extraEnv = {}) => {
    const r = await runNode([driver, bundle, eventFile], { ...env, ...extraEnv });
    const line = JSON.parse(r.stdout.trim().split('\n').at(-1) ?? '') as DriverLine;
    if (line.statusCode !== 200) throw new Error(`cold start of ${what} answered ${line.statusCode}`);
    return { ms: r.ms, line };
  };
  // Untimed: the JavaScript each loads at cold start (counting adds a hook to every module load).
  const countEvent = eventFiles[COLD_STARTS] ?? '';
  const recordingsJs = (
    await run(bundles.recordings.file, countEvent, 'recordings', { COLD_START_COUNT_JS: '1' })
  ).line;
  const floorJs = (await run(bundles.floor.file, countEvent, 'floor', { COLD_START_COUNT_JS: '1' })).line;
  const trivial: number[] = [];
  const floor: number[] = [];
  const ours: number[] = [];
  const inside: DriverLine[] = [];
  for (let i = 0; i < COLD_STARTS; i += 1) {
    const eventFile = eventFiles[i] ?? '';
    const timeOurs = async () => {
      const r = await run(bundles.recordings.file, eventFile, 'recordings (real start)');
      ours.push(r.ms);
      inside.push(r.line);
    };
    const timeFloor = async () => floor.push((await run(bundles.floor.file, eventFile, 'floor GetItem')).ms);
    // Alternate which goes first, so neither always runs on the cooler (or warmer) machine.
    if (i % 2 === 0) {
      await timeFloor();
      await timeOurs();
    } else {
      await timeOurs();
      await timeFloor();
    }
    trivial.push((await run(bundles.trivial.file, eventFile, 'trivial')).ms);
  }
  return {
    samples: COLD_STARTS,
    floor_ms: round(median(floor)),
    floor_p90_ms: round(percentile(floor, 90)),
    recordings_ms: round(median(ours)),
    recordings_p90_ms: round(percentile(ours, 90)),
    ratio: round(median(ours) / median(floor)),
    p90_ratio: round(percentile(ours, 90) / percentile(floor, 90)),
    trivial_ms: round(median(trivial)),
    ratio_to_trivial: round(median(ours) / median(trivial)),
    recordings_import_ms: round(median(inside.map((r) => r.importMs))),
    recordings_first_request_ms: round(median(inside.map((r) => r.firstRequestMs))),
    recordings_js_loaded_bytes: recordingsJs.jsBytes,
    recordings_modules_loaded: recordingsJs.modules,
    floor_js_loaded_bytes: floorJs.jsBytes,
    floor_modules_loaded: floorJs.modules,
  };
}
