import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { biomeFormat } from './biome-format.ts';
import { buildOpenApiDocument } from './build-document.ts';
import { OPENAPI_FILE } from './document-file.ts';

/** The document as the repository keeps it: built from the schemas, formatted as Biome formats JSON. */
export function renderOpenApiDocument(): string {
  const packageFile = join(import.meta.dirname, '../package.json');
  const { version } = JSON.parse(readFileSync(packageFile, 'utf8')) as { version: string };
  return biomeFormat(`${JSON.stringify(buildOpenApiDocument(version), null, 2)}\n`, OPENAPI_FILE);
}
