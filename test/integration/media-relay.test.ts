import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SimulatedFreeSwitch } from '../../scripts/local/simulated-freeswitch/server.ts';
import { recordingsRoot } from '../../services/media-relay/config.ts';
import { createJsonRelayJournal } from '../../shared/adapters/files/json-relay-journal.ts';
import { createRecordingFileStore } from '../../shared/adapters/files/recording-file-store.ts';
import { createFreeSwitchConnector } from '../../shared/adapters/freeswitch/freeswitch-media-session.ts';
import { createS3RecordingMedia } from '../../shared/adapters/s3/s3-recording-media.ts';
import { createS3RecordingUploader } from '../../shared/adapters/s3/s3-recording-uploader.ts';
import { systemClock } from '../../shared/adapters/system/system-clock.ts';
import { createMediaRelay } from '../../shared/media-events/media-relay.ts';
import type { MediaEvent } from '../../shared/media-events/types.ts';
import type { ProviderRecordingRequest } from '../../shared/recordings/ports.ts';
import type { RecordingFiles } from '../../shared/recordings/recording-files.ts';
import { objectKeyOf } from '../../shared/recordings/recording-object.ts';
import { createTestBucket, createTestClients } from '../support/aws-fixtures.ts';
import { createMemoryLogger } from '../support/fakes/memory-logger.ts';
import { providerFor, startTestFreeSwitch } from '../support/media-server.ts';

// The media relay against the simulated FreeSWITCH, its real files, a journal on disk and a bucket in
// the S3 emulator; the queue is a list here (the end-to-end tests use the SQS emulator).
const clients = createTestClients();
let bucket: string;
let failUploads: boolean;
let freeswitch: SimulatedFreeSwitch;
let files: RecordingFiles;
let pathTemplate: string;
let stateFile: string;
let published: MediaEvent[];
/** Every event the relay tried to publish, taken or not. */
let attempted: MediaEvent[];
let failPublishing: boolean;
let relay: ReturnType<typeof createMediaRelay>;
let running: Promise<void>;

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const requestFor = (uuid: string, recordingId: string): ProviderRecordingRequest => ({
  providerCallId: uuid,
  recordingId,
  callId: recordingId.replace(/^rec_/, '').replace(/_\d+$/, ''),
  customerId: 'cust_1',
  applicationId: 'app_1',
});
/** Waits until the relay has tried to publish events matching `done` (the queue may have refused them). */
async function untilAttempted(done: (events: MediaEvent[]) => boolean, ms = 5000) {
  const deadline = Date.now() + ms;
  while (!done(attempted) && Date.now() < deadline) await pause(20);
  return attempted;
}
/** Waits until the relay has published events matching `done`. */
async function until(done: (events: MediaEvent[]) => boolean, ms = 5000) {
  const deadline = Date.now() + ms;
  while (!done(published) && Date.now() < deadline) await pause(20);
  return published;
}
/**
 * Whether `path` is still on the media server's disk once the relay has had time to delete it. The relay
 * deletes a file just after its report is queued (and its journal saved), so a test that has just seen
 * the report waits for the deletion instead of racing it (on a busy machine the journal save is slow).
 */
async function stillOnDisk(path: string, ms = 5000) {
  const deadline = Date.now() + ms;
  while (existsSync(path) && Date.now() < deadline) await pause(20);
  return existsSync(path);
}
const kinds = (events: MediaEvent[]) => events.map((e) => `${e.kind} ${e.source}`);
/** The events about one channel (a loopback call's B leg, as the simulator and the captures have it, is another). */
const about = (events: MediaEvent[], uuid: string) => events.filter((e) => e.channel_uuid === uuid);
/** What the events about every other channel were: a hung-up call's other leg reports only its hangup. */
const otherLegs = (events: MediaEvent[], uuid: string) =>
  [...new Set(kinds(events.filter((e) => e.channel_uuid !== uuid)))].sort();
const hangupOf = (uuid: string) => (events: MediaEvent[]) =>
  about(events, uuid).some((e) => e.kind === 'channel_hangup');
/** Both legs of `uuid`'s call reported hung up, and its recording reported stopped. */
const callEnded = (uuid: string) => (events: MediaEvent[]) =>
  hangupOf(uuid)(events) &&
  events.some((e) => e.kind === 'channel_hangup' && e.channel_uuid !== uuid) &&
  about(events, uuid).some((e) => e.kind === 'recording_stopped');
const keyOf = (request: ProviderRecordingRequest) =>
  objectKeyOf({ customerId: request.customerId, callId: request.callId, recordingId: request.recordingId });
