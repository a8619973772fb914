import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createAwsClients } from '../shared/adapters/aws/aws-clients.ts';
import { apiEvent, COLD_STARTS, freshTable, median, round, runNode } from './bench-helpers.ts';
import type { BenchMediaServer } from './bench-media-server.ts';
import { BUILD_DIR, type buildAll } from './build-bundles.ts';
import { seedBenchTenant } from './seed-data.ts';

/** Fresh-process import + first request, the recordings bundle next to a trivial handler bundle. */
export async function coldStart(bundles: Awaited<ReturnType<typeof buildAll>>, media: BenchMediaServer) {
  const clients = createAwsClients();
  const { documents } = clients;
  const sqs = clients.sqs();
  const table = 'bench-cold-start';
  const queueUrl = await freshTable(documents, sqs, table);
  const tenant = await seedBenchTenant(documents, table, 1);
  const call = tenant.calls[0];
  if (!call) throw new Error('no call');
  // The call needs a live channel, or every "first request" is a quick 502 instead of a start.
  media.freeswitch.addChannel(call.provider_call_id as string);
  const eventFile = join(BUILD_DIR, 'event.json');
  await writeFile(
    eventFile,
    JSON.stringify(apiEvent(`/v1/calls/${call.id}/recordings`, tenant.apiKey, '{"action":"start"}')),
  );
  const env = {
    ...process.env,
    TABLE_NAME: table,
    WEBHOOK_QUEUE_URL: queueUrl,
    PUBLIC_API_URL: 'http://127.0.0.1:3000',
    ...media.env,
  };
  const driver = join(import.meta.dirname, 'cold-start-driver.mjs');
  // The first run starts the recording; every later one is the idempotent start (one read).
  await runNode([driver, bundles.recordings.file, eventFile], env);
  const trivial: number[] = [];
  const ours: number[] = [];
  const inside: { importMs: number; firstRequestMs: number }[] = [];
  for (let i = 0; i < COLD_STARTS; i += 1) {
    trivial.push((await runNode([driver, bundles.trivial.file, eventFile], env)).ms);
    const run = await runNode([driver, bundles.recordings.file, eventFile], env);
    ours.push(run.ms);
    // The driver's figures are its last line; the function's own log and metric lines come before it.
    inside.push(JSON.parse(run.stdout.trim().split('\n').at(-1) ?? ''));
  }
  return {
    trivial_ms: round(median(trivial)),
    recordings_ms: round(median(ours)),
    ratio: round(median(ours) / median(trivial)),
    recordings_import_ms: round(median(inside.map((r) => r.importMs))),
    recordings_first_request_ms: round(median(inside.map((r) => r.firstRequestMs))),
  };
}
