import { once } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRecordingFileHandler } from '../../scripts/local/recording-file-server.ts';
import { createSimulatedMediaServer } from '../../shared/adapters/simulated/simulated-media-server.ts';
import type { Clock } from '../../shared/kernel/clock.ts';
import { ProviderError } from '../../shared/recordings/errors.ts';
import type { ProviderRecordingRequest } from '../../shared/recordings/ports.ts';

let directory: string;
let server: Server;
let baseUrl: string;
let nowMs = Date.parse('2026-11-24T10:00:00Z');
const clock: Clock = { now: () => new Date(nowMs), sleep: async () => undefined };
const request: ProviderRecordingRequest = {
  providerCallId: 'sim-channel-1',
  recordingId: 'rec_call_1',
  callId: 'call_1',
  customerId: 'cust_1',
  applicationId: 'app_1',
};

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'minivoice-sim-'));
  const serveFile = createRecordingFileHandler(directory);
  server = createServer(async (req, res) => {
    if (!(await serveFile(req, res))) res.writeHead(404).end();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/recordings`;
});

afterAll(async () => {
  server.close();
  await rm(directory, { recursive: true, force: true });
});

describe('createSimulatedMediaServer', () => {
  it('writes an 8 kHz 16-bit mono WAV as long as the recording and serves it at file_url', async () => {
    const media = createSimulatedMediaServer({ directory, baseUrl, clock });
    await media.startRecording(request);
    nowMs += 2500;
    const result = await media.stopRecording(request);

    expect(result).toEqual({
      file_url: `${baseUrl}/cust_1/call_1/rec_call_1.wav`,
      duration_seconds: 3,
      size_bytes: 44 + 2500 * 8 * 2,
    });
    const response = await fetch(result.file_url);
    const bytes = Buffer.from(await response.arrayBuffer());
    expect([response.status, response.headers.get('content-type'), bytes.length]).toEqual([
      200,
      'audio/wav',
      40_044,
    ]);
    expect({
      riff: bytes.toString('ascii', 0, 4),
      wave: bytes.toString('ascii', 8, 12),
      format: bytes.readUInt16LE(20),
      channels: bytes.readUInt16LE(22),
      sampleRate: bytes.readUInt32LE(24),
      bits: bytes.readUInt16LE(34),
      dataBytes: bytes.readUInt32LE(40),
    }).toEqual({
      riff: 'RIFF',
      wave: 'WAVE',
      format: 1,
      channels: 1,
      sampleRate: 8000,
      bits: 16,
      dataBytes: 40_000,
    });
  });

  it('keeps channel state on disk so a stop in another process finds the start', async () => {
    const starter = createSimulatedMediaServer({ directory, baseUrl, clock });
    await starter.startRecording({ ...request, providerCallId: 'sim-channel-2', recordingId: 'rec_call_2' });
    nowMs += 1000;
    const stopper = createSimulatedMediaServer({ directory, baseUrl, clock });
    const result = await stopper.stopRecording({
      ...request,
      providerCallId: 'sim-channel-2',
      recordingId: 'rec_call_2',
    });

    expect(result.duration_seconds).toBe(1);
    expect((await readFile(join(directory, 'cust_1/call_1/rec_call_1.wav'))).length).toBe(40_044);
  });

  it('refuses a second start on a recording channel', async () => {
    const media = createSimulatedMediaServer({ directory, baseUrl, clock });
    await media.startRecording({ ...request, providerCallId: 'sim-channel-3' });

    await expect(
      media.startRecording({ ...request, providerCallId: 'sim-channel-3' }),
    ).rejects.toBeInstanceOf(ProviderError);
  });

  it('refuses a stop on a channel that is not recording', async () => {
    const media = createSimulatedMediaServer({ directory, baseUrl, clock });

    await expect(media.stopRecording({ ...request, providerCallId: 'sim-channel-4' })).rejects.toBeInstanceOf(
      ProviderError,
    );
  });
});

describe('createRecordingFileHandler', () => {
  it('answers 404 to a path outside the recordings directory', async () => {
    const response = await fetch(`${baseUrl}/..%2F..%2Fetc%2Fpasswd`);
    expect(response.status).toBe(404);
  });

  it('answers 405 to a write', async () => {
    const response = await fetch(`${baseUrl}/cust_1/call_1/rec_call_1.wav`, { method: 'DELETE' });
    expect([response.status, response.headers.get('allow')]).toEqual([405, 'GET, HEAD']);
  });
});
