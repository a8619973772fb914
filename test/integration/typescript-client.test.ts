import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createMiniVoiceClient,
  MiniVoiceApiError,
  type MiniVoiceClient,
} from '../../examples/typescript-client/client.ts';
import { runDemo } from '../../examples/typescript-client/demo.ts';
import { type ApiLambda, createLocalApiServer } from '../../scripts/local/local-api-server.ts';
import { createWebhookInspector } from '../../scripts/local/webhook-inspector.ts';
import { createServiceHarness, type ServiceHarness } from '../support/service-harness.ts';

// The typed client example (examples/typescript-client) over HTTP against `npm start`'s front door in
// front of the real recordings handler and the emulators: what `npm run example:client` does.
let h: ServiceHarness;
let server: Server;
let client: MiniVoiceClient;

beforeAll(async () => {
  h = await createServiceHarness();
  server = createLocalApiServer({
    apiHandler: h.handler as unknown as ApiLambda,
    inspector: createWebhookInspector(async () => undefined),
    onError: () => undefined,
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  client = createMiniVoiceClient({ baseUrl, apiKey: h.tenant.apiKey });
});
afterAll(async () => {
  server.close();
  await h.close();
});

describe('the typed client example', () => {
  it('starts, lists, stops, reads and links a recording, and reads an error answer', async () => {
    const call = await h.newCall();
    const lines: string[] = [];

    await runDemo(client, call.id, (line) => lines.push(line));

    const id = `rec_${call.id}`;
    expect(lines).toEqual([
      `started ${id}: started`,
      'the call has 1 recording(s); next_cursor null',
      expect.stringMatching(new RegExp(`^stopped ${id}: completed, \\d+ s, \\d+ bytes$`)),
      `read ${id}: completed, stored in s3`,
      expect.stringMatching(/^download link \(60 s\): http:\/\/127\.0\.0\.1:\d+\/…$/),
      expect.stringMatching(/^a second stop: 404 recording_not_started \(request .+\)$/),
      expect.stringMatching(/^webhook endpoint .+: active$/),
    ]);
  });

  it('raises the API error with its status, code and request id', async () => {
    const error = await client.getRecording('rec_call_nosuchcall').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MiniVoiceApiError);
    expect(error).toMatchObject({ status: 404, code: 'recording_not_found', requestId: expect.any(String) });
  });
});
