import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..');

/**
 * `text` formatted as Biome formats the file at `path` (JSON or TypeScript), so generated files pass
 * `npm run lint` and regenerating them is a no-op.
 */
export function biomeFormat(text: string, path: string): string {
  const biome = spawnSync(join(ROOT, 'node_modules/.bin/biome'), ['format', `--stdin-file-path=${path}`], {
    input: text,
    encoding: 'utf8',
    cwd: ROOT,
  });
  if (biome.status !== 0) throw new Error(`biome could not format ${path}: ${biome.stderr}`);
  return biome.stdout;
}
