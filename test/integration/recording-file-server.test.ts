import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRecordingFileHandler } from '../../scripts/local/recording-file-server.ts';
import { writeRecording } from '../../scripts/local/simulated-freeswitch/wav.ts';

let directory: string;
let server: Server;
let baseUrl: string;

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'minivoice-files-'));
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

describe('createRecordingFileHandler', () => {
  it('serves a recorded 8 kHz 16-bit mono WAV', async () => {
    await writeRecording(join(directory, 'cust_1/call_1/rec_call_1.wav'), 20_000);
    const response = await fetch(`${baseUrl}/cust_1/call_1/rec_call_1.wav`);
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

  it('answers 404 to a path outside the recordings directory', async () => {
    const response = await fetch(`${baseUrl}/..%2F..%2Fetc%2Fpasswd`);
    expect(response.status).toBe(404);
  });

  it('answers 405 to a write', async () => {
    const response = await fetch(`${baseUrl}/cust_1/call_1/rec_call_1.wav`, { method: 'DELETE' });
    expect([response.status, response.headers.get('allow')]).toEqual([405, 'GET, HEAD']);
  });
});
