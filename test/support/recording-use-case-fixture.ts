import { hashApiKey } from '../../shared/accounts/api-key.ts';
import { DEFAULT_ALLOWANCE } from '../../shared/accounts/gcra.ts';
import type { AdmissionDeps } from '../../shared/accounts/ports.ts';
import type { ArchiveDeps } from '../../shared/archive/ports.ts';
import { ApiError } from '../../shared/kernel/api-error.ts';
import { type ApplyMediaEventDeps, applyMediaEvent } from '../../shared/media-events/apply-media-event.ts';
import type { MediaEvent } from '../../shared/media-events/types.ts';
import type { RecordingDeps } from '../../shared/recordings/ports.ts';
import { createRecordingFiles, parseRecordingId } from '../../shared/recordings/recording-files.ts';
import { objectKeyOf } from '../../shared/recordings/recording-object.ts';
import type { ActiveRecording, Call, MediaFacts, Recording } from '../../shared/recordings/types.ts';
import { createInMemoryArchiveStore } from './fakes/in-memory-archive-store.ts';
import { createInMemoryRecordingMedia } from './fakes/in-memory-recording-media.ts';
import { createInMemoryRecordingStore } from './fakes/in-memory-recording-store.ts';
import { createInMemoryRequestAllowance } from './fakes/in-memory-request-allowance.ts';
import { createInMemoryState } from './fakes/in-memory-state.ts';
import { createManualClock } from './fakes/manual-clock.ts';
import { createMemoryLogger } from './fakes/memory-logger.ts';
import { createMemoryMetrics } from './fakes/memory-metrics.ts';
import { createScriptedProvider } from './fakes/scripted-provider.ts';
import { createSequentialIds } from './fakes/sequential-ids.ts';

/** The API key of the fixture's application. */
export const KEY = 'mv_test_abcdefghijklmnop1234';

/** The claim lease the fixture's use cases run with. */
export const LEASE = 10_000;

/** How long a stop waits for the media server's report of a file it found closed. */
export const STOP_SETTLE = 4000;

/** File naming of the fixture: `/rec/<customer>/<call>/<recording>.wav` on the media server. */
export const FILES = createRecordingFiles('/rec/{customer_id}/{call_id}/{recording_id}.wav');

/** The public API URL completed recordings' `file_url` points at. */
export const API_URL = 'https://api.test';

/** The one active call every fixture starts with. */
export const BASE_CALL: Call = {
  id: 'call_123',
  customer_id: 'cust_123',
  application_id: 'app_123',
  provider_call_id: 'uuid',
  status: 'in_progress',
  direction: 'inbound',
  from: '+15551230001',
  to: '+15551230002',
  created_at: '2026-11-24T09:59:00Z',
  recording_seq: 0,
};

/** The recording object of `call_123` while it is started. */
export function startedRecording(id = 'rec_call_123', at = '2026-11-24T10:00:00Z'): Recording {
  return {
    id,
    call_id: 'call_123',
    customer_id: 'cust_123',
    application_id: 'app_123',
    provider_call_id: 'uuid',
    status: 'started',
    storage_type: 'local',
    file_url: '',
    duration_seconds: 0,
    size_bytes: 0,
    created_at: at,
    updated_at: at,
  };
}

/**
 * The recording use cases over in-memory fakes: an active key, one active call, a scripted provider, the
 * outbox its events are committed to, a manual clock, sequential ids, and object storage. Like the
 * relay beside a real media server, the fixture stores a file the provider stopped and reports it (the
 * report applied as the media-events function would), unless `relay.enabled` is switched off. Fresh
 * for every test.
 */
