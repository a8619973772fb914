import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createFreeSwitchProvider } from '../../shared/adapters/freeswitch/freeswitch-provider.ts';
import { ProviderError } from '../../shared/recordings/errors.ts';
import type { ProviderRecordingRequest } from '../../shared/recordings/ports.ts';
import { type FakeFreeSwitch, startFakeFreeSwitch } from '../support/fakes/fake-freeswitch.ts';

const UUID = '5d3f1c2a-8b7e-4f10-a1b2-c3d4e5f60718';
const request: ProviderRecordingRequest = {
  providerCallId: UUID,
  recordingId: 'rec_call_1',
  callId: 'call_1',
  customerId: 'cust_1',
  applicationId: 'app_1',
};

let freeswitch: FakeFreeSwitch;
const providerOn = (port: number, overrides: { password?: string; timeoutMs?: number } = {}) =>
  createFreeSwitchProvider({
    host: '127.0.0.1',
    port,
    password: overrides.password ?? 'ClueCon',
    timeoutMs: overrides.timeoutMs ?? 2000,
    recordingPathTemplate: '/recordings/{customer_id}/{call_id}/{recording_id}.wav',
    recordingUrlTemplate: 'https://media.test/{call_id}/{recording_id}.wav',
  });

async function failureOf(promise: Promise<unknown>): Promise<ProviderError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof ProviderError)) throw new Error(`expected a ProviderError, got ${String(error)}`);
  return error;
}

beforeAll(async () => {
  freeswitch = await startFakeFreeSwitch('ClueCon');
});
afterAll(async () => {
  await freeswitch.close();
});
beforeEach(() => {
  freeswitch.setFault(undefined);
  freeswitch.setRefuseAuth(false);
  freeswitch.addChannel(UUID);
});

describe('createFreeSwitchProvider', () => {
  it('starts recording with uuid_record start and the rendered path', async () => {
    await providerOn(freeswitch.port).startRecording(request);

    expect(freeswitch.commands.at(-1)).toBe(
      `uuid_record ${UUID} start /recordings/cust_1/call_1/rec_call_1.wav`,
    );
    expect(freeswitch.isRecording(UUID)).toBe(true);
  });

  it('returns the length and size FreeSWITCH measured on stop', async () => {
    const provider = providerOn(freeswitch.port);
    await provider.startRecording(request);
    await new Promise((resolve) => setTimeout(resolve, 1600));
    const media = await provider.stopRecording(request);

    expect(media).toEqual({
      file_url: 'https://media.test/call_1/rec_call_1.wav',
      duration_seconds: expect.any(Number),
      size_bytes: expect.any(Number),
    });
    expect(media.duration_seconds).toBeGreaterThanOrEqual(2);
    expect(media.duration_seconds).toBeLessThanOrEqual(3);
    expect(media.size_bytes).toBeGreaterThanOrEqual(44 + 1600 * 16);
    expect(media.size_bytes).toBeLessThan(44 + 3000 * 16);
  });

  it('reports zero length when FreeSWITCH has no record variables', async () => {
    freeswitch.setFault((command) =>
      command.startsWith('uuid_getvar') ? { kind: 'err', text: '_undef_' } : undefined,
    );
    const provider = providerOn(freeswitch.port);
    await provider.startRecording(request);
    const media = await provider.stopRecording(request);

    expect(media).toEqual({
      file_url: 'https://media.test/call_1/rec_call_1.wav',
      duration_seconds: 0,
      size_bytes: 0,
    });
  });

  it('fails as rejected when FreeSWITCH answers -ERR', async () => {
    const error = await failureOf(
      providerOn(freeswitch.port).startRecording({ ...request, providerCallId: 'unknown-channel' }),
    );

    expect([error.reason, error.message]).toEqual([
      'rejected',
      'FreeSWITCH answered "-ERR Cannot locate session!" to "uuid_record"',
    ]);
  });

  it('fails as rejected when the event socket password is wrong', async () => {
    const error = await failureOf(providerOn(freeswitch.port, { password: 'wrong' }).startRecording(request));

    expect([error.reason, error.message]).toEqual([
      'rejected',
      'FreeSWITCH refused the event socket password',
    ]);
  });

  it('fails as refused when nothing listens on the port', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));

    const error = await failureOf(providerOn(port).startRecording(request));

    expect([error.reason, error.message]).toEqual(['refused', 'event socket error: ECONNREFUSED']);
  });

  it('fails as timeout when FreeSWITCH answers too slowly', async () => {
    freeswitch.setFault(() => ({ kind: 'delay', ms: 800 }));
    const error = await failureOf(providerOn(freeswitch.port, { timeoutMs: 300 }).startRecording(request));

    expect([error.reason, error.message]).toEqual(['timeout', 'no answer from FreeSWITCH within 300 ms']);
  });

  it('fails as timeout when FreeSWITCH hangs in the middle of a reply', async () => {
    freeswitch.setFault(() => ({ kind: 'hang-mid-reply' }));
    const error = await failureOf(providerOn(freeswitch.port, { timeoutMs: 300 }).startRecording(request));

    expect(error.reason).toBe('timeout');
  });

  it('fails as protocol when the connection drops before the reply', async () => {
    freeswitch.setFault(() => ({ kind: 'drop' }));
    const error = await failureOf(providerOn(freeswitch.port).startRecording(request));

    expect([error.reason, error.message]).toEqual([
      'protocol',
      'event socket closed before FreeSWITCH answered',
    ]);
  });

  it('refuses a provider call id that is not a channel uuid without sending it', async () => {
    const before = freeswitch.commands.length;
    const error = await failureOf(
      providerOn(freeswitch.port).startRecording({ ...request, providerCallId: `${UUID}\n\napi shutdown` }),
    );

    expect([error.reason, freeswitch.commands.length]).toEqual(['rejected', before]);
  });
});
