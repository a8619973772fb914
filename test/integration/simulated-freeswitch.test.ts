import { randomUUID } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readCapture, readTranscript } from '../../scripts/local/simulated-freeswitch/captured-events.ts';
import type { SimulatedFreeSwitch } from '../../scripts/local/simulated-freeswitch/server.ts';
import { createNormaliser } from '../../scripts/local/simulated-freeswitch/wire-comparison.ts';
import { connectRaw, type RawMessage } from '../support/esl-test-client.ts';
import { startTestFreeSwitch } from '../support/media-server.ts';

// The simulator must behave as ../shared/notes/freeswitch-protocol.md and the captures beside it say.
// Events are compared with the captured ones whole (names, order, values, encoding), once the values
// that must differ are normalised by header name (wire-comparison.ts): uuids, times, counters, lengths.
// The simulator runs as host `vm`, the captured host's name.
let freeswitch: SimulatedFreeSwitch;
let directory: string;
let client: Awaited<ReturnType<typeof connectRaw>>;
let uuid: string;

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const apiBody = async (command: string) => (await client.ask(`api ${command}`)).body;
const events = (name?: string) =>
  client.messages.filter(
    (m) =>
      m.headers['Content-Type'] === 'text/event-plain' &&
      (!name || m.body.startsWith(`Event-Name: ${name}\n`)),
  );
const jsonEvents = (name: string) =>
  client.messages.filter(
    (m) => m.headers['Content-Type'] === 'text/event-json' && m.body.startsWith(`{"Event-Name":"${name}"`),
  );
const header = (message: RawMessage | undefined, name: string) =>
  decodeURIComponent(
    /^(?:.*\n)?NAME: (.*)$/m.exec(message?.body.replace(/NAME/g, '') ?? '')?.[1] ?? '',
  ).trim() || decodeURIComponent(new RegExp(`^${name}: (.*)$`, 'm').exec(message?.body ?? '')?.[1] ?? '');
const file = (name: string) => join(directory, 'rec', name);
/** Messages normalised as one session (uuids numbered across them), our paths written as the captured. */
const asCaptured = (messages: string[], paths: [string, string][] = []) => {
  const normalise = createNormaliser(paths);
  return messages.map((message) => normalise(message));
};
/** The events transcript 03 (a hangup while recording) received, as sent. */
const capturedHangup = () =>
  readTranscript('03_hangup_while_recording.txt')
    .filter(({ direction, bytes }) => direction === 'received' && bytes.includes('text/event-plain'))
    .map(({ bytes }) => bytes.toString('utf8'));

/** Waits until `count` events of this name have arrived. */
async function eventsOf(name: string, count: number, of: (name: string) => RawMessage[] = events) {
  const until = Date.now() + 3000;
  while (of(name).length < count && Date.now() < until) await pause(5);
  return of(name);
}

beforeAll(async () => {
  ({ freeswitch, directory } = await startTestFreeSwitch({ hostname: 'vm' }));
});
afterAll(async () => {
  await freeswitch.close();
});
beforeEach(async () => {
  freeswitch.setFault(undefined);
  client = await connectRaw(freeswitch.port);
  await client.waitFor(1);
  await client.ask('auth ClueCon');
  uuid = freeswitch.addChannel();
});

