import type { Figure } from './verdicts.ts';

/** The rows of the connection-reuse figure (`bench/connection-reuse.ts`), each beside its target. */
export function connectionReuseRows(r: {
  start: Record<string, number>;
  stop: Record<string, number>;
}): [string, string, string, string][] {
  return (['start', 'stop'] as const).map((op) => {
    const f = r[op];
    const ratio = f.p50_ratio ?? 99;
    return [
      // Reuse saves each operation a connect and an auth: two round trips across a network.
      `ESL ${op} (${op === 'start' ? '1 command' : '4 commands'}), connection kept: p50 / p99`,
      `${f.reused_p50_ms} / ${f.reused_p99_ms} ms`,
      `${f.per_request_p50_ms} / ${f.per_request_p99_ms} ms connection per request`,
      `${ratio}× (< 0.8×: ${ratio < 0.8 ? 'ok' : 'short'})`,
    ];
  });
}

export function printTable(results: {
  bundles: Record<string, number>;
  cold_start: Record<string, number>;
  connection_reuse?: { start: Record<string, number>; stop: Record<string, number> };
  write_units_per_pair?: {
    write_units: Record<string, number>;
    read_units: Record<string, number>;
    cost_per_1000_recordings?: { total_usd: number; breakdown_usd: Record<string, number> };
  };
  outbox_load?: Record<string, number>;
  hangup_latency?: {
    samples: number;
    hangup_to_completed: Record<string, number>;
    sqs_round_trip: Record<string, number>;
    p50_ratio: number;
    p95_ratio: number;
  };
  figures?: Record<string, Figure>;
  scales: Record<string, unknown>;
}) {
  const rows: [string, string, string, string][] = [['figure', 'value', 'baseline', 'ratio / target']];
  for (const [name, bytes] of Object.entries(results.bundles))
    rows.push([
      `bundle ${name}`,
      `${(bytes / 1024).toFixed(1)} KB`,
      '',
      name === 'recordings' ? `< 250 KB: ${bytes < 250 * 1024 ? 'ok' : 'short'}` : '',
    ]);
  const c = results.cold_start;
  const cold = results.figures?.cold_start_ms;
  rows.push([
    `cold start, real start (fresh node, import + 1st request, ${c.samples}×): p50 / p90`,
    `${c.recordings_ms} / ${c.recordings_p90_ms} ms`,
    `${c.floor_ms} / ${c.floor_p90_ms} ms DocumentClient + GetItem`,
    `${c.ratio}× / ${c.p90_ratio}×${cold ? ` (p50 ${cold.target}: ${cold.verdict})` : ''}`,
  ]);
  rows.push([
    '... same, trivial handler (information only)',
    '',
    `${c.trivial_ms} ms`,
    `${c.ratio_to_trivial}×`,
  ]);
  if (c.recordings_js_loaded_bytes !== undefined)
    rows.push([
      'JavaScript loaded at cold start (every module source)',
      `${((c.recordings_js_loaded_bytes ?? 0) / 1024).toFixed(0)} KB in ${c.recordings_modules_loaded} files (bundle ${((results.bundles.recordings ?? 0) / 1024).toFixed(1)} KB)`,
      `${((c.floor_js_loaded_bytes ?? 0) / 1024).toFixed(0)} KB in ${c.floor_modules_loaded} files floor`,
      `${((c.recordings_js_loaded_bytes ?? 0) / (c.floor_js_loaded_bytes || 1)).toFixed(2)}×`,
    ]);
  if (results.connection_reuse) rows.push(...connectionReuseRows(results.connection_reuse));
  const w = results.write_units_per_pair;
  if (w) {
    const parts = (units: Record<string, number>) =>
      Object.entries(units)
        .filter(([name]) => name !== 'total')
        .map(([name, n]) => `${name} ${n}`)
        .join(', ');
    rows.push(['write units per start+stop pair', `${w.write_units.total} WCU`, parts(w.write_units), '']);
    rows.push(['read units per start+stop pair', `${w.read_units.total} RCU`, parts(w.read_units), '']);
    const cost = w.cost_per_1000_recordings;
    if (cost)
      rows.push([
        'cost per 1,000 recordings (list prices, bench/prices.ts)',
        `$${cost.total_usd.toFixed(4)}`,
        Object.entries(cost.breakdown_usd)
          .map(([name, usd]) => `${name} $${usd.toFixed(4)}`)
          .join(', '),
        results.figures?.cost_per_1000_recordings_usd
          ? `${results.figures.cost_per_1000_recordings_usd.target}: ${results.figures.cost_per_1000_recordings_usd.verdict}`
          : '',
      ]);
  }
  const o = results.outbox_load;
  if (o) {
    rows.push([
      `outbox: ${o.events} events committed, ${o.concurrency} at a time`,
      `${o.committed_per_second}/s committed, ${o.relayed_per_second}/s on the queue`,
      `${o.relayed} relayed`,
      `relay keeps up (≥ 0.9× commits): ${(o.relayed_per_second ?? 0) >= 0.9 * (o.committed_per_second ?? 0) && o.relayed === o.events ? 'ok' : 'short'}`,
    ]);
    rows.push([
      'outbox: hottest partition key',
      `${o.hottest_key_writes} of ${o.events} writes (${o.partition_keys_written} keys)`,
      `old OUTBOX index: ${o.events} of ${o.events}`,
      `≤ 2 (one call's events): ${(o.hottest_key_writes ?? 99) <= 2 ? 'ok' : 'short'}`,
    ]);
  }
  const h = results.hangup_latency;
  if (h) {
    const verdict = results.figures?.hangup_to_completed_p95_ms;
    rows.push([
      `hangup → recording.completed webhook (${h.samples} calls): p50 / p95`,
      `${h.hangup_to_completed.p50_ms} / ${h.hangup_to_completed.p95_ms} ms`,
      `${h.sqs_round_trip.p50_ms} / ${h.sqs_round_trip.p95_ms} ms bare SQS send→receive`,
      `${h.p50_ratio}× / ${h.p95_ratio}×${verdict ? ` (p95 ${verdict.target}: ${verdict.verdict})` : ''}`,
    ]);
  }
  for (const [scale, raw] of Object.entries(results.scales)) {
    const s = raw as Record<string, Record<string, Record<string, number>>> & { items_in_table: number };
    rows.push([`— ${scale}: ${s.items_in_table} items in the table`, '', '', '']);
    for (const [name, t] of Object.entries(s.round_trips ?? {}))
      rows.push([
        `${scale} ${name}: round trips`,
        `DDB ${t.dynamodb_before_provider}+${t.dynamodb_after_provider}, SQS ${t.sqs}`,
        '',
        // Before the media server: the key's read, the application's allowance (one conditional write,
        // issue 14) and the claim.
        name === 'idempotent'
          ? ''
          : name === 'stop'
            ? // The stop's end is committed by the media-events function once the audio is stored; the
              // request only reads until then.
              `≤3 + reads only, no SQS: ${(t.dynamodb_before_provider ?? 9) <= 3 && t.dynamodb_writes_after_provider === 0 && t.sqs === 0 ? 'ok' : 'short'}`
            : `≤3 + ≤1: ${(t.dynamodb_before_provider ?? 9) <= 3 && (t.dynamodb_after_provider ?? 9) <= 1 ? 'ok' : 'short'}`,
      ]);
    for (const [name, l] of Object.entries(s.latency ?? {}))
      rows.push([
        `${scale} ${name}: p50 / p99`,
        `${l.p50_ms} / ${l.p99_ms} ms`,
        `${s.bare_get_item?.p50_ms} / ${s.bare_get_item?.p99_ms} ms GetItem`,
        `${l.p50_ratio}× / ${l.p99_ratio}×`,
      ]);
    const a = s.api_throughput as unknown as Record<string, number>;
    rows.push([
      `${scale} API through local server (start/stop mix)`,
      `${a.rps} req/s, ${a.cpu_ms_per_request} ms CPU/req, ${a.non_2xx} non-2xx`,
      `${a.get_item_handler_rps} req/s one-GetItem handler`,
      `${a.rps_ratio_to_get_item_handler}×`,
    ]);
    rows.push([
      `${scale} ... same, bare HTTP ceiling`,
      '',
      `${a.bare_http_rps} req/s`,
      `${a.rps_ratio_to_bare_http}×`,
    ]);
    const w = s.webhook_throughput as unknown as Record<string, number>;
    rows.push([
      `${scale} webhooks delivered`,
      `${w.per_second}/s, ${w.cpu_ms_per_delivery} ms CPU each`,
      `${w.baseline_per_second}/s bare POST`,
      `${w.ratio}×`,
    ]);
  }
  const widths = [0, 1, 2, 3].map((i) => Math.max(...rows.map((r) => r[i]?.length ?? 0)));
  for (const row of rows) console.log(row.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join(' | '));
}
