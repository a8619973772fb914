// Runs in its own Node process, so the CPU it counts is a function's alone (the emulators, the simulated
// FreeSWITCH and the media pipeline run in the bench's process). It imports one bundle, warms it, then for
// each sample serves the sample's events one by one, timing each with process.cpuUsage(), and right after
// each one makes the floor's calls, timed the same way:
// - every DynamoDB command the handler sent, sent again (in order, with the same pauses between them)
//   through bare SDK clients to a twin table seeded with the same items (the same inputs, so each
//   condition evaluates as it did);
// - recordings: every Event Socket command it wrote, written again on one kept, authenticated socket to a
//   twin simulated FreeSWITCH, reading each reply (no parsing beyond Content-Length);
// - webhook-sender: one POST of the same body with fetch, HMAC-SHA256-signed.
// Usage: node warm-cpu-driver.mjs <bundle.mjs> <plan.json>; prints one JSON line (the last).
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { connect, Socket } from 'node:net';
import { pathToFileURL } from 'node:url';

const [bundle, planFile] = process.argv.slice(2);
const plan = JSON.parse(readFileSync(planFile, 'utf8'));
const require = createRequire(import.meta.url);
const { DynamoDBClient } = require('@aws-sdk/client-dynamodb');
const { DynamoDBDocumentClient } = require('@aws-sdk/lib-dynamodb');

/** What the handler sent during the current request. */
let capturing = false;
let sent = [];
let eslWrites = [];

// The functions' DynamoDB commands: DynamoDBDocumentClient.send (documents) and DynamoDBClient.send (raw).
for (const Client of [DynamoDBDocumentClient, DynamoDBClient]) {
  const original = Client.prototype.send;
  Client.prototype.send = function send(command, ...rest) {
    if (capturing && this !== bareDocuments && this !== bareRaw)
      sent.push({ documents: this instanceof DynamoDBDocumentClient, command, at: performance.now() });
    return original.call(this, command, ...rest);
  };
}
// The recordings function's Event Socket commands, as written to the media server's port.
// Whether a socket goes to the media server is asked once per socket (remotePort is a system call), so
// the capture adds next to nothing to the CPU it measures.
const write = Socket.prototype.write;
const toMediaServer = Symbol('toMediaServer');
Socket.prototype.write = function eslWrite(chunk, ...rest) {
  if (capturing) {
    this[toMediaServer] ??= plan.eslPort !== undefined && this.remotePort === plan.eslPort;
    if (this[toMediaServer] && this !== floorEsl?.socket)
      eslWrites.push({
        command: typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'),
        at: performance.now(),
      });
  }
  return write.call(this, chunk, ...rest);
};

const bareRaw = new DynamoDBClient({});
const bareDocuments = DynamoDBDocumentClient.from(bareRaw);
const floorEsl = plan.floorEsl ? await eslConnection(plan.floorEsl) : undefined;

/** The same input addressed to the twin table. */
function toTwin(value) {
  if (Array.isArray(value)) return value.map(toTwin);
  if (value === null || typeof value !== 'object' || value instanceof Uint8Array) return value;
  const out = {};
  for (const [key, inner] of Object.entries(value)) {
    if (key === 'TableName' && inner === plan.table) out[key] = plan.twinTable;
    else if (key === 'RequestItems') out[key] = { [plan.twinTable]: toTwin(inner[plan.table]) };
    else out[key] = toTwin(inner);
  }
  return out;
}

