import { readFileSync, writeFileSync } from 'node:fs';
import { OPENAPI_FILE } from './document-file.ts';
import { CLIENT_TYPES_FILE, renderClientTypes } from './render-client-types.ts';
import { renderOpenApiDocument } from './render-document.ts';

// `npm run openapi` writes openapi/openapi.json from the schemas, then the client example's types from
// it; `npm run openapi -- --check` only says whether both committed files are up to date (exit 1 if not).
const document = renderOpenApiDocument();
const files = [
  { path: OPENAPI_FILE, text: document },
  { path: CLIENT_TYPES_FILE, text: await renderClientTypes(document) },
];
if (process.argv.includes('--check')) {
  const stale = files.filter(({ path, text }) => readFileSync(path, 'utf8') !== text);
  for (const { path } of stale) console.error(`${path} is out of date: run \`npm run openapi\``);
  if (stale.length > 0) process.exit(1);
  console.log('openapi/openapi.json and the client types are up to date');
} else {
  for (const { path, text } of files) {
    writeFileSync(path, text);
    console.log(`wrote ${path}`);
  }
}