/** The stored object's size (the relay deletes the file from the media server once stored). */
const storedSize = (request: ProviderRecordingRequest) =>
  createS3RecordingMedia(() => clients.s3, bucket).sizeOf(keyOf(request));
const stoppedOf = (events: MediaEvent[]) =>
  events.find((e): e is Extract<MediaEvent, { kind: 'recording_stopped' }> => e.kind === 'recording_stopped');

function startRelay(settings: { uploadGiveUpMs?: number } = {}) {
  const uploader = createS3RecordingUploader(clients.s3, bucket);
  relay = createMediaRelay({
    connect: createFreeSwitchConnector(
      { host: '127.0.0.1', port: freeswitch.port, password: freeswitch.password },
      { node: 'fs-test', timeoutMs: 1000 },
    ),
    publisher: {
      publish: async (event) => {
        // The relay's uploads summary is no media event: test/unit/media-events/media-relay.test.ts.
        if (event.kind === 'uploads_retrying') return;
        attempted.push(event);
        if (failPublishing) throw new Error('queue down');
        published.push(event);
      },
    },
    files: createRecordingFileStore(recordingsRoot(pathTemplate), (path) => Boolean(files.parsePath(path))),
    uploader: {
      upload: async (...args) => {
        if (failUploads) throw new Error('storage down');
        return uploader.upload(...args);
      },
    },
    objectKeyOf: (path) => {
      const ref = files.parsePath(path);
      return ref ? objectKeyOf(ref) : undefined;
    },
    journal: createJsonRelayJournal(stateFile),
    clock: systemClock,
    logger: createMemoryLogger(),
    settings: {
      node: 'fs-test',
      reconcileEveryMs: 150,
      scanMinAgeMs: 100,
      retentionMs: 86_400_000,
      reconnectMinMs: 20,
      reconnectMaxMs: 100,
      uploadGiveUpMs: settings.uploadGiveUpMs ?? 60_000,
      uploadConcurrency: 2,
    },
  });
  running = relay.run();
}

beforeEach(async () => {
  ({ freeswitch, files, pathTemplate } = await startTestFreeSwitch());
  stateFile = join(await mkdtemp(join(tmpdir(), 'minivoice-relay-')), 'state.json');
  bucket = await createTestBucket(clients.s3);
  published = [];
  attempted = [];
  failPublishing = false;
  failUploads = false;
  startRelay();
  await pause(100);
});
afterEach(async () => {
  relay.stop();
  await running;
  await freeswitch.close();
});

