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
  cold_start: N;
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
  const c = results.cold_start;
  if (c.recordings_ms !== undefined && c.floor_ms !== undefined)
    figures.cold_start_ms = figure(
      c.recordings_ms,
      c.floor_ms,
      `≤ ${COLD_START_TARGET_RATIO}× the floor (DocumentClient + GetItem)`,
      (c.ratio ?? 99) <= COLD_START_TARGET_RATIO,
      c.ratio,
    );
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
  }
  return figures;
}
