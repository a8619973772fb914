import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { SimulatedFreeSwitch } from '../../scripts/local/simulated-freeswitch/server.ts';
import { createEslPool } from '../../shared/adapters/freeswitch/esl-pool.ts';
import { createMediaServer } from '../../shared/adapters/freeswitch/freeswitch-config.ts';
import { ProviderError } from '../../shared/recordings/errors.ts';
import type { ProviderRecordingRequest } from '../../shared/recordings/ports.ts';
import type { RecordingFiles } from '../../shared/recordings/recording-files.ts';
import { providerFor, startTestFreeSwitch } from '../support/media-server.ts';

// The functions keep their Event Socket connections across invocations of a warm container: one
// authentication for many operations, a connection replaced when it is found dropped, stale or deaf,
// concurrent operations never sharing one, and no command ever sent twice.
let freeswitch: SimulatedFreeSwitch;
let files: RecordingFiles;
let pathTemplate: string;
let counter = 0;

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** A recording of a fresh channel (its own call). */
function newRequest(): ProviderRecordingRequest {
  counter += 1;
  return {
    providerCallId: freeswitch.addChannel(),
    recordingId: `rec_call_reuse${counter}`,
    callId: `call_reuse${counter}`,
    customerId: 'cust_1',
    applicationId: 'app_1',
  };
}
/** The connections and authentications the switch saw since `before`. */
const since = (before: SimulatedFreeSwitch['counts']) => {
  const now = freeswitch.counts;
  return {
    connections: now.connections - before.connections,
    authentications: now.authentications - before.authentications,
  };
};
const sent = (command: string) => freeswitch.commands.filter((c) => c === command).length;
const startOf = (request: ProviderRecordingRequest) =>
  `uuid_record ${request.providerCallId} start ${files.pathOf(request)}`;

beforeAll(async () => {
  ({ freeswitch, files, pathTemplate } = await startTestFreeSwitch());
});
afterAll(async () => {
  await freeswitch.close();
});
beforeEach(() => {
  freeswitch.setFault(undefined);
});

