// The latency the functions gain by keeping their Event Socket connections (issue 14): the same start
// and stop through the real FreeSWITCH adapter, once with the functions' pool (connections kept and
// authenticated once) and once with a connection per operation (connect, greeting, auth, then the
// commands: what every request paid before), interleaved sample by sample on one simulated FreeSWITCH.
// `node --import tsx bench/connection-reuse.ts` runs this figure alone (no emulators needed).
import { fileURLToPath } from 'node:url';
import { type EslSessions, oneShotSessions } from '../shared/adapters/freeswitch/esl-client.ts';
import type { EslEndpoint } from '../shared/adapters/freeswitch/esl-connection.ts';
import { createEslFleet } from '../shared/adapters/freeswitch/esl-fleet.ts';
import { createMediaServer } from '../shared/adapters/freeswitch/freeswitch-config.ts';
import {
  createFreeSwitchProvider,
  type FreeSwitchProvider,
} from '../shared/adapters/freeswitch/freeswitch-provider.ts';
import type { RecordingProvider } from '../shared/recordings/ports.ts';
import type { RecordingFiles } from '../shared/recordings/recording-files.ts';
import { percentile, QUICK, round } from './bench-helpers.ts';
import { startBenchMediaServer } from './bench-media-server.ts';
import { startDelayedLink } from './delayed-link.ts';
import { connectionReuseRows } from './print-table.ts';

const TIMEOUT_MS = 3000;
const WARM_UP = 20;
/**
 * Each way across the modelled hop between a function and FreeSWITCH: 0.5 ms, a round trip of ~1 ms as
 * between two instances in one AWS region (timers make it at least 1 ms each way here).
 */
const LINK_DELAY_MS = 0.5;
/** Pairs timed per mode: enough for the p50 the target is on and a p95 (not a p99). */
const SAMPLES = QUICK ? 50 : 300;

/** p50 / p95 of one operation, kept connections against a connection per operation. */
export type ReuseFigure = {
  reused_p50_ms: number;
  reused_p95_ms: number;
  per_request_p50_ms: number;
  per_request_p95_ms: number;
  p50_ratio: number;
};

/** Start (1 command) and stop (4 commands) latencies with and without connection reuse. */
export async function connectionReuse(media: {
  freeswitch: { addChannel(uuid?: string): string };
  files: RecordingFiles;
  endpoint: EslEndpoint;
  env: { RECORDING_PATH_TEMPLATE: string };
}): Promise<{ samples: number; start: ReuseFigure; stop: ReuseFigure }> {
  const providerOver = (sessions: EslSessions) =>
    createFreeSwitchProvider({
      fleet: createEslFleet(new Map([['bench-fs', sessions]])),
      files: media.files,
    });
  // The kept connections exactly as the functions compose them (createMediaServer, their cold-start
  // wiring), so a change there that connects per request shows here.
  // Both modes reach the media server across the same modelled network hop.
  const link = await startDelayedLink(media.endpoint, LINK_DELAY_MS);
  const endpoint = { ...media.endpoint, host: link.host, port: link.port };
  const { provider } = await createMediaServer({
    ESL_NODES: [{ name: 'bench-fs', host: link.host, port: link.port }],
    ESL_PASSWORD: media.endpoint.password,
    ESL_TIMEOUT_MS: TIMEOUT_MS,
    RECORDING_PATH_TEMPLATE: media.env.RECORDING_PATH_TEMPLATE,
  });
  const reused = provider as FreeSwitchProvider;
  const perRequest = providerOver(oneShotSessions({ ...endpoint, timeoutMs: TIMEOUT_MS }));
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
  for (let i = 0; i < SAMPLES; i += 1) {
    // Alternate which goes first, so neither always meets a switch just woken by the other.
    const order = i % 2 === 0 ? (['reused', 'perRequest'] as const) : (['perRequest', 'reused'] as const);
    for (const mode of order) {
      const [start, stop] = await pair(mode === 'reused' ? reused : perRequest);
      times[mode].start.push(start);
      times[mode].stop.push(stop);
    }
  }
  reused.close();
  link.close();
  const figure = (op: 'start' | 'stop'): ReuseFigure => {
    const reusedP50 = percentile(times.reused[op], 50);
    const perRequestP50 = percentile(times.perRequest[op], 50);
    return {
      reused_p50_ms: round(reusedP50),
      reused_p95_ms: round(percentile(times.reused[op], 95)),
      per_request_p50_ms: round(perRequestP50),
      per_request_p95_ms: round(percentile(times.perRequest[op], 95)),
      p50_ratio: round(reusedP50 / perRequestP50),
    };
  };
  return { samples: SAMPLES, start: figure('start'), stop: figure('stop') };
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