describe('the media relay', () => {
  it("relays a recording's start, its stop once the file is stored, and the hangup, with the file's facts", async () => {
    const uuid = freeswitch.addChannel();
    const request = requestFor(uuid, 'rec_call_a1');
    const provider = providerFor(freeswitch, files);
    await provider.startRecording(request);
    await pause(250);
    await provider.stopRecording(request);
    await until((e) => e.some((x) => x.kind === 'recording_stopped'));
    freeswitch.hangup(uuid);
    // FreeSWITCH reports the A leg's hangup, then the B leg's (03_hangup_while_recording).
    const events = await until((e) => e.filter((x) => x.kind === 'channel_hangup').length >= 2);
    const otherLeg = events.find((e) => e.kind === 'channel_hangup' && e.channel_uuid !== uuid)?.channel_uuid;

    const size = (await storedSize(request)) ?? -1;
    expect(otherLeg).toEqual(expect.any(String));
    expect(events.filter((e) => e.source === 'event')).toEqual([
      {
        media_node: 'fs-test',
        core_uuid: freeswitch.coreUuid,
        at: expect.any(String),
        source: 'event',
        kind: 'recording_started',
        channel_uuid: uuid,
        path: files.pathOf(request),
      },
      {
        media_node: 'fs-test',
        core_uuid: freeswitch.coreUuid,
        at: expect.any(String),
        source: 'event',
        kind: 'recording_stopped',
        channel_uuid: uuid,
        path: files.pathOf(request),
        file: { kind: 'stored', duration_ms: ((size - 44) / 16_000) * 1000, size_bytes: size },
        channel_ended: false,
      },
      {
        media_node: 'fs-test',
        core_uuid: freeswitch.coreUuid,
        at: expect.any(String),
        source: 'event',
        kind: 'channel_hangup',
        channel_uuid: uuid,
        hangup_cause: 'NORMAL_CLEARING',
      },
      {
        media_node: 'fs-test',
        core_uuid: freeswitch.coreUuid,
        at: expect.any(String),
        source: 'event',
        kind: 'channel_hangup',
        channel_uuid: otherLeg,
        hangup_cause: 'NORMAL_CLEARING',
      },
    ]);
    expect(size).toBeGreaterThan(3000); // a quarter second of 8 kHz 16-bit audio
    expect(await stillOnDisk(files.pathOf(request))).toBe(false);
  });

  it('reports a recording that stopped and a channel that hung up while it was disconnected', async () => {
    const uuid = freeswitch.addChannel();
    const request = requestFor(uuid, 'rec_call_b1');
    await providerFor(freeswitch, files).startRecording(request);
    await until((e) => e.length === 1);
    await relay.reconcileNow(); // it has seen both legs of the call

    // The relay cannot get back in while the channel hangs up: its RECORD_STOP and hangup go to nobody.
    freeswitch.setRefuseAuth(true);
    freeswitch.dropEventConnections();
    freeswitch.hangup(uuid);
    await pause(150);
    freeswitch.setRefuseAuth(false);
    const events = await until(callEnded(uuid));

    const size = (await storedSize(request)) ?? -1;
    expect(otherLegs(events, uuid)).toEqual(['channel_hangup reconcile']);
    expect(
      about(events, uuid)
        .slice(1)
        .sort((a, b) => a.kind.localeCompare(b.kind)),
    ).toEqual([
      expect.objectContaining({ kind: 'channel_hangup', source: 'reconcile', channel_uuid: uuid }),
      expect.objectContaining({
        kind: 'recording_stopped',
        source: 'reconcile',
        channel_uuid: uuid,
        path: files.pathOf(request),
        file: { kind: 'stored', duration_ms: ((size - 44) / 16_000) * 1000, size_bytes: size },
        channel_ended: true,
      }),
    ]);
  });

  it('reports the hangup of a channel it saw in an earlier snapshot and that hung up while it was disconnected', async () => {
    const uuid = freeswitch.addChannel();
    await relay.reconcileNow();
    freeswitch.setRefuseAuth(true);
    freeswitch.dropEventConnections();
    freeswitch.hangup(uuid);
    await pause(150);
    freeswitch.setRefuseAuth(false);
    const events = await until(hangupOf(uuid));

    expect(otherLegs(events, uuid)).toEqual(['channel_hangup reconcile']);
    expect(about(events, uuid)).toEqual([
      expect.objectContaining({ kind: 'channel_hangup', source: 'reconcile', channel_uuid: uuid }),
    ]);
  });

  it('reports a start once when a reconciliation saw it recording before its event arrived', async () => {
    const held = freeswitch.addChannel();
    const uuid = freeswitch.addChannel();
    const request = requestFor(uuid, 'rec_call_k1');
    const provider = providerFor(freeswitch, files);
    // An event the queue refuses holds the relay's events and reconciliations up, in order.
    failPublishing = true;
    await provider.startRecording(requestFor(held, 'rec_call_k0'));
    await untilAttempted((e) => e.some((x) => x.channel_uuid === held));
    const reconciling = relay.reconcileNow();
    await provider.startRecording(request); // its event waits behind the reconciliation
    failPublishing = false;
    await reconciling;
    await until((e) => about(e, uuid).length > 0);
    await relay.reconcileNow(); // the live event, if relayed too, is out by now

    expect(kinds(about(published, uuid))).toEqual(['recording_started reconcile']);
  });

  it('reports a recording that started while it was disconnected', async () => {
    const uuid = freeswitch.addChannel();
    freeswitch.dropEventConnections();
    await providerFor(freeswitch, files).startRecording(requestFor(uuid, 'rec_call_c1'));
    const events = await until((e) => e.length >= 1);

    expect(kinds(events)).toContain('recording_started reconcile');
  });

  it('reports every recording cut off by a media-server restart as stopped, its channel gone', async () => {
    const uuid = freeswitch.addChannel();
    const request = requestFor(uuid, 'rec_call_d1');
    await providerFor(freeswitch, files).startRecording(request);
    await until((e) => e.length === 1);
    await relay.reconcileNow(); // it has seen both legs of the call
    await pause(200);

    await freeswitch.restart();
    freeswitch.dropEventConnections();
    const events = await until(callEnded(uuid));

    expect(otherLegs(events, uuid)).toEqual(['channel_hangup reconcile']);
    expect(
      about(events, uuid)
        .slice(1)
        .sort((a, b) => a.kind.localeCompare(b.kind)),
    ).toEqual([
      expect.objectContaining({ kind: 'channel_hangup', channel_uuid: uuid }),
      expect.objectContaining({
        kind: 'recording_stopped',
        source: 'reconcile',
        core_uuid: freeswitch.coreUuid,
        channel_ended: true,
        file: { kind: 'stored', duration_ms: expect.any(Number), size_bytes: await storedSize(request) },
      }),
    ]);
    expect(stoppedOf(events)?.file).not.toEqual({ kind: 'stored', duration_ms: 0, size_bytes: 44 });
  });

  it('reports once, by a scan of the directory, a file recorded entirely while it was away', async () => {
    relay.stop();
    await running;
    const uuid = freeswitch.addChannel();
    const request = requestFor(uuid, 'rec_call_e1');
    const provider = providerFor(freeswitch, files);
    await provider.startRecording(request);
    await pause(200);
    await provider.stopRecording(request);
    await pause(150);

    startRelay();
    const events = await until((e) => e.length >= 1);
    await pause(500); // several more reconciliations

    expect(kinds(events)).toEqual(['recording_stopped scan']);
    expect(events[0]).toEqual(
      expect.objectContaining({
        path: files.pathOf(request),
        channel_uuid: undefined,
        channel_ended: undefined,
      }),
    );
  });

  it('after a restart of its own, reports what stopped while it was down, and nothing twice', async () => {
    const uuid = freeswitch.addChannel();
    const request = requestFor(uuid, 'rec_call_f1');
    const provider = providerFor(freeswitch, files);
    await provider.startRecording(request);
    await until((e) => e.length === 1);
    relay.stop();
    await running;

    await provider.stopRecording(request);
    startRelay();
    const events = await until((e) => e.length >= 2);
    await pause(500);

    expect(kinds(events)).toEqual(['recording_started event', 'recording_stopped reconcile']);
  });

  it('keeps events while the queue refuses them and sends them, in order, once it takes them', async () => {
    failPublishing = true;
    const uuid = freeswitch.addChannel();
    const request = requestFor(uuid, 'rec_call_g1');
    const provider = providerFor(freeswitch, files);
    await provider.startRecording(request);
    await provider.stopRecording(request);
    await pause(300);
    failPublishing = false;
    const events = await until((e) => e.length >= 2, 15_000);

    expect(kinds(events)).toEqual(['recording_started event', 'recording_stopped event']);
  });

  it('keeps a closed file while storage refuses it, and reports it stored once storage takes it', async () => {
    failUploads = true;
    const uuid = freeswitch.addChannel();
    const request = requestFor(uuid, 'rec_call_h1');
    const provider = providerFor(freeswitch, files);
    await provider.startRecording(request);
    await pause(200);
    await provider.stopRecording(request);
    await pause(1200);
    const whileDown = kinds(published);
    const keptWhileDown = existsSync(files.pathOf(request));
    failUploads = false;
    const events = await until((e) => e.length >= 2, 10_000);

    expect([whileDown, keptWhileDown]).toEqual([['recording_started event'], true]);
    expect(stoppedOf(events)?.file).toEqual({
      kind: 'stored',
      duration_ms: expect.any(Number),
      size_bytes: await storedSize(request),
    });
    expect(await stillOnDisk(files.pathOf(request))).toBe(false);
  });

  it('reports storage_failed and deletes the file when storage refuses it for longer than the give-up time', async () => {
    relay.stop();
    await running;
    startRelay({ uploadGiveUpMs: 800 });
    failUploads = true;
    const uuid = freeswitch.addChannel();
    const request = requestFor(uuid, 'rec_call_i1');
    const provider = providerFor(freeswitch, files);
    await provider.startRecording(request);
    await pause(200);
    await provider.stopRecording(request);
    const events = await until((e) => e.some((x) => x.kind === 'recording_stopped'), 10_000);

    expect(stoppedOf(events)?.file).toEqual({ kind: 'storage_failed' });
    expect(await stillOnDisk(files.pathOf(request))).toBe(false);
    expect(await storedSize(request)).toBeUndefined();
  });

  it('stores and reports, after a restart of its own, a file whose upload it had not finished', async () => {
    failUploads = true;
    const uuid = freeswitch.addChannel();
    const request = requestFor(uuid, 'rec_call_j1');
    const provider = providerFor(freeswitch, files);
    await provider.startRecording(request);
    await pause(200);
    await provider.stopRecording(request);
    await pause(300);
    relay.stop();
    await running;
    failUploads = false;

    startRelay();
    const events = await until((e) => e.some((x) => x.kind === 'recording_stopped'), 10_000);

    expect(kinds(events)).toEqual(['recording_started event', 'recording_stopped event']);
    expect(stoppedOf(events)?.file).toEqual(expect.objectContaining({ kind: 'stored' }));
  });
});
