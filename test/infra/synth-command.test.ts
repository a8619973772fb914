import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../..');
let outdir: string | undefined;
afterAll(async () => {
  if (outdir) await rm(outdir, { recursive: true, force: true });
});

/** The environment minus every AWS credential, region and endpoint: a fresh clone on a laptop. */
function withoutAws(): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith('AWS_') && !name.startsWith('CDK_')),
  );
}

describe('npm run synth', () => {
  it('synthesizes the stack offline without credentials, bundling each function as minified ESM with a source map', async () => {
    outdir = await mkdtemp(join(tmpdir(), 'minivoice-cdk-'));
    const result = await new Promise<{ code: number | null; output: string }>((resolve) => {
      const child = spawn('npm', ['run', 'synth', '--', '--output', outdir as string], {
        cwd: ROOT,
        env: withoutAws(),
      });
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
      });
      child.stderr.on('data', (chunk: Buffer) => {
        output += chunk.toString();
      });
      child.on('exit', (code) => resolve({ code, output }));
    });

    expect(result.code, result.output).toBe(0);
    const template = JSON.parse(
      await readFile(join(outdir, 'minivoice-recordings-dev.template.json'), 'utf8'),
    );
    expect(
      Object.values(template.Resources).filter(
        (r) => (r as { Type: string }).Type === 'AWS::Lambda::Function',
      ),
    ).toHaveLength(5);
    const assets = (await readdir(outdir)).filter((name) => name.startsWith('asset.'));
    const bundles = await Promise.all(
      assets.map(async (asset) => (await readdir(join(outdir as string, asset))).sort()),
    );
    expect(bundles).toEqual([
      ['index.mjs', 'index.mjs.map'],
      ['index.mjs', 'index.mjs.map'],
      ['index.mjs', 'index.mjs.map'],
      ['index.mjs', 'index.mjs.map'],
      ['index.mjs', 'index.mjs.map'],
    ]);
  }, 120_000);
});