describe('simulated FreeSWITCH: framing and replies (captured)', () => {
  it('greets, accepts the password and refuses a wrong one with a disconnect notice', async () => {
    const other = await connectRaw(freeswitch.port);
    const [greeting] = await other.waitFor(1);
    const refused = await other.ask('auth wrong');
    await other.waitFor(3);

    expect(greeting?.raw).toBe('Content-Type: auth/request\n\n');
    expect(client.messages[1]?.raw).toBe('Content-Type: command/reply\nReply-Text: +OK accepted\n\n');
    expect(refused.raw).toBe('Content-Type: command/reply\nReply-Text: -ERR invalid\n\n');
    expect(other.messages[2]?.raw).toBe(
      'Content-Type: text/disconnect-notice\nContent-Length: 67\n\nDisconnected, goodbye.\nSee you at ClueCon! http://www.cluecon.com/\n',
    );
  });

  it('answers an unknown api command and an unknown socket command as FreeSWITCH does', async () => {
    expect((await client.ask('api no_such_command')).raw).toBe(
      'Content-Type: api/response\nContent-Length: 40\n\n-ERR no_such_command Command not found!\n',
    );
    expect((await client.ask('bogus')).raw).toBe(
      'Content-Type: command/reply\nReply-Text: -ERR command not found\n\n',
    );
  });

  it('enables a plain event listener and says goodbye on exit', async () => {
    expect((await client.ask('event plain RECORD_START RECORD_STOP CHANNEL_HANGUP_COMPLETE')).raw).toBe(
      'Content-Type: command/reply\nReply-Text: +OK event listener enabled plain\n\n',
    );
    const bye = await client.ask('exit');
    const [notice] = (await client.waitFor(client.messages.indexOf(bye) + 2)).slice(-1);

    expect(bye.raw).toBe('Content-Type: command/reply\nReply-Text: +OK bye\n\n');
    expect(notice?.headers['Content-Type']).toBe('text/disconnect-notice');
  });

  it.each([
    [
      'no arguments',
      'uuid_record',
      '-USAGE: <uuid> [start|stop|mask|unmask] <path> [<limit>] [<recording_vars>]\n',
    ],
    ['an unknown channel', 'uuid_record 0a0b stop /x.wav', '-ERR Cannot locate session!\n'],
    ['getvar of an unknown channel', 'uuid_getvar 0a0b record_ms', '-ERR No such channel!\n'],
    ['uuid_exists of an unknown channel', 'uuid_exists 0a0b', 'false'],
    ['uuid_kill of an unknown channel', 'uuid_kill 0a0b', '-ERR No such channel!\n'],
    // Not captured: mod_commands writes nothing for an unknown channel, and api_exec answers that so.
    ['uuid_buglist of an unknown channel', 'uuid_buglist 0a0b', '-ERR no reply\n'],
    ['uuid_buglist without a channel', 'uuid_buglist', '-USAGE: <uuid>\n'],
    [
      'originate to an endpoint not loaded',
      'originate nosuchendpoint/123 &park',
      '-ERR CHAN_NOT_IMPLEMENTED\n',
    ],
  ])('answers %s exactly', async (_name, command, body) => {
    expect(await apiBody(command)).toBe(body);
  });

  it('answers show channels with no channel in the exact empty form', async () => {
    const empty = await startTestFreeSwitch();
    const fresh = await connectRaw(empty.freeswitch.port);
    await fresh.waitFor(1);
    await fresh.ask('auth ClueCon');

    expect((await fresh.ask('api show channels as json')).body).toBe('{"row_count": 0}\n');
    fresh.close();
    await empty.freeswitch.close();
  });

  it("lists both legs of a call in show channels, every column of FreeSWITCH's channels table as text", async () => {
    const other = await startTestFreeSwitch({ hostname: 'vm' });
    const fresh = await connectRaw(other.freeswitch.port);
    await fresh.waitFor(1);
    await fresh.ask('auth ClueCon');
    const a = other.freeswitch.addChannel();
    const listing = (await fresh.ask('api show channels as json')).body;
    const { row_count, rows } = JSON.parse(listing) as { row_count: number; rows: Record<string, string>[] };
    const b = rows[1]?.uuid ?? '';
    const created = {
      created: expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/),
      created_epoch: expect.stringMatching(/^\d{10}$/),
    };
    const leg = (fields: Record<string, string>) => ({
      ip_addr: '',
      application_data: '',
      dialplan: 'xml',
      context: 'default',
      read_codec: 'L16',
      read_rate: '8000',
      read_bit_rate: '128000',
      write_codec: 'L16',
      write_rate: '8000',
      write_bit_rate: '128000',
      secure: '',
      hostname: 'vm',
      presence_id: '',
      presence_data: '',
      accountcode: '',
      callstate: 'ACTIVE',
      callee_direction: '',
      sent_callee_name: '',
      sent_callee_num: '',
      initial_ip_addr: '',
      initial_dest: '4440',
      initial_dialplan: 'xml',
      initial_context: 'default',
      dest: '4440',
      state: 'CS_EXECUTE',
      ...created,
      ...fields,
    });

    expect(listing.endsWith('}')).toBe(true);
    expect(row_count).toBe(2);
    expect(Object.keys(rows[0] ?? {})).toEqual([
      'uuid',
      'direction',
      'created',
      'created_epoch',
      'name',
      'state',
      'cid_name',
      'cid_num',
      'ip_addr',
      'dest',
      'application',
      'application_data',
      'dialplan',
      'context',
      'read_codec',
      'read_rate',
      'read_bit_rate',
      'write_codec',
      'write_rate',
      'write_bit_rate',
      'secure',
      'hostname',
      'presence_id',
      'presence_data',
      'accountcode',
      'callstate',
      'callee_name',
      'callee_num',
      'callee_direction',
      'call_uuid',
      'sent_callee_name',
      'sent_callee_num',
      'initial_cid_name',
      'initial_cid_num',
      'initial_ip_addr',
      'initial_dest',
      'initial_dialplan',
      'initial_context',
    ]);
    expect(rows).toEqual([
      leg({
        uuid: a,
        direction: 'outbound',
        name: 'loopback/4440-a',
        cid_name: 'Outbound Call',
        cid_num: '4440',
        application: 'park',
        callee_name: '',
        callee_num: '0000000000',
        call_uuid: a,
        initial_cid_name: 'Outbound Call',
        initial_cid_num: '4440',
      }),
      leg({
        uuid: b,
        direction: 'inbound',
        name: 'loopback/4440-b',
        cid_name: '',
        cid_num: '0000000000',
        application: 'playback',
        application_data: 'tone_stream://%(1000,0,440);loops=-1',
        callee_name: 'Outbound Call',
        callee_num: '4440',
        call_uuid: b,
        initial_cid_name: '',
        initial_cid_num: '0000000000',
      }),
    ]);
    fresh.close();
    await other.freeswitch.close();
  });
});