/** A kept, authenticated Event Socket connection whose `send` writes a command and reads its reply. */
async function eslConnection({ host, port, password }) {
  const socket = connect(port, host);
  socket.setNoDelay(true);
  let buffer = '';
  let waiting;
  socket.on('data', (data) => {
    buffer += data.toString('utf8');
    waiting?.();
  });
  /** Reads one message: headers, then Content-Length bytes of body if any. */
  const readMessage = async () => {
    for (;;) {
      const end = buffer.indexOf('\n\n');
      if (end !== -1) {
        const length = Number(/Content-Length: (\d+)/.exec(buffer.slice(0, end))?.[1] ?? 0);
        if (buffer.length >= end + 2 + length) {
          const message = buffer.slice(0, end + 2 + length);
          buffer = buffer.slice(end + 2 + length);
          return message;
        }
      }
      await new Promise((resolve) => {
        waiting = resolve;
      });
    }
  };
  await readMessage(); // auth/request
  socket.write(`auth ${password}\n\n`);
  await readMessage();
  return {
    socket,
    async send(command) {
      socket.write(command);
      return readMessage();
    },
  };
}

/** How long to wait, at least, before pacing a call: shorter gaps are replayed back to back. */
const PACE_MIN_MS = 2;

async function floorCalls(calls, esl, webhook) {
  // In the order and with the pauses the function made them: a stop waits for the media pipeline between
  // its reads, and a call made after a pause costs more CPU than one made straight after another (colder
  // caches, idle sockets), so replaying them back to back would flatter the floor.
  const timeline = [
    ...calls.map((call) => ({ ...call, kind: 'dynamodb' })),
    ...esl.map((write) => ({ ...write, kind: 'esl' })),
  ].sort((a, b) => a.at - b.at);
  const origin = timeline[0]?.at ?? 0;
  const replayStart = performance.now();
  for (const item of timeline) {
    const wait = replayStart + (item.at - origin) - performance.now();
    if (wait >= PACE_MIN_MS) await new Promise((resolve) => setTimeout(resolve, wait));
    if (item.kind === 'esl') {
      // The twin media server records to its own directory, never over the function's file.
      await floorEsl.send(item.command.replaceAll(plan.eslPathFrom, plan.eslPathTo));
      continue;
    }
    const twin = new item.command.constructor(toTwin(item.command.input));
    try {
      await (item.documents ? bareDocuments : bareRaw).send(twin);
    } catch {
      // A condition that held for the function but not on the twin: still a round trip made and parsed.
    }
  }
  if (webhook) {
    const timestamp = Math.floor(Date.now() / 1000);
    const signature = createHmac('sha256', plan.webhookSecret)
      .update(`${timestamp}.${webhook}`)
      .digest('hex');
    const res = await fetch(plan.receiverUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-signature': `t=${timestamp},v1=${signature}` },
      body: webhook,
    });
    await res.arrayBuffer();
  }
}

const context = { awsRequestId: 'warm-cpu', getRemainingTimeInMillis: () => 30_000 };
const { handler } = await import(pathToFileURL(bundle).href);
const ok = (result) =>
  result?.batchItemFailures ? result.batchItemFailures.length === 0 : result?.statusCode === 200;
const cpuMs = (since) => {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
};

const ours = {};
const floor = {};
for (const [i, sample] of plan.samples.entries()) {
  for (const step of sample) {
    capturing = true;
    sent = [];
    eslWrites = [];
    const cpu = process.cpuUsage();
    const result = await handler(step.event, context);
    const used = cpuMs(cpu);
    capturing = false;
    if (!ok(result))
      throw new Error(
        `${step.name} answered ${result?.statusCode ?? JSON.stringify(result)}: ${result?.body}`,
      );
    const calls = sent;
    const esl = eslWrites;
    const floorCpu = process.cpuUsage();
    await floorCalls(calls, esl, step.webhookBody);
    const floorUsed = cpuMs(floorCpu);
    // The first samples warm both paths (JIT, connections, the opened-secret cache): not counted.
    if (i < plan.warmup) continue;
    ours[step.name] = [...(ours[step.name] ?? []), used];
    floor[step.name] = [...(floor[step.name] ?? []), floorUsed];
    step.dynamodb = calls.length;
  }
}
const calls = Object.fromEntries(plan.samples.at(-1).map((step) => [step.name, step.dynamodb]));
floorEsl?.socket.destroy();
process.stdout.write(`${JSON.stringify({ ours, floor, calls })}\n`);
process.exit(0);
