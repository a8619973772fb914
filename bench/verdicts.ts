// The bench's targets, and each targeted figure with its floor, ratio and verdict (bench/results.json).

/** One figure as results.json records it. */
export interface Figure {
  value: number;
  floor: number | null;
  ratio: number | null;
  /** What the figure must meet, in words (the comparison below). */
  target: string;
  verdict: 'ok' | 'short';
}

/**
 * Cold start of the recordings function (a real start) over the floor, a bare DocumentClient + one
 * GetItem handler in the same kind of process: what the function loads and does beyond the least any
 * DynamoDB-reading function must.
 */
export const COLD_START_TARGET_RATIO = 1.3;

/**
 * The JavaScript the recordings function loads at cold start (its bundle and every SDK module), over
 * what the floor loads: the DynamoDB client is in both; loading the SQS client or any other SDK eagerly
 * crosses it.
 */
export const JS_LOADED_TARGET_RATIO = 1.2;

/**
 * Warm CPU per request (or delivery) over the bare calls it must make, measured in the function's own
 * process (bench/warm-cpu.ts).
 */
export const WARM_CPU_TARGET_RATIO = 1.2;

/** Hangup to `recording.completed` webhook, p95 (three queue hops, an S3 upload, two functions). */
export const HANGUP_P95_TARGET_MS = 1000;
/**
 * Cost per 1,000 recordings at list prices, as a budget: the first measurement (issue 16) was $0.036,
 * DynamoDB 57 % of it; a design change that adds a write per event or a request per pair crosses it.
 */
export const COST_PER_1000_TARGET_USD = 0.04;

const figure = (
  value: number,
  floor: number | null,
  target: string,
  meets: boolean,
  ratio: number | null = floor ? Number((value / floor).toFixed(2)) : null,
): Figure => ({ value, floor, ratio, target, verdict: meets ? 'ok' : 'short' });

type N = Record<string, number>;

