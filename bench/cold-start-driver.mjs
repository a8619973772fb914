// Runs in a fresh Node process: imports one bundle, serves one event, prints how long each took.
// Usage: node cold-start-driver.mjs <bundle.mjs> <event.json>
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const [bundle, eventFile] = process.argv.slice(2);
const event = JSON.parse(readFileSync(eventFile, 'utf8'));
const context = { awsRequestId: 'cold-start', getRemainingTimeInMillis: () => 30000 };
const t0 = performance.now();
const { handler } = await import(pathToFileURL(bundle).href);
const t1 = performance.now();
const result = await handler(event, context);
const t2 = performance.now();
process.stdout.write(
  `${JSON.stringify({ importMs: t1 - t0, firstRequestMs: t2 - t1, statusCode: result?.statusCode })}\n`,
);
