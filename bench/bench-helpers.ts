// Shared pieces of the benchmark: sizes of the run, statistics, processes, events.

import { spawn } from 'node:child_process';
import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { CreateQueueCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { apiGatewayEvent } from '../scripts/local/api-gateway-event.ts';
import { createTableInput } from '../shared/adapters/dynamodb/table-schema.ts';
import { createJsonLogger } from '../shared/adapters/system/json-logger.ts';
import type { Metrics } from '../shared/kernel/metrics.ts';

/** `npm run bench -- --quick`: fewer samples, under 2 minutes (for CI; it only prints). */
export const QUICK = process.argv.includes('--quick');
export const BASE_TENANTS = 300;
export const LATENCY_SAMPLES = QUICK ? 50 : 200;
/**
 * Calls timed at each scale (x1 and x10, interleaved), each taking a start, an idempotent start, a stop
 * and a download: 1,000 of each for a p99; the quick run's 60 quote the p50 only (a p90 takes 100).
 */
export const SCALE_SAMPLES = QUICK ? 60 : 1000;
/** Past recordings each timed call carries at x1 (ten times as many at x10). */
export const CALL_HISTORY = 3;
/** Calls the API throughput load starts and stops recordings on. */
export const THROUGHPUT_CALLS = 100;
export const COLD_STARTS = QUICK ? 3 : 15;
export const LOAD_SECONDS = QUICK ? 2 : 5;
export const WEBHOOKS = QUICK ? 100 : 300;
/** Hangups timed to their `recording.completed` webhook. */
export const HANGUP_SAMPLES = QUICK ? 30 : 200;
export const quiet = createJsonLogger({}, () => undefined);
/** Metrics nobody reads (the bench measures; it does not watch). */
export const noMetrics: Metrics = { count: () => undefined, duration: () => undefined };

export const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
};
export const median = (values: number[]) => percentile(values, 50);
export const round = (n: number, digits = 2) => Number(n.toFixed(digits));
export const cpuMs = (since: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
};
export const context = { awsRequestId: 'bench', getRemainingTimeInMillis: () => 30_000 } as Context;

export async function listen(server: Server): Promise<string> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

export function runNode(
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ ms: number; stdout: string }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, args, {
      env: { ...env, NODE_NO_WARNINGS: '1' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0
        ? resolve({ ms: performance.now() - started, stdout })
        : reject(new Error(`${args[0]} exited ${code}`)),
    );
  });
}

/**
 * The per-application allowance the bench's handlers run with: the real limiter (its conditional write
 * on every request) with a limit no bench reaches, so figures show its cost and never a refusal.
 */
export const BENCH_ALLOWANCE = { perSecond: 1_000_000, burst: 1_000_000 } as const;

export function apiEvent(path: string, apiKey: string, body: string) {
  return apiGatewayEvent({
    path,
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
    body,
  });
}

export async function freshTable(documents: DynamoDBDocumentClient, sqs: SQSClient, name: string) {
  await documents.send(new CreateTableCommand(createTableInput(name)));
  const queue = await sqs.send(new CreateQueueCommand({ QueueName: `${name}-webhooks` }));
  return queue.QueueUrl ?? '';
}
