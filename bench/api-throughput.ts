import { createServer } from 'node:http';
import { join } from 'node:path';
import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { type ApiLambda, createLocalApiServer } from '../scripts/local/local-api-server.ts';
import { createWebhookInspector } from '../scripts/local/webhook-inspector.ts';
import { keys } from '../shared/adapters/dynamodb/table-schema.ts';
import { cpuMs, LOAD_SECONDS, listen, round, runNode } from './bench-helpers.ts';
import type { BenchTenant } from './seed-data.ts';

/**
 * Requests/s through the local API server (the Lambda handler behind HTTP) next to two baselines: a
 * handler that only does one GetItem behind the same server (the least a DynamoDB-backed endpoint
 * does), and a bare HTTP server (the ceiling of this machine). The load starts and stops recordings
 * on `calls` (calls of `tenant` no other figure uses).
 */
export async function apiThroughput(
  handler: ApiLambda,
  tenant: BenchTenant,
  calls: BenchTenant['calls'],
  documents: DynamoDBDocumentClient,
  table: string,
) {
  const serve = (apiHandler: ApiLambda) =>
    createLocalApiServer({
      apiHandler,
      inspector: createWebhookInspector(async () => undefined),
      onError: () => undefined,
    });
  const server = serve(handler);
  const oneRead = serve(async () => {
    await documents.send(new GetCommand({ TableName: table, Key: keys.application(tenant.applicationId) }));
    return { statusCode: 200, body: '{}' };
  });
  const bare = createServer((_req, res) => {
    _req.resume();
    _req.on('end', () => res.writeHead(200, { 'Content-Type': 'application/json' }).end('{}'));
  });
  const [apiUrl, oneReadUrl, bareUrl] = await Promise.all([listen(server), listen(oneRead), listen(bare)]);
  const load = async (url: string) => {
    const cpu = process.cpuUsage();
    const out = JSON.parse(
      (
        await runNode([
          join(import.meta.dirname, 'load-client.mjs'),
          JSON.stringify({
            url,
            connections: 20,
            duration: LOAD_SECONDS,
            headers: { authorization: `Bearer ${tenant.apiKey}`, 'content-type': 'application/json' },
            paths: calls.map((c) => `/v1/calls/${c.id}/recordings`),
            bodies: ['{"action":"start"}', '{"action":"stop"}'],
          }),
        ])
      ).stdout,
    );
    return { ...out, cpu_ms_per_request: cpuMs(cpu) / Math.max(1, out.total) };
  };
  const ours = await load(apiUrl);
  const getItemOnly = await load(oneReadUrl);
  const baseline = await load(bareUrl);
  server.close();
  oneRead.close();
  bare.close();
  return {
    rps: round(ours.rps, 0),
    p50_ms: ours.p50,
    p99_ms: ours.p99,
    non_2xx: ours.non2xx,
    cpu_ms_per_request: round(ours.cpu_ms_per_request, 3),
    get_item_handler_rps: round(getItemOnly.rps, 0),
    get_item_handler_cpu_ms_per_request: round(getItemOnly.cpu_ms_per_request, 3),
    rps_ratio_to_get_item_handler: round(ours.rps / getItemOnly.rps, 3),
    bare_http_rps: round(baseline.rps, 0),
    rps_ratio_to_bare_http: round(ours.rps / baseline.rps, 4),
  };
}
