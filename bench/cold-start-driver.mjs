// Runs in a fresh Node process: imports one bundle, serves one event, prints how long each took and the
// answer's status. With COLD_START_COUNT_JS=1 (an untimed run) it also counts the JavaScript loaded: the
// bundle file (esbuild makes no lazily imported chunks) plus every CommonJS module in the process's
// module cache, which is where the SDK lands whether the bundle `require`s it (lazy SDKs) or `import`s it
// (a package without ESM exports loads as CommonJS).
// Usage: node cold-start-driver.mjs <bundle.mjs> <event.json>
import { readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

const [bundle, eventFile] = process.argv.slice(2);
const event = JSON.parse(readFileSync(eventFile, 'utf8'));
const context = { awsRequestId: 'cold-start', getRemainingTimeInMillis: () => 30000 };
const t0 = performance.now();
const { handler } = await import(pathToFileURL(bundle).href);
const t1 = performance.now();
const result = await handler(event, context);
const t2 = performance.now();
let jsBytes = 0;
let modules = 0;
if (process.env.COLD_START_COUNT_JS === '1') {
  const cached = Object.keys(createRequire(import.meta.url).cache);
  for (const file of [bundle, ...cached]) {
    try {
      jsBytes += statSync(file).size;
      modules += 1;
    } catch {
      // Not a file on disk (a cache key Node made up): nothing read from disk to count.
    }
  }
}
process.stdout.write(
  `${JSON.stringify({ importMs: t1 - t0, firstRequestMs: t2 - t1, statusCode: result?.statusCode, failures: result?.batchItemFailures?.length, jsBytes, modules })}\n`,
);