describe('simulated FreeSWITCH: recordings', () => {
  beforeEach(async () => {
    await client.ask('event plain RECORD_START RECORD_STOP CHANNEL_HANGUP_COMPLETE');
  });

  it('sends RECORD_START and RECORD_STOP as captured: header names, order, values and encoding', async () => {
    await apiBody(`uuid_record ${uuid} start ${file('names.wav')}`);
    await apiBody(`uuid_record ${uuid} stop ${file('names.wav')}`);
    const [start] = await eventsOf('RECORD_START', 1);
    const [stop] = await eventsOf('RECORD_STOP', 1);

    expect(
      asCaptured([start?.raw ?? '', stop?.raw ?? ''], [[file('names.wav'), '/srv/fs/rec/test.wav']]),
    ).toEqual(
      asCaptured([
        readCapture('raw_RECORD_START_plain.txt').raw,
        readCapture('raw_RECORD_STOP_plain_after_api_stop.txt').raw,
      ]),
    );
  });

  it('sends RECORD_START and RECORD_STOP as captured to a JSON listener: every header in order, values decoded', async () => {
    const playing = randomUUID();
    await apiBody(
      `originate {origination_uuid=${playing}}loopback/4440 &playback(tone_stream://%(1000,0,440);loops=-1)`,
    );
    await client.ask('event json RECORD_START RECORD_STOP');
    await apiBody(`uuid_record ${playing} start ${file('json.wav')}`);
    await apiBody(`uuid_record ${playing} stop ${file('json.wav')}`);
    const [start] = await eventsOf('RECORD_START', 1, jsonEvents);
    const [stop] = await eventsOf('RECORD_STOP', 1, jsonEvents);

    expect(
      asCaptured([start?.raw ?? '', stop?.raw ?? ''], [[file('json.wav'), '/srv/fs/rec/json.wav']]),
    ).toEqual(
      asCaptured([readCapture('raw_RECORD_START_json.txt').raw, readCapture('raw_RECORD_STOP_json.txt').raw]),
    );
  });

  it('frames events as FreeSWITCH does: length, type, then a body that ends with a blank line', async () => {
    await apiBody(`uuid_record ${uuid} start ${file('frame.wav')}`);
    const [start] = await eventsOf('RECORD_START', 1);

    expect(start?.raw.split('\n').slice(0, 2)).toEqual([
      `Content-Length: ${Buffer.byteLength(start?.body ?? '')}`,
      'Content-Type: text/event-plain',
    ]);
    expect(start?.body.endsWith(`Record-File-Path: ${file('frame.wav')}\n\n`)).toBe(true);
    expect(header(start, 'Unique-ID')).toBe(uuid);
    expect(header(start, 'Core-UUID')).toBe(freeswitch.coreUuid);
  });

  it('answers the command just before its event on one connection', async () => {
    client.send(`api uuid_record ${uuid} start ${file('order.wav')}`);
    const messages = await client.waitFor(client.messages.length + 2);

    expect(messages.slice(-2).map((m) => m.headers['Content-Type'])).toEqual([
      'api/response',
      'text/event-plain',
    ]);
  });

  it('keeps only the header in the file while recording, then writes audio whose length record_ms tells', async () => {
    await apiBody(`uuid_record ${uuid} start ${file('len.wav')}`);
    const whileRecording = (await stat(file('len.wav'))).size;
    await pause(300);
    await apiBody(`uuid_record ${uuid} stop ${file('len.wav')}`);
    const bytes = await readFile(file('len.wav'));
    const ms = Number(await apiBody(`uuid_getvar ${uuid} record_ms`));

    expect(whileRecording).toBe(44);
    expect(ms).toBe(((bytes.length - 44) / 16_000) * 1000);
    expect(await apiBody(`uuid_getvar ${uuid} record_file_size`)).toBe(String(bytes.length));
    expect([bytes.toString('ascii', 0, 4), bytes.readUInt32LE(24), bytes.readUInt32LE(40)]).toEqual([
      'RIFF',
      8000,
      bytes.length - 44,
    ]);
  });

  it('answers +OK to a second start of the same path, sending one RECORD_START; a second stop fails', async () => {
    expect(await apiBody(`uuid_record ${uuid} start ${file('twice.wav')}`)).toBe('+OK Success\n');
    expect(await apiBody(`uuid_record ${uuid} start ${file('twice.wav')}`)).toBe('+OK Success\n');
    expect(await apiBody(`uuid_record ${uuid} stop ${file('twice.wav')}`)).toBe('+OK Success\n');
    expect(await apiBody(`uuid_record ${uuid} stop ${file('twice.wav')}`)).toBe(
      '-ERR Cannot stop record session!\n',
    );
    expect((await eventsOf('RECORD_STOP', 1)).length).toBe(1);
    expect(events('RECORD_START')).toHaveLength(1);
  });

  it('records several files on one channel, stops each by its path, and stops all with one RECORD_STOP each', async () => {
    await apiBody(`uuid_record ${uuid} start ${file('a.wav')}`);
    await apiBody(`uuid_record ${uuid} start ${file('b.wav')}`);

    expect(await apiBody(`uuid_buglist ${uuid}`)).toBe(
      `<media-bugs>\n <media-bug>\n  <function>session_record</function>\n  <target>${file('a.wav')}</target>\n  <thread-locked>0</thread-locked>\n </media-bug>\n <media-bug>\n  <function>session_record</function>\n  <target>${file('b.wav')}</target>\n  <thread-locked>0</thread-locked>\n </media-bug>\n</media-bugs>\n`,
    );
    expect(await apiBody(`uuid_record ${uuid} stop all`)).toBe('+OK Success\n');
    expect((await eventsOf('RECORD_STOP', 2)).map((e) => header(e, 'Record-File-Path'))).toEqual([
      file('a.wav'),
      file('b.wav'),
    ]);
    expect(await apiBody(`uuid_record ${uuid} stop all`)).toBe('-ERR Cannot stop record session!\n');
  });

  it('refuses unknown extensions, and cannot stop a relative path by that path', async () => {
    expect(await apiBody(`uuid_record ${uuid} start ${file('x.unknownext')}`)).toBe(
      '-ERR Cannot record session!\n',
    );
    expect(await apiBody(`uuid_record ${uuid} start relative_test.wav`)).toBe('+OK Success\n');
    expect(await apiBody(`uuid_record ${uuid} stop relative_test.wav`)).toBe(
      '-ERR Cannot stop record session!\n',
    );
    expect(await apiBody(`uuid_record ${uuid} mask ${file('none.wav')}`)).toBe(
      '-ERR Cannot mask recording session!\n',
    );
  });

  it('closes every file with RECORD_STOP, then sends CHANNEL_HANGUP_COMPLETE for the A leg and then the B leg, as captured', async () => {
    await apiBody(`uuid_record ${uuid} start ${file('hangup.wav')}`);
    await pause(100);

    expect(await apiBody(`uuid_kill ${uuid}`)).toBe('+OK\n');
    await eventsOf('CHANNEL_HANGUP_COMPLETE', 2);
    expect(
      asCaptured(
        events().map((e) => e.raw),
        [[file('hangup.wav'), '/srv/fs/rec/hangup.wav']],
      ),
    ).toEqual(asCaptured(capturedHangup()));
    expect(await apiBody(`uuid_getvar ${uuid} record_ms`)).toBe('-ERR No such channel!\n');
    expect(await apiBody(`uuid_record ${uuid} stop ${file('hangup.wav')}`)).toBe(
      '-ERR Cannot locate session!\n',
    );
  });

  it('keeps one 20 ms frame when a stop follows the start at once: a 364-byte file, never discarded', async () => {
    await apiBody(`uuid_record ${uuid} start ${file('instant.wav')}`);
    await apiBody(`uuid_record ${uuid} stop ${file('instant.wav')}`);
    const [stop] = await eventsOf('RECORD_STOP', 1);
    const vars = [
      'record_file_size',
      'record_samples',
      'record_ms',
      'record_completion_cause',
      'RECORD_DISCARDED',
    ];

    expect(stop?.body).toContain(
      'variable_record_file_size: 364\nvariable_record_samples: 160\nvariable_record_seconds: 0\nvariable_record_ms: 20\nvariable_record_completion_cause: success-maxtime\n',
    );
    expect(header(stop, 'Record-Completion-Cause')).toBe('success-maxtime');
    expect(stop?.body).not.toContain('RECORD_DISCARDED');
    const values: string[] = [];
    for (const name of vars) values.push(await apiBody(`uuid_getvar ${uuid} ${name}`));
    expect(values).toEqual(['364', '160', '20', 'success-maxtime', '_undef_']);
    expect((await stat(file('instant.wav'))).size).toBe(364);
  });

  it('records a path with no extension natively: two raw files, and a RECORD_STOP with no cause nor record_* values', async () => {
    await apiBody(`uuid_record ${uuid} start ${file('noext')}`);
    await apiBody(`uuid_record ${uuid} stop ${file('noext')}`);
    const [stop] = await eventsOf('RECORD_STOP', 1);

    expect(
      stop?.body.endsWith(`variable_current_application: park\nRecord-File-Path: ${file('noext')}\n\n`),
    ).toBe(true);
    expect([
      (await stat(`${file('noext')}-in.L16`)).size,
      (await stat(`${file('noext')}-out.L16`)).size,
    ]).toEqual([320, 320]);
  });

  it('writes silence while masked and keeps the length', async () => {
    await apiBody(`uuid_record ${uuid} start ${file('masked.wav')}`);
    await pause(200);
    await apiBody(`uuid_record ${uuid} mask ${file('masked.wav')}`);
    await pause(300);
    await apiBody(`uuid_record ${uuid} unmask ${file('masked.wav')}`);
    await pause(200);
    await apiBody(`uuid_record ${uuid} stop ${file('masked.wav')}`);
    const bytes = await readFile(file('masked.wav'));
    const samples = Array.from({ length: (bytes.length - 44) / 2 }, (_, i) => bytes.readInt16LE(44 + i * 2));
    let run = 0;
    let longestSilence = 0;
    for (const sample of samples) {
      run = sample === 0 ? run + 1 : 0;
      longestSilence = Math.max(longestSilence, run);
    }

    expect(samples.length / 8).toBeGreaterThanOrEqual(680); // the masked time stays in: ~700 ms of audio
    expect(longestSilence / 8).toBeGreaterThanOrEqual(250); // ~300 ms of it is silence
    expect(samples.slice(0, 800).some((sample) => sample !== 0)).toBe(true); // before the mask: the tone
  });

  it('stops at the limit with success-maxtime and keeps the channel', async () => {
    await apiBody(`uuid_record ${uuid} start ${file('limit.wav')} 1`);
    const [stop] = await eventsOf('RECORD_STOP', 1);

    expect(header(stop, 'Record-Completion-Cause')).toBe('success-maxtime');
    expect(await apiBody(`uuid_record ${uuid} stop ${file('limit.wav')}`)).toBe(
      '-ERR Cannot stop record session!\n',
    );
    expect(await apiBody(`uuid_exists ${uuid}`)).toBe('true');
  });

  it('carries recording variables on RECORD_START and RECORD_STOP', async () => {
    await apiBody(`uuid_record ${uuid} start ${file('vars.wav')} 0 {foo=bar,my_tag=hello%20world}`);
    await apiBody(`uuid_record ${uuid} stop ${file('vars.wav')}`);
    const [start] = await eventsOf('RECORD_START', 1);
    const [stop] = await eventsOf('RECORD_STOP', 1);

    for (const event of [start, stop]) {
      expect(event?.body).toContain(
        'Recording-Variable-foo: bar\nRecording-Variable-my_tag: hello%20world\n',
      );
    }
  });

  it('discards a file shorter than RECORD_MIN_SEC, deleting it and saying input-too-short', async () => {
    freeswitch.setChannelVar(uuid, 'RECORD_MIN_SEC', '2');
    await apiBody(`uuid_record ${uuid} start ${file('short.wav')}`);
    await pause(100);
    await apiBody(`uuid_record ${uuid} stop ${file('short.wav')}`);
    const [stop] = await eventsOf('RECORD_STOP', 1);

    expect([header(stop, 'Record-Completion-Cause'), header(stop, 'variable_RECORD_DISCARDED')]).toEqual([
      'input-too-short',
      'true',
    ]);
    await expect(stat(file('short.wav'))).rejects.toThrow(/ENOENT/);
  });

  it('carries a command out even when its reply comes late or never', async () => {
    freeswitch.setFault((command) => (command.includes('late.wav') ? { kind: 'late', ms: 300 } : undefined));
    client.send(`api uuid_record ${uuid} start ${file('late.wav')}`);
    await pause(50);
    expect(freeswitch.recordings(uuid)).toEqual([file('late.wav')]);

    freeswitch.setFault(() => ({ kind: 'no-reply' }));
    client.send(`api uuid_record ${uuid} stop ${file('late.wav')}`);
    await pause(50);
    expect(freeswitch.recordings(uuid)).toEqual([]);
  });

  it('restarts with a new Core-UUID and no channels, leaving files whose header was never finished', async () => {
    await apiBody(`uuid_record ${uuid} start ${file('crash.wav')}`);
    await pause(200);
    const before = freeswitch.coreUuid;

    await freeswitch.restart();
    const bytes = await readFile(file('crash.wav'));

    expect([freeswitch.coreUuid === before, freeswitch.hasChannel(uuid)]).toEqual([false, false]);
    expect(bytes.length).toBeGreaterThan(44);
    expect(bytes.readUInt32LE(40)).toBe(0);
  });
});
