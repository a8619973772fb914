import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../..');

/** Each function of the stack (its construct id) and the `functions/` directory its bundle comes from. */
const FUNCTIONS = {
  MediaEvents: 'media-events',
  OutboxRelay: 'outbox-relay',
  Recordings: 'recordings',
  RetentionSweep: 'retention-sweep',
  WebhookSender: 'webhook-sender',
};

/** The environment minus every AWS credential, region and endpoint: a fresh clone on a laptop. */
function withoutAws(): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith('AWS_') && !name.startsWith('CDK_')),
  );
}

/** Runs `npm run synth` into `outdir`; resolves to its exit code and everything it printed. */
function synth(outdir: string) {
  return new Promise<{ code: number | null; output: string }>((resolve) => {
    const child = spawn('npm', ['run', 'synth', '--', '--output', outdir], { cwd: ROOT, env: withoutAws() });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.on('exit', (code) => resolve({ code, output }));
  });
}

/** The Lambda functions of a synthesized template: construct id → the asset directory of its code. */
function functionAssets(template: { Resources: Record<string, { Type: string; Properties: unknown }> }) {
  return Object.fromEntries(
    Object.entries(template.Resources)
      .filter(([, resource]) => resource.Type === 'AWS::Lambda::Function')
      .map(([id, resource]) => {
        const { S3Key } = (resource.Properties as { Code: { S3Key: string } }).Code;
        return [id.replace(/Function[0-9A-F]{8}$/, ''), `asset.${S3Key.replace(/\.zip$/, '')}`];
      }),
  );
}

let outdir: string;
let result: { code: number | null; output: string };
let assets: Record<string, string>;
beforeAll(async () => {
  outdir = await mkdtemp(join(tmpdir(), 'minivoice-cdk-'));
  result = await synth(outdir);
  if (result.code !== 0) return;
  const template = JSON.parse(await readFile(join(outdir, 'minivoice-recordings-dev.template.json'), 'utf8'));
  assets = functionAssets(template);
}, 120_000);
afterAll(async () => {
  if (outdir) await rm(outdir, { recursive: true, force: true });
});

describe('npm run synth', () => {
  it('synthesizes the stack offline without credentials', () => {
    expect(result.code, result.output).toBe(0);
  });

  it('bundles each function as minified ESM with a source map', async () => {
    const bundles = Object.fromEntries(
      await Promise.all(
        Object.entries(assets).map(async ([name, asset]) => [
          name,
          (await readdir(join(outdir, asset))).sort(),
        ]),
      ),
    );

    expect(bundles).toEqual(
      Object.fromEntries(Object.keys(FUNCTIONS).map((name) => [name, ['index.mjs', 'index.mjs.map']])),
    );
  });

  it("bundles each function from its own directory's handler (the outbox relay included, no outbox sweep)", async () => {
    const services = Object.fromEntries(
      await Promise.all(
        Object.entries(assets).map(async ([name, asset]) => {
          const code = await readFile(join(outdir, asset, 'index.mjs'), 'utf8');
          return [name, /service:"([a-z-]+)"/.exec(code)?.[1]];
        }),
      ),
    );

    expect(services).toEqual(FUNCTIONS);
  });
});
