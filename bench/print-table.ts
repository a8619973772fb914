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
      `ESL ${op} (${op === 'start' ? '1 command' : '4 commands'}), functions' kept connections: p50 / p95`,
      `${f.reused_p50_ms} / ${f.reused_p95_ms} ms`,
      `${f.per_request_p50_ms} / ${f.per_request_p95_ms} ms connection per request`,
      `${ratio}× (< 0.8×: ${ratio < 0.8 ? 'ok' : 'short'})`,
    ];
  });
}

type Row = [string, string, string, string];
const kb = (bytes = 0) => `${(bytes / 1024).toFixed(0)} KB`;
const verdictOf = (f: Figure | undefined) => (f ? ` (${f.target}: ${f.verdict})` : '');

/** The cold-start rows: each function against the floor, the trivial handler, the JavaScript loaded. */
function coldStartRows(
  c: Record<string, number>,
  bundles: Record<string, number>,
  figures: Record<string, Figure>,
): Row[] {
  const floor = `${c.floor_ms} / ${c.floor_p90_ms} ms DocumentClient + GetItem`;
  const rows: Row[] = [
    [
      `cold start, recordings real start + ESL secret (fresh node, import + 1st request, ${c.samples}×): p50 / p90`,
      `${c.recordings_ms} / ${c.recordings_p90_ms} ms`,
      floor,
      `${c.ratio}× / ${c.p90_ratio}×${verdictOf(figures.cold_start_ms)}`,
    ],
  ];
  if (c.webhook_sender_ms !== undefined)
    rows.push([
      'cold start, webhook-sender one signed delivery: p50 / p90',
      `${c.webhook_sender_ms} / ${c.webhook_sender_p90_ms} ms`,
      floor,
      `${c.webhook_sender_ratio}× / ${c.webhook_sender_p90_ratio}×${verdictOf(figures.cold_start_webhook_sender_ms)}`,
    ]);
  rows.push([
    '... same, trivial handler (information only)',
    '',
    `${c.trivial_ms} ms`,
    `${c.ratio_to_trivial}×`,
  ]);
  if (c.recordings_js_loaded_bytes !== undefined)
    rows.push([
      'JavaScript loaded at cold start, recordings (every module source)',
      `${kb(c.recordings_js_loaded_bytes)} in ${c.recordings_modules_loaded} files (bundle ${((bundles.recordings ?? 0) / 1024).toFixed(1)} KB)`,
      `${kb(c.floor_js_loaded_bytes)} in ${c.floor_modules_loaded} files floor`,
      `${((c.recordings_js_loaded_bytes ?? 0) / (c.floor_js_loaded_bytes || 1)).toFixed(2)}×${verdictOf(figures.cold_start_js_loaded_bytes)}`,
    ]);
  if (c.webhook_sender_js_loaded_bytes !== undefined)
    rows.push([
      'JavaScript loaded at cold start, webhook-sender (information only)',
      `${kb(c.webhook_sender_js_loaded_bytes)} in ${c.webhook_sender_modules_loaded} files`,
      '',
      `${((c.webhook_sender_js_loaded_bytes ?? 0) / (c.floor_js_loaded_bytes || 1)).toFixed(2)}×`,
    ]);
  return rows;
}

/** Warm CPU per request or delivery, each next to the bare calls it makes. */
function warmCpuRows(w: Record<string, unknown>, figures: Record<string, Figure>): Row[] {
  const floors: Record<string, string> = {
    start: 'its DynamoDB + ESL commands, bare',
    idempotent: 'its DynamoDB commands, bare',
    stop: 'its DynamoDB + ESL commands, bare',
    delivery: 'its DynamoDB commands + signed fetch POST, bare',
  };
  return Object.entries(w).flatMap(([step, raw]): Row[] => {
    if (typeof raw !== 'object' || raw === null) return [];
    const f = raw as Record<string, number>;
    return [
      [
        `warm CPU per ${step === 'delivery' ? 'webhook delivery' : `${step} request`} (own process, mean of ${w.samples})`,
        `${f.cpu_ms} ms (${f.dynamodb_calls} DynamoDB calls)`,
        `${f.floor_cpu_ms} ms ${floors[step] ?? 'bare calls'}`,
        `${f.ratio}×${verdictOf(figures[`warm_cpu_${step}_ms`])}`,
      ],
    ];
  });
}