export function createRecordingFixture() {
  const state = createInMemoryState();
  const media = createScriptedProvider();
  const time = createManualClock();
  const logger = createMemoryLogger();
  const storage = createInMemoryRecordingMedia();
  const archive = createInMemoryArchiveStore(state);
  const metrics = createMemoryMetrics();
  const relay = { enabled: true };
  // Every application's allowance, as in production (the spec's defaults), on the manual clock.
  const allowance = createInMemoryRequestAllowance(state, DEFAULT_ALLOWANCE, time.clock);
  const deps: RecordingDeps & AdmissionDeps = {
    store: createInMemoryRecordingStore(state),
    allowance,
    provider: media.provider,
    files: FILES,
    clock: time.clock,
    ids: createSequentialIds(),
    logger,
    metrics,
    settings: { claimLeaseMs: LEASE, stopSettleMs: STOP_SETTLE },
  };
  const applyDeps: ApplyMediaEventDeps = {
    ...deps,
    archive,
    media: storage.media,
    settings: { claimLeaseMs: LEASE, publicApiUrl: API_URL },
  };
  const archiveDeps: ArchiveDeps & AdmissionDeps = {
    archive,
    allowance,
    media: storage.media,
    clock: time.clock,
    ids: deps.ids,
    logger,
  };

  /** What the relay does once a file closed: store it, then report it (applied here). */
  async function reportStored(recordingId: string, facts: MediaFacts, channelEnded = false) {
    const ref = parseRecordingId(recordingId);
    if (!ref) throw new Error(`not a recording id: ${recordingId}`);
    storage.objects.set(objectKeyOf({ ...ref, customerId: 'cust_123' }), facts.size_bytes);
    return applyMediaEvent(stoppedEvent(recordingId, { kind: 'stored', ...facts }, channelEnded), applyDeps);
  }
  // The relay beside the scripted media server: a file the provider stops is stored and reported.
  const stopRecording = media.provider.stopRecording;
  media.provider.stopRecording = async (request) => {
    const outcome = await stopRecording(request);
    if (relay.enabled && outcome.kind === 'stopped') {
      setImmediate(() => void reportStored(request.recordingId, outcome.facts));
    }
    return outcome;
  };
  state.apiKeys.set(hashApiKey(KEY), {
    key_hash: hashApiKey(KEY),
    application_id: 'app_123',
    customer_id: 'cust_123',
    status: 'active',
    application_status: 'active',
  });
  state.calls.set('call_123', structuredClone(BASE_CALL));

  /** The stored call (seeded above). */
  const storedCall = (): Call => {
    const call = state.calls.get('call_123');
    if (!call) throw new Error('call_123 is not seeded');
    return call;
  };
  /** The stored call's active recording, which the test has put there. */
  const activeRecording = (): ActiveRecording => {
    const active = storedCall().active_recording;
    if (!active) throw new Error('call_123 has no active recording');
    return active;
  };

  return {
    state,
    media,
    time,
    logger,
    deps,
    applyDeps,
    archiveDeps,
    archive,
    storage,
    relay,
    reportStored,
    /** Every metric data point recorded so far, in order. */
    metrics,
    /** How often a metric was counted. */
    counted: (name: string) =>
      metrics.points.filter((point) => point.name === name).reduce((sum, point) => sum + point.value, 0),
    /** Every event committed so far (what the table's stream carries to the webhook queue), in order. */
    outboxEvents: () => [...state.outbox.values()],
    storedCall,
    activeRecording,
    /** Every event committed so far (the outbox), as `[event, data minus the recording]`, in order. */
    committedEvents(): [string, Record<string, unknown>][] {
      return [...state.outbox.values()].map((e) => {
        const body = JSON.parse(e.body) as { event: string; data: Record<string, unknown> };
        const { recording, ...data } = body.data as { recording: { id: string; status: string } };
        return [body.event, { ...data, recording: `${recording.id} ${recording.status}` }];
      });
    },
    /** Every recording stored so far, as `id status`. */
    storedRecordings() {
      return [...state.recordings.values()].map((r) => `${r.id} ${r.status}`);
    },
    /** A start claim left by a request that died: as old as the lease, so it may be taken over. */
    seedStaleStartClaim() {
      storedCall().active_recording = {
        state: 'starting',
        recording_id: 'rec_call_123',
        seq: 1,
        claim_id: 'clm_dead',
        claimed_at: time.clock.now().getTime() - LEASE,
      };
    },
    /**
     * Runs `first` while the provider holds every start, then `second` (after `between`), then lets the
     * starts go: the two requests interleave on the call's claim deterministically.
     */
    async whileStartIsHeld<A, B>(first: () => Promise<A>, second: () => Promise<B>, between = () => {}) {
      const release = media.holdStarts();
      const a = first();
      await new Promise((resolve) => setImmediate(resolve));
      between();
      const b = second();
      await new Promise((resolve) => setImmediate(resolve));
      release();
      return [a, b] as const;
    },
  };
}

/** The relay's report of a closed file of `call_123`'s channel. */
export function stoppedEvent(
  recordingId: string,
  file: Extract<MediaEvent, { kind: 'recording_stopped' }>['file'],
  channelEnded = false,
): MediaEvent {
  return {
    kind: 'recording_stopped',
    media_node: 'fs1',
    core_uuid: 'core1',
    at: '2026-11-24T10:00:05.000Z',
    source: 'event',
    channel_uuid: 'uuid',
    path: `/rec/cust_123/call_123/${recordingId}.wav`,
    file,
    channel_ended: channelEnded,
  };
}

/** The status and code of the `ApiError` a promise rejects with. */
export async function errorOf(promise: Promise<unknown>): Promise<[number, string]> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof ApiError)) throw new Error(`expected an ApiError, got ${String(error)}`);
  return [error.statusCode, error.code];
}
