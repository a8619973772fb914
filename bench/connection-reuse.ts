// The latency the functions gain by keeping their Event Socket connections (issue 14): the same start
// and stop through the real FreeSWITCH adapter, once with the functions' pool (connections kept and
// authenticated once) and once with a connection per operation (connect, greeting, auth, then the
// commands: what every request paid before), interleaved sample by sample on one simulated FreeSWITCH.
// `node --import tsx bench/connection-reuse.ts` runs this figure alone (no emulators needed).
import { fileURLToPath } from 'node:url';
import { type EslSessions, oneShotSessions } from '../shared/adapters/freeswitch/esl-client.ts';
import type { EslEndpoint } from '../shared/adapters/freeswitch/esl-connection.ts';
import { createEslFleet } from '../shared/adapters/freeswitch/esl-fleet.ts';
import { createEslPool } from '../shared/adapters/freeswitch/esl-pool.ts';
import { createFreeSwitchProvider } from '../shared/adapters/freeswitch/freeswitch-provider.ts';
import type { RecordingProvider } from '../shared/recordings/ports.ts';
import type { RecordingFiles } from '../shared/recordings/recording-files.ts';
import { LATENCY_SAMPLES, percentile, round } from './bench-helpers.ts';
import { startBenchMediaServer } from './bench-media-server.ts';
import { connectionReuseRows } from './print-table.ts';

const TIMEOUT_MS = 3000;
const WARM_UP = 20;

/** p50 / p99 of one operation, kept connections against a connection per operation. */
export type ReuseFigure = {
  reused_p50_ms: number;
  reused_p99_ms: number;
  per_request_p50_ms: number;
  per_request_p99_ms: number;
  p50_ratio: number;
};

/** Start (1 command) and stop (4 commands) latencies with and without connection reuse. */
export async function connectionReuse(media: {
  freeswitch: { addChannel(uuid?: string): string };
  files: RecordingFiles;
  endpoint: EslEndpoint;
}): Promise<{ samples: number; start: ReuseFigure; stop: ReuseFigure }> {
  const providerOver = (sessions: EslSessions) =>
    createFreeSwitchProvider({
      fleet: createEslFleet(new Map([['bench-fs', sessions]])),
      files: media.files,
    });
  const reused = providerOver(createEslPool(media.endpoint, { timeoutMs: TIMEOUT_MS }));
  const perRequest = providerOver(oneShotSessions({ ...media.endpoint, timeoutMs: TIMEOUT_MS }));
  let n = 0;
  /** One start then stop of a fresh channel's recording; their durations in ms. */
  async function pair(provider: RecordingProvider): Promise<[number, number]> {
    n += 1;
    const request = {
      providerCallId: media.freeswitch.addChannel(),
      recordingId: `rec_call_reuse${n}`,
      callId: `call_reuse${n}`,
      customerId: 'cust_bench',
      applicationId: 'app_bench',
    };
    const t0 = performance.now();
    await provider.startRecording(request);
    const t1 = performance.now();
    const outcome = await provider.stopRecording(request);
    const t2 = performance.now();
    // A stop within the same millisecond finds nothing written (discarded): the same four commands ran.
    if (outcome.kind === 'not_recording') throw new Error('bench stop found the file not recording');
    return [t1 - t0, t2 - t1];
  }
  for (let i = 0; i < WARM_UP; i += 1) await Promise.all([pair(reused), pair(perRequest)]);
  const times = {
    reused: { start: [] as number[], stop: [] as number[] },
    perRequest: { start: [] as number[], stop: [] as number[] },
  };
  for (let i = 0; i < LATENCY_SAMPLES; i += 1) {
    // Alternate which goes first, so neither always meets a switch just woken by the other.
    const order = i % 2 === 0 ? (['reused', 'perRequest'] as const) : (['perRequest', 'reused'] as const);
    for (const mode of order) {
      const [start, stop] = await pair(mode === 'reused' ? reused : perRequest);
      times[mode].start.push(start);
      times[mode].stop.push(stop);
    }
  }
  reused.close();
  const figure = (op: 'start' | 'stop'): ReuseFigure => {
    const reusedP50 = percentile(times.reused[op], 50);
    const perRequestP50 = percentile(times.perRequest[op], 50);
    return {
      reused_p50_ms: round(reusedP50),
      reused_p99_ms: round(percentile(times.reused[op], 99)),
      per_request_p50_ms: round(perRequestP50),
      per_request_p99_ms: round(percentile(times.perRequest[op], 99)),
      p50_ratio: round(reusedP50 / perRequestP50),
    };
  };
  return { samples: LATENCY_SAMPLES, start: figure('start'), stop: figure('stop') };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const media = await startBenchMediaServer();
  try {
    const result = await connectionReuse(media);
    console.log(JSON.stringify(result, null, 2));
    for (const row of connectionReuseRows(result)) console.log(row.join(' | '));
  } finally {
    await media.freeswitch.close();
  }
}