export function printTable(results: {
  bundles: Record<string, number>;
  cold_start?: Record<string, number>;
  warm_cpu?: Record<string, unknown>;
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
  if (results.cold_start)
    rows.push(...coldStartRows(results.cold_start, results.bundles, results.figures ?? {}));
  if (results.warm_cpu) rows.push(...warmCpuRows(results.warm_cpu, results.figures ?? {}));
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
    // The x10/x1 ratios are printed after both scales.
    if (scale === 'x10_over_x1') continue;
    const s = raw as Record<string, Record<string, Record<string, number>>> & { items_in_table: number };
    const history = s.call_history as unknown as Record<string, number> | undefined;
    rows.push([
      `— ${scale}: ${s.items_in_table} items in the table${history ? `; each timed call has ${history.past_recordings} past recordings (${history.items_in_call_partition} items in its partition)` : ''}`,
      '',
      '',
      '',
    ]);
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
    const floor = s.bare_get_item as unknown as Record<string, number> | undefined;
    for (const [name, l] of Object.entries(s.latency ?? {})) {
      // The highest percentile its sample count can quote (a p99 only from 1,000 samples).
      const tail = (l as unknown as { tail?: string }).tail;
      const at = (f: Record<string, number> | undefined, suffix: string, unit = '') =>
        `${f?.[`p50_${suffix}`]}${unit}${tail ? ` / ${f?.[`${tail}_${suffix}`]}${unit}` : ''}`;
      rows.push([
        `${scale} ${name} (${l.samples}×): p50${tail ? ` / ${tail}` : ''}`,
        `${at(l, 'ms')} ms`,
        `${at(floor, 'ms')} ms GetItem (${floor?.samples}×, interleaved)`,
        at(l, 'ratio', '×'),
      ]);
    }
    const download = s.media_download as unknown as
      | { round_trips: Record<string, number>; link_bytes_served: number }
      | undefined;
    if (download) {
      const d = download.round_trips;
      const verdict = results.figures?.[`${scale}_download_dynamodb_round_trips`];
      rows.push([
        `${scale} download (302 to a pre-signed S3 URL): round trips`,
        `DDB ${d.dynamodb_reads} read + ${d.dynamodb_writes} write, SQS ${d.sqs}`,
        `the link served ${download.link_bytes_served} bytes`,
        verdict ? `${verdict.target}: ${verdict.verdict}` : '',
      ]);
    }
    const a = s.api_throughput as unknown as Record<string, number> | undefined;
    // The quick run measures throughput at x1 only.
    if (a) {
      rows.push([
        `${scale} API through local server (start/stop mix; CPU of the whole bench process, information only)`,
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
    }
    const w = s.webhook_throughput as unknown as Record<string, number> | undefined;
    if (w)
      rows.push([
        `${scale} webhooks delivered (CPU incl. the in-process SQS emulator: see warm CPU for the sender's own)`,
        `${w.per_second}/s, ${w.cpu_ms_per_delivery} ms CPU each`,
        `${w.baseline_per_second}/s bare POST`,
        `${w.ratio}×`,
      ]);
  }
  const ratios = results.scales.x10_over_x1 as
    | Record<string, { x1: number; x10: number; ratio: number }>
    | undefined;
  if (ratios) {
    rows.push(["— x10 over x1, timed interleaved (10× the tenants and each call's own history)", '', '', '']);
    for (const [name, r] of Object.entries(ratios)) {
      const verdict = results.figures?.[`x10_over_x1_${name}`];
      rows.push([
        `x10/x1 ${name.replaceAll('_', ' ')}`,
        `${r.x10} at x10`,
        `${r.x1} at x1`,
        `${r.ratio}×${verdict ? ` (${verdict.target}: ${verdict.verdict})` : ' (the floor: information)'}`,
      ]);
    }
  }
  const widths = [0, 1, 2, 3].map((i) => Math.max(...rows.map((r) => r[i]?.length ?? 0)));
  for (const row of rows) console.log(row.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join(' | '));
}
