// A stand-in for the Lambda Node.js runtime's process, for tests that read a function's output as
// CloudWatch would receive it. Usage (in a child process, the function's environment set):
//   node --import tsx test/support/lambda-runtime.ts <handler module> <events.json> <result file>
// It imports the handler module (the function's init phase), then invokes the handler once per event,
// each with a fresh request id, as one warm container does, and writes what the handler returned to the
// result file, so that stdout and stderr carry nothing but what the function wrote.
//
// Logging is the runtime's own (aws-lambda-nodejs-runtime-interface-client, src/logging: LogPatch,
// StdoutLogger, formatter): `console.*` is replaced by a logger that, under AWS_LAMBDA_LOG_FORMAT=JSON,
// writes one JSON object per call, `{timestamp, level, requestId, message}`, the message being the first
// argument as is (a string stays a string) or `util.format` of all of them; levels under
// AWS_LAMBDA_LOG_LEVEL are dropped; `console.log` is `console.info`. What the function writes to
// process.stdout or process.stderr itself passes untouched.

import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { format } from 'node:util';

const LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'] as const;
type Level = (typeof LEVELS)[number];

const [handlerModule, eventsFile, resultFile] = process.argv.slice(2);
if (!handlerModule || !eventsFile || !resultFile)
  throw new Error('usage: <handler module> <events.json> <result>');
const json = (process.env.AWS_LAMBDA_LOG_FORMAT ?? 'Text').toUpperCase() === 'JSON';
const minLevel = LEVELS.indexOf((process.env.AWS_LAMBDA_LOG_LEVEL ?? 'TRACE').toUpperCase() as Level);

/** The request being served (none during init), as the runtime's invoke store holds it. */
let requestId: string | undefined;

/** The runtime's JSON error replacer: an Error becomes its type, message and stack lines. */
const errorReplacer = (_key: string, value: unknown) =>
  value instanceof Error
    ? {
        errorType: value.constructor?.name ?? 'UnknownError',
        errorMessage: value.message,
        stackTrace: value.stack?.split('\n'),
        ...value,
      }
    : value;

function line(level: Level, message: unknown, params: unknown[]): string {
  const timestamp = new Date().toISOString();
  if (!json) return [timestamp, requestId, level, format(message, ...params)].join('\t');
  const result: Record<string, unknown> = { timestamp, level, requestId };
  if (params.length === 0) {
    result.message = message;
    try {
      return JSON.stringify(result, errorReplacer);
    } catch {
      result.message = format(result.message);
      return JSON.stringify(result);
    }
  }
  result.message = format(message, ...params);
  return JSON.stringify(result);
}

const METHODS = { trace: 'TRACE', debug: 'DEBUG', info: 'INFO', warn: 'WARN', error: 'ERROR' } as const;
for (const [method, level] of Object.entries(METHODS) as [keyof typeof METHODS, Level][]) {
  console[method] =
    LEVELS.indexOf(level) < minLevel
      ? () => undefined
      : (message: unknown, ...params: unknown[]) =>
          void process.stdout.write(`${line(level, message, params).replace(/\n/g, '\r')}\n`);
}
console.log = console.info;

const { handler } = (await import(pathToFileURL(handlerModule).href)) as {
  handler: (event: unknown, context: unknown) => Promise<unknown>;
};
const events = JSON.parse(readFileSync(eventsFile, 'utf8')) as unknown[];
const results: { requestId: string; result: unknown }[] = [];
for (const event of events) {
  requestId = randomUUID();
  const started = Date.now();
  const context = {
    awsRequestId: requestId,
    functionName: process.env.AWS_LAMBDA_FUNCTION_NAME ?? 'function',
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:eu-west-1:123456789012:function:${process.env.AWS_LAMBDA_FUNCTION_NAME}`,
    memoryLimitInMB: '512',
    logGroupName: `/aws/lambda/${process.env.AWS_LAMBDA_FUNCTION_NAME}`,
    logStreamName: 'stream',
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => 30_000 - (Date.now() - started),
  };
  results.push({ requestId, result: await handler(event, context) });
  requestId = undefined;
}
writeFileSync(resultFile, JSON.stringify(results));
// Lambda freezes the container here; connections kept by the function would keep this process alive.
process.exit(0);
