import { mkdtemp } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readTranscript } from '../../scripts/local/simulated-freeswitch/captured-events.ts';
import { startSimulatedFreeSwitch } from '../../scripts/local/simulated-freeswitch/server.ts';
import { createNormaliser } from '../../scripts/local/simulated-freeswitch/wire-comparison.ts';

// Every session captured from a real FreeSWITCH (../shared/notes/freeswitch-transcripts, copied to the
// simulator's captures/) is replayed against the simulator: the client's bytes as they were sent, each
// once the simulator has sent as many messages as FreeSWITCH had by then. What the simulator sends back
// must be what FreeSWITCH sent, byte for byte, once the values that must differ are normalised: uuids
// (numbered by first appearance), times, counters, durations and recorded lengths, by header name
// (PER_RUN_VALUES in wire-comparison.ts), `uuid_getvar … record_*` and `status` numbers, and so every
// Content-Length. The captured files lived under /srv/fs/; the simulator records under a directory of
// its own, written back as /srv/fs/ before comparing.
const TRANSCRIPTS = [
  '01a_auth_wrong_password',
  '01b_auth_ok',
  '02_record_start_stop_basic',
  '03_hangup_while_recording',
  '04_error_cases',
  '05_limit_reached',
  '06_pause_resume_mask_effects',
  '07_originate_9664_bgapi_json',
  '08_a_leg_playback_vs_park',
];
const CAPTURED_ROOT = '/srv/fs/';
// Long enough for the slowest thing a step waits for: a playback leg hanging up by itself (2.26 s).
const STEP_TIMEOUT_MS = 5000;

/** A bare Event Socket client: collects every framed message as text, and can close its side. */
async function connectClient(port: number) {
  const socket = connect({ host: '127.0.0.1', port });
  const messages: string[] = [];
  let buffer = Buffer.alloc(0);
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  socket.on('data', (chunk: Buffer) => {
    buffer = Buffer.concat([buffer, chunk]);
    for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
      const length = Number(/^Content-Length: (\d+)$/m.exec(buffer.subarray(0, end).toString())?.[1] ?? 0);
      if (buffer.length < end + 2 + length) return;
      messages.push(buffer.subarray(0, end + 2 + length).toString('utf8'));
      buffer = buffer.subarray(end + 2 + length);
    }
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  return {
    messages,
    closed,
    write: (text: string) => socket.write(text),
    end: () => socket.end(),
    /** Waits until `count` messages have arrived (or the step's time is up: the comparison then shows it). */
    async waitFor(count: number) {
      const until = Date.now() + STEP_TIMEOUT_MS;
      while (messages.length < count && Date.now() < until) await new Promise((r) => setTimeout(r, 5));
    },
  };
}

/** Replays a transcript's client side against a fresh simulator; returns what it sent back. */
async function replay(name: string) {
  const root = await mkdtemp(join(tmpdir(), 'minivoice-fs-replay-'));
  const freeswitch = await startSimulatedFreeSwitch({
    hostname: 'vm',
    soundsDir: join(root, 'install/share/freeswitch/sounds/en/us/callie'),
  });
  const client = await connectClient(freeswitch.port);
  let received = 0;
  for (const entry of readTranscript(`${name}.txt`)) {
    if (entry.direction === 'received') {
      received += 1;
      continue;
    }
    await client.waitFor(received);
    client.write(entry.bytes.toString('utf8').split(CAPTURED_ROOT).join(`${root}/`));
  }
  // Every session ended with the disconnect notice; the recorder had closed its side for the last ones.
  await client.waitFor(received - 1);
  client.end();
  await client.closed;
  await freeswitch.close();
  return { messages: client.messages, root };
}

/** A session's messages normalised; each reply is told the command it answers (replies come in order). */
function normalised(messages: string[], commands: string[], paths: [string, string][] = []): string[] {
  const normalise = createNormaliser(paths);
  const waiting = [...commands];
  return messages.map((message) => {
    const type = /^Content-Type: (.*)$/m.exec(message)?.[1];
    const answers = type === 'api/response' || type === 'command/reply' ? waiting.shift() : undefined;
    return normalise(message, answers);
  });
}

describe('the simulated FreeSWITCH against the captured sessions', () => {
  it.concurrent.each(TRANSCRIPTS)('answers the client of %s as FreeSWITCH did', async (name) => {
    const transcript = readTranscript(`${name}.txt`);
    const commands = transcript
      .filter((entry) => entry.direction === 'sent')
      .map((entry) => entry.bytes.toString('utf8').slice(0, -2));
    const captured = transcript
      .filter((entry) => entry.direction === 'received')
      .map((entry) => entry.bytes.toString('utf8'));

    const { messages, root } = await replay(name);

    expect(normalised(messages, commands, [[`${root}/`, CAPTURED_ROOT]])).toEqual(
      normalised(captured, commands),
    );
  });
});