describe("the functions' Event Socket connections", () => {
  it('authenticate once for every operation of a warm container', async () => {
    const { provider } = await createMediaServer({
      ESL_NODES: [{ name: 'fs-test', host: '127.0.0.1', port: freeswitch.port }],
      ESL_PASSWORD: freeswitch.password,
      ESL_TIMEOUT_MS: 2000,
      RECORDING_PATH_TEMPLATE: pathTemplate,
    });
    const before = freeswitch.counts;
    const first = newRequest();
    const second = newRequest();

    await provider.startRecording(first);
    expect(await provider.isRecording(first)).toBe(true);
    expect(await provider.stopRecording(first)).toEqual({ kind: 'stopped', facts: expect.any(Object) });
    await provider.startRecording(second);
    await provider.stopFile({
      mediaNode: 'fs-test',
      channelUuid: second.providerCallId,
      path: files.pathOf(second),
    });

    expect(since(before)).toEqual({ connections: 1, authentications: 1 });
  });

  it('replace a connection the media server dropped, sending the next command once on a fresh one', async () => {
    const provider = providerFor(freeswitch, files);
    await provider.startRecording(newRequest());
    const before = freeswitch.counts;

    freeswitch.dropCommandConnections();
    await pause(50);
    const request = newRequest();
    await provider.startRecording(request);

    expect([since(before), sent(startOf(request)), freeswitch.recordings(request.providerCallId)]).toEqual([
      { connections: 1, authentications: 1 },
      1,
      [files.pathOf(request)],
    ]);
  });

  it('check a connection idle for a while before trusting it, and keep it when it answers', async () => {
    const provider = providerFor(freeswitch, files, { checkAfterIdleMs: 100 });
    await provider.startRecording(newRequest());
    const before = freeswitch.counts;
    const checks = sent('global_getvar core_uuid');

    await pause(150);
    await provider.startRecording(newRequest());

    expect([since(before), sent('global_getvar core_uuid') - checks]).toEqual([
      { connections: 0, authentications: 0 },
      1,
    ]);
  });

  it('replace an idle connection whose check goes unanswered (the network forgot it), then send the command once', async () => {
    const provider = providerFor(freeswitch, files, { checkAfterIdleMs: 100, checkTimeoutMs: 200 });
    await provider.startRecording(newRequest());
    await pause(150);
    freeswitch.loseConnections();
    const before = freeswitch.counts;

    const request = newRequest();
    await provider.startRecording(request);

    expect([since(before), sent(startOf(request)), freeswitch.recordings(request.providerCallId)]).toEqual([
      { connections: 1, authentications: 1 },
      1,
      [files.pathOf(request)],
    ]);
  });

  it('close a connection idle past its age limit and open a fresh one without checking it', async () => {
    const provider = providerFor(freeswitch, files, { checkAfterIdleMs: 50, maxIdleMs: 100 });
    await provider.startRecording(newRequest());
    await pause(150);
    const before = freeswitch.counts;
    const checks = sent('global_getvar core_uuid');

    await provider.startRecording(newRequest());

    expect([since(before), sent('global_getvar core_uuid') - checks]).toEqual([
      { connections: 1, authentications: 1 },
      0,
    ]);
  });

  it('give concurrent operations a connection each, so a lost reply fails only its own operation', async () => {
    const provider = providerFor(freeswitch, files, { timeoutMs: 500 });
    const requests = [newRequest(), newRequest(), newRequest(), newRequest()];
    const lost = requests[1] as ProviderRecordingRequest;
    freeswitch.setFault((command) =>
      command === startOf(lost)
        ? { kind: 'no-reply' }
        : command.startsWith('uuid_record')
          ? { kind: 'late', ms: 100 }
          : undefined,
    );
    const before = freeswitch.counts;

    const outcomes = await Promise.all(
      requests.map((request) =>
        provider.startRecording(request).then(
          () => 'started',
          (error: unknown) => (error instanceof ProviderError ? error.reason : String(error)),
        ),
      ),
    );

    expect([outcomes, since(before).authentications]).toEqual([
      ['started', 'no_reply', 'started', 'started'],
      4,
    ]);
  });

  it('make operations beyond the connection limit wait for a free connection', async () => {
    const provider = providerFor(freeswitch, files, { maxConnections: 1 });
    freeswitch.setFault((command) =>
      command.startsWith('uuid_record') ? { kind: 'late', ms: 50 } : undefined,
    );
    const requests = [newRequest(), newRequest(), newRequest()];
    const before = freeswitch.counts;

    await Promise.all(requests.map((request) => provider.startRecording(request)));

    expect([since(before), requests.map((r) => sent(startOf(r)))]).toEqual([
      { connections: 1, authentications: 1 },
      [1, 1, 1],
    ]);
  });

  it('never send a command twice: a reply lost with its connection fails as no_reply, and the next operation opens a fresh one', async () => {
    const provider = providerFor(freeswitch, files);
    await provider.startRecording(newRequest());
    const lost = newRequest();
    freeswitch.setFault((command) => (command === startOf(lost) ? { kind: 'disconnect' } : undefined));
    const before = freeswitch.counts;

    const error = await provider.startRecording(lost).catch((e: unknown) => e);
    freeswitch.setFault(undefined);
    const next = newRequest();
    await provider.startRecording(next);

    expect([
      error instanceof ProviderError && error.reason,
      sent(startOf(lost)),
      freeswitch.recordings(lost.providerCallId),
      since(before),
    ]).toEqual(['no_reply', 1, [files.pathOf(lost)], { connections: 1, authentications: 1 }]);
  });

  it('never let the next operation read the late reply of an operation that timed out', async () => {
    const pool = createEslPool(
      { host: '127.0.0.1', port: freeswitch.port, password: freeswitch.password },
      { timeoutMs: 1000, maxConnections: 1 },
    );
    const channel = freeswitch.addChannel();
    // The first reply comes 200 ms after its operation gave up, while the next operation (on the only
    // connection the pool may have) still waits for its own, 600 ms late: on a reused connection the
    // next operation would take the first reply ("true") for its own.
    freeswitch.setFault((command) =>
      command === `uuid_exists ${channel}`
        ? { kind: 'late', ms: 1200 }
        : command === 'uuid_exists no-such-channel'
          ? { kind: 'late', ms: 600 }
          : undefined,
    );
    const before = freeswitch.counts;

    const first = await pool
      .run((esl) => esl.api(`uuid_exists ${channel}`))
      .catch((error: unknown) => (error instanceof ProviderError ? error.reason : String(error)));
    const next = await pool.run((esl) => esl.api('uuid_exists no-such-channel'));
    pool.close();

    expect([first, next, sent('uuid_exists no-such-channel'), since(before)]).toEqual([
      'no_reply',
      'false',
      1,
      { connections: 2, authentications: 2 },
    ]);
  });

  it('let a script end once its work is done, though a connection is kept', async () => {
    const script = `
      const { createMediaServer } = await import(${JSON.stringify(join(import.meta.dirname, '../../shared/adapters/freeswitch/freeswitch-config.ts'))});
      const { provider } = await createMediaServer({
        ESL_NODES: [{ name: 'fs-test', host: '127.0.0.1', port: ${freeswitch.port} }],
        ESL_PASSWORD: ${JSON.stringify(freeswitch.password)},
        ESL_TIMEOUT_MS: 2000,
        RECORDING_PATH_TEMPLATE: ${JSON.stringify(pathTemplate)},
      });
      console.log(await provider.isRecording({ providerCallId: 'no-such-channel', recordingId: 'rec_call_x', callId: 'call_x', customerId: 'cust_1', applicationId: 'app_1' }));
    `;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    const code = await new Promise<number | null>((resolve) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        resolve(null);
      }, 15_000);
      child.once('exit', (exit) => {
        clearTimeout(timer);
        resolve(exit);
      });
    });

    expect([code, output.trim()]).toEqual([0, 'false']);
  });
});
