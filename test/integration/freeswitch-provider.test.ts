import { readFile, stat } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { SimulatedFreeSwitch } from '../../scripts/local/simulated-freeswitch/server.ts';
import { ProviderError } from '../../shared/recordings/errors.ts';
import type { ProviderRecordingRequest } from '../../shared/recordings/ports.ts';
import type { RecordingFiles } from '../../shared/recordings/recording-files.ts';
import { providerFor, startTestFreeSwitch } from '../support/media-server.ts';

let freeswitch: SimulatedFreeSwitch;
let files: RecordingFiles;
let request: ProviderRecordingRequest;
let uuid: string;

async function failureOf(promise: Promise<unknown>): Promise<ProviderError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof ProviderError)) throw new Error(`expected a ProviderError, got ${String(error)}`);
  return error;
}
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
  ({ freeswitch, files } = await startTestFreeSwitch());
});
afterAll(async () => {
  await freeswitch.close();
});
beforeEach(() => {
  freeswitch.setFault(undefined);
  freeswitch.setRefuseAuth(false);
  uuid = freeswitch.addChannel();
  request = {
    providerCallId: uuid,
    recordingId: 'rec_call_1',
    callId: 'call_1',
    customerId: 'cust_1',
    applicationId: 'app_1',
  };
});

describe('createFreeSwitchProvider', () => {
  it('starts recording with uuid_record start and the rendered path', async () => {
    await providerFor(freeswitch, files).startRecording(request);

    expect(freeswitch.commands.at(-1)).toBe(`uuid_record ${uuid} start ${files.pathOf(request)}`);
    expect(freeswitch.recordings(uuid)).toEqual([files.pathOf(request)]);
  });

  it('stops the recording by its own path and returns the length and size of the file on disk', async () => {
    const provider = providerFor(freeswitch, files);
    await provider.startRecording(request);
    await pause(1600);
    const outcome = await provider.stopRecording(request);

    const onDisk = (await stat(files.pathOf(request))).size;
    expect(outcome).toEqual({
      kind: 'stopped',
      facts: { duration_ms: expect.any(Number), size_bytes: onDisk },
    });
    if (outcome.kind !== 'stopped') throw new Error('not stopped');
    expect(outcome.facts.duration_ms).toBe(((onDisk - 44) / 16_000) * 1000);
    expect(outcome.facts.duration_ms).toBeGreaterThanOrEqual(1600);
    expect(freeswitch.commands.at(-4)).toBe(`uuid_record ${uuid} stop ${files.pathOf(request)}`);
  });

  it('reports a file that is not recording, instead of failing, when stopped', async () => {
    expect(await providerFor(freeswitch, files).stopRecording(request)).toEqual({ kind: 'not_recording' });
  });

  it('reports a channel that has hung up as not recording, when stopped', async () => {
    const provider = providerFor(freeswitch, files);
    await provider.startRecording(request);
    freeswitch.hangup(uuid);

    expect(await provider.stopRecording(request)).toEqual({ kind: 'not_recording' });
  });

  it('reports a file FreeSWITCH discarded under RECORD_MIN_SEC as discarded', async () => {
    freeswitch.setChannelVar(uuid, 'RECORD_MIN_SEC', '3');
    const provider = providerFor(freeswitch, files);
    await provider.startRecording(request);
    await pause(200);

    expect(await provider.stopRecording(request)).toEqual({ kind: 'discarded' });
    await expect(readFile(files.pathOf(request))).rejects.toThrow(/ENOENT/);
  });

  it('tells whether the recording is running from the channel media bugs', async () => {
    const provider = providerFor(freeswitch, files);

    expect(await provider.isRecording(request)).toBe(false);
    await provider.startRecording(request);
    expect(await provider.isRecording(request)).toBe(true);
    expect(await provider.isRecording({ ...request, providerCallId: 'no-such-channel' })).toBe(false);
  });

  it('stops one file of a channel without touching the others', async () => {
    const provider = providerFor(freeswitch, files);
    const other = { ...request, recordingId: 'rec_call_1_2' };
    await provider.startRecording(request);
    await provider.startRecording(other);

    const file = { mediaNode: 'fs-test', channelUuid: uuid, path: files.pathOf(request) };
    expect(await provider.stopFile(file)).toBe('stopped');
    expect(await provider.stopFile(file)).toBe('not_recording');
    expect(freeswitch.recordings(uuid)).toEqual([files.pathOf(other)]);
  });

  it('fails as rejected when FreeSWITCH answers -ERR', async () => {
    const error = await failureOf(
      providerFor(freeswitch, files).startRecording({ ...request, providerCallId: 'unknown-channel' }),
    );

    expect([error.reason, error.message]).toEqual([
      'rejected',
      'FreeSWITCH answered "-ERR Cannot locate session!" to "uuid_record"',
    ]);
  });

  it('fails as unreachable, sending nothing, when the event socket password is wrong', async () => {
    const before = freeswitch.commands.length;
    const error = await failureOf(
      providerFor(freeswitch, files, { password: 'wrong' }).startRecording(request),
    );

    expect([error.reason, error.message, freeswitch.commands.length]).toEqual([
      'unreachable',
      'FreeSWITCH refused the event socket password',
      before,
    ]);
  });

  it('fails as unreachable when nothing listens on the port', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));

    const error = await failureOf(providerFor(freeswitch, files, { port }).startRecording(request));

    expect([error.reason, error.message]).toEqual(['unreachable', 'event socket error: ECONNREFUSED']);
  });

  it('fails as no_reply when the reply comes too late, though FreeSWITCH carried the start out', async () => {
    freeswitch.setFault((command) =>
      command.startsWith('uuid_record') ? { kind: 'late', ms: 800 } : undefined,
    );
    const error = await failureOf(providerFor(freeswitch, files, { timeoutMs: 300 }).startRecording(request));

    expect([error.reason, error.message, error.uncertain]).toEqual([
      'no_reply',
      'no answer from FreeSWITCH within 300 ms',
      true,
    ]);
    expect(freeswitch.isRecording(uuid)).toBe(true);
  });

  it('fails as no_reply when FreeSWITCH never answers', async () => {
    freeswitch.setFault(() => ({ kind: 'no-reply' }));
    const error = await failureOf(providerFor(freeswitch, files, { timeoutMs: 300 }).startRecording(request));

    expect(error.reason).toBe('no_reply');
  });

  it('fails as no_reply when FreeSWITCH stops in the middle of a reply', async () => {
    freeswitch.setFault(() => ({ kind: 'cut-mid-reply' }));
    const error = await failureOf(providerFor(freeswitch, files, { timeoutMs: 300 }).startRecording(request));

    expect(error.reason).toBe('no_reply');
  });

  it('fails as no_reply when the connection drops before the reply', async () => {
    freeswitch.setFault(() => ({ kind: 'disconnect' }));
    const error = await failureOf(providerFor(freeswitch, files).startRecording(request));

    expect([error.reason, error.message]).toEqual(['no_reply', 'event socket closed']);
  });

  it('refuses a provider call id that is not a channel uuid without sending it', async () => {
    const before = freeswitch.commands.length;
    const error = await failureOf(
      providerFor(freeswitch, files).startRecording({
        ...request,
        providerCallId: `${uuid}\n\napi shutdown`,
      }),
    );

    expect([error.reason, freeswitch.commands.length]).toEqual(['rejected', before]);
  });
});