/** The figures of a run that have a target, by name. Figures the run did not measure are left out. */
export function figuresOf(results: {
  bundles: N;
  cold_start?: N;
  warm_cpu?: Record<string, unknown>;
  connection_reuse?: { start: N; stop: N };
  write_units_per_pair?: { cost_per_1000_recordings?: { total_usd: number } };
  outbox_load?: N;
  hangup_latency?: { hangup_to_completed: N; sqs_round_trip: N };
  scales: Record<string, unknown>;
}): Record<string, Figure> {
  const figures: Record<string, Figure> = {};
  const bundle = results.bundles.recordings;
  if (bundle !== undefined)
    figures.bundle_recordings_bytes = figure(bundle, null, '< 250 KB', bundle < 250 * 1024);
  const c = results.cold_start ?? {};
  const coldTarget = `≤ ${COLD_START_TARGET_RATIO}× the floor (DocumentClient + GetItem)`;
  if (c.recordings_ms !== undefined && c.floor_ms !== undefined)
    figures.cold_start_ms = figure(
      c.recordings_ms,
      c.floor_ms,
      coldTarget,
      (c.ratio ?? 99) <= COLD_START_TARGET_RATIO,
      c.ratio,
    );
  if (c.webhook_sender_ms !== undefined && c.floor_ms !== undefined)
    figures.cold_start_webhook_sender_ms = figure(
      c.webhook_sender_ms,
      c.floor_ms,
      coldTarget,
      (c.webhook_sender_ratio ?? 99) <= COLD_START_TARGET_RATIO,
      c.webhook_sender_ratio,
    );
  if (c.recordings_js_loaded_bytes !== undefined && c.floor_js_loaded_bytes !== undefined)
    figures.cold_start_js_loaded_bytes = figure(
      c.recordings_js_loaded_bytes,
      c.floor_js_loaded_bytes,
      `≤ ${JS_LOADED_TARGET_RATIO}× the floor's`,
      c.recordings_js_loaded_bytes <= JS_LOADED_TARGET_RATIO * c.floor_js_loaded_bytes,
    );
  for (const [step, raw] of Object.entries(results.warm_cpu ?? {})) {
    const w = raw as N;
    if (typeof raw !== 'object' || w.cpu_ms === undefined || w.floor_cpu_ms === undefined) continue;
    figures[`warm_cpu_${step}_ms`] = figure(
      w.cpu_ms,
      w.floor_cpu_ms,
      `≤ ${WARM_CPU_TARGET_RATIO}× the bare calls`,
      (w.ratio ?? 99) <= WARM_CPU_TARGET_RATIO,
      w.ratio,
    );
  }
  for (const op of ['start', 'stop'] as const) {
    const f = results.connection_reuse?.[op];
    if (f?.reused_p50_ms !== undefined && f.per_request_p50_ms !== undefined)
      figures[`esl_${op}_reused_p50_ms`] = figure(
        f.reused_p50_ms,
        f.per_request_p50_ms,
        '< 0.8× connection per request',
        (f.p50_ratio ?? 99) < 0.8,
        f.p50_ratio,
      );
  }
  const cost = results.write_units_per_pair?.cost_per_1000_recordings;
  if (cost)
    figures.cost_per_1000_recordings_usd = figure(
      cost.total_usd,
      null,
      `≤ $${COST_PER_1000_TARGET_USD}`,
      cost.total_usd <= COST_PER_1000_TARGET_USD,
    );
  const o = results.outbox_load;
  if (o?.relayed_per_second !== undefined && o.committed_per_second !== undefined) {
    figures.outbox_relayed_per_second = figure(
      o.relayed_per_second,
      o.committed_per_second,
      '≥ 0.9× commits, every event relayed',
      o.relayed_per_second >= 0.9 * o.committed_per_second && o.relayed === o.events,
    );
    figures.outbox_hottest_key_writes = figure(
      o.hottest_key_writes ?? 99,
      o.events ?? null,
      '≤ 2 (one call’s events)',
      (o.hottest_key_writes ?? 99) <= 2,
      // The floor is the old OUTBOX index partition, which took every write.
      o.hottest_key_share ?? null,
    );
  }
  const h = results.hangup_latency;
  if (h?.hangup_to_completed.p95_ms !== undefined && h.sqs_round_trip.p95_ms !== undefined)
    figures.hangup_to_completed_p95_ms = figure(
      h.hangup_to_completed.p95_ms,
      h.sqs_round_trip.p95_ms,
      `≤ ${HANGUP_P95_TARGET_MS} ms`,
      h.hangup_to_completed.p95_ms <= HANGUP_P95_TARGET_MS,
    );
  for (const [scale, raw] of Object.entries(results.scales)) {
    const trips = (raw as { round_trips?: Record<string, N> }).round_trips ?? {};
    const start = trips.start;
    if (start)
      figures[`${scale}_start_dynamodb_round_trips`] = figure(
        (start.dynamodb_before_provider ?? 9) + (start.dynamodb_after_provider ?? 9),
        null,
        '≤ 3 before the media server + ≤ 1 after',
        (start.dynamodb_before_provider ?? 9) <= 3 && (start.dynamodb_after_provider ?? 9) <= 1,
      );
    const stop = trips.stop;
    if (stop)
      figures[`${scale}_stop_dynamodb_round_trips`] = figure(
        (stop.dynamodb_before_provider ?? 9) + (stop.dynamodb_after_provider ?? 9),
        null,
        '≤ 3 before the media server, reads only after, no SQS',
        (stop.dynamodb_before_provider ?? 9) <= 3 &&
          stop.dynamodb_writes_after_provider === 0 &&
          stop.sqs === 0,
      );
    // The download reads the key, the recording and its call in one BatchGetItem (the spec allows one
    // round trip for the key and one for the data) and takes from the application's allowance.
    const download = (raw as { media_download?: { round_trips?: N } }).media_download?.round_trips;
    if (download)
      figures[`${scale}_download_dynamodb_round_trips`] = figure(
        (download.dynamodb_reads ?? 9) + (download.dynamodb_writes ?? 9),
        null,
        '≤ 2 reads + the allowance’s 1 write, no SQS',
        (download.dynamodb_reads ?? 9) <= 2 && (download.dynamodb_writes ?? 9) <= 1 && download.sqs === 0,
      );
  }
  // Flat at 10× the data (tenants and each call's own history): every per-request figure at x10 over
  // the same at x1, timed interleaved. The bare GetItem's own ratio is information, not a target.
  const SCALE_RATIO_TARGET = 1.1;
  const ratios = (results.scales.x10_over_x1 ?? {}) as Record<string, N>;
  for (const [name, r] of Object.entries(ratios)) {
    if (name.startsWith('bare_') || r.x1 === undefined || r.x10 === undefined) continue;
    figures[`x10_over_x1_${name}`] = figure(
      r.x10,
      r.x1,
      `≤ ${SCALE_RATIO_TARGET}× x1`,
      (r.ratio ?? 99) <= SCALE_RATIO_TARGET,
      r.ratio ?? null,
    );
  }
  return figures;
}
