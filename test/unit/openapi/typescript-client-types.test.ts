import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OPENAPI_FILE } from '../../../openapi/document-file.ts';
import { CLIENT_TYPES_FILE, renderClientTypes } from '../../../openapi/render-client-types.ts';

const ROOT = join(import.meta.dirname, '../../..');

describe('the typed client example', () => {
  it('has the types openapi-typescript makes of the committed document (run `npm run openapi`)', async () => {
    expect(readFileSync(CLIENT_TYPES_FILE, 'utf8')).toBe(
      await renderClientTypes(readFileSync(OPENAPI_FILE, 'utf8')),
    );
  });

  it('compiles on its own (tsc -p examples/typescript-client)', () => {
    const tsc = join(ROOT, 'node_modules/.bin/tsc');
    expect(() =>
      execFileSync(tsc, ['-p', 'examples/typescript-client/tsconfig.json'], { cwd: ROOT, encoding: 'utf8' }),
    ).not.toThrow();
  }, 60_000);
});
