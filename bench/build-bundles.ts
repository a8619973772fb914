import { mkdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { build } from 'esbuild';

const ROOT = join(import.meta.dirname, '..');
/** Built bundles live inside the repository so `@aws-sdk/*` (external, as in Lambda) resolves from node_modules. */
export const BUILD_DIR = join(ROOT, 'bench', '.build');

/** The same esbuild settings as infra/constructs/service-function.ts (minified ESM, SDK external). */
export async function buildBundle(entry: string, name: string): Promise<{ file: string; bytes: number }> {
  const file = join(BUILD_DIR, `${name}.mjs`);
  await build({
    entryPoints: [entry],
    outfile: file,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    minify: true,
    sourcemap: false,
    mainFields: ['module', 'main'],
    external: ['@aws-sdk/*'],
    banner: {
      js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
    },
    logLevel: 'silent',
  });
  return { file, bytes: (await stat(file)).size };
}

/**
 * The cold-start floor: a bare handler that builds a DocumentClient and does one GetItem (the key in
 * FLOOR_KEY), the least any function reading DynamoDB must load and do.
 */
const FLOOR_HANDLER = `import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
const documents = DynamoDBDocumentClient.from(new DynamoDBClient({}));
export const handler = async () => {
  const { Item } = await documents.send(
    new GetCommand({ TableName: process.env.TABLE_NAME, Key: JSON.parse(process.env.FLOOR_KEY ?? '{}') }),
  );
  return { statusCode: Item ? 200 : 404, body: '{}' };
};
`;

/** Builds every function, a trivial handler (information only) and the floor (the cold-start baseline). */
export async function buildAll() {
  await mkdir(BUILD_DIR, { recursive: true });
  const trivialEntry = join(BUILD_DIR, 'trivial-handler.ts');
  await writeFile(trivialEntry, "export const handler = async () => ({ statusCode: 200, body: '{}' });\n");
  const floorEntry = join(BUILD_DIR, 'floor-handler.ts');
  await writeFile(floorEntry, FLOOR_HANDLER);
  const [recordings, webhookSender, outboxRelay, trivial, floor] = await Promise.all([
    buildBundle(join(ROOT, 'functions/recordings/handler.ts'), 'recordings'),
    buildBundle(join(ROOT, 'functions/webhook-sender/handler.ts'), 'webhook-sender'),
    buildBundle(join(ROOT, 'functions/outbox-relay/handler.ts'), 'outbox-relay'),
    buildBundle(trivialEntry, 'trivial'),
    buildBundle(floorEntry, 'floor'),
  ]);
  return { recordings, webhookSender, outboxRelay, trivial, floor };
}
