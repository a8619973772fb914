import { isCallActive } from '../../shared/domain/call-rules.ts';
import type { ApiKey, Call, OutboxEvent, RecordedMedia, Recording } from '../../shared/domain/types.ts';
import { ClaimLostError, ProviderError } from '../../shared/errors.ts';
import type {
  Claim,
  ClaimResult,
  Clock,
  EventQueue,
  IdGenerator,
  Logger,
  ProviderRecordingRequest,
  RecordingProvider,
  RecordingStore,
} from '../../shared/ports.ts';

const copy = <T>(value: T): T => structuredClone(value);

/**
 * In-memory {@link RecordingStore} with the same conditional semantics as the DynamoDB adapter: every
 * claim and commit checks its condition atomically (JavaScript runs each method body without interleaving).
 */
export function createInMemoryStore() {
  const apiKeys = new Map<string, ApiKey>();
  const calls = new Map<string, Call>();
  const recordings = new Map<string, Recording>();
  const outbox = new Map<string, OutboxEvent>();

  const recordable = (call: Call | undefined): call is Call =>
    !!call && !!call.provider_call_id && isCallActive(call);
  const ownClaim = (c: Claim) => {
    const call = calls.get(c.callId);
    if (call?.active_recording?.claim_id !== c.claimId) throw new ClaimLostError();
    return call;
  };

  const store: RecordingStore = {
    async loadAccess(keyHash, callId) {
      const call = callId ? calls.get(callId) : undefined;
      return { apiKey: copy(apiKeys.get(keyHash)), call: copy(call) };
    },
    async getCall(callId) {
      return copy(calls.get(callId));
    },
    async claimStart(c, expect): Promise<ClaimResult> {
      const call = calls.get(c.callId);
      const active = call?.active_recording;
      const ok =
        recordable(call) &&
        ('previousSeq' in expect
          ? active === undefined && call.recording_seq === expect.previousSeq
          : active?.claim_id === expect.staleClaimId &&
            active.state === 'starting' &&
            active.claimed_at < expect.staleBefore);
      if (!ok || !call) return { ok: false, call: copy(call) };
      call.recording_seq = c.seq;
      call.active_recording = {
        state: 'starting',
        recording_id: c.recordingId,
        seq: c.seq,
        claim_id: c.claimId,
        claimed_at: c.claimedAt,
      };
      return { ok: true, call: copy(call) };
    },
    async claimStop(c, expect): Promise<ClaimResult> {
      const call = calls.get(c.callId);
      const active = call?.active_recording;
      const ok =
        recordable(call) &&
        active?.claim_id === expect.claimId &&
        (active.state === 'started' ||
          (active.state === 'stopping' && active.claimed_at < expect.staleBefore));
      if (!ok || !active || !call) return { ok: false, call: copy(call) };
      Object.assign(active, { state: 'stopping', claim_id: c.claimId, claimed_at: c.claimedAt });
      return { ok: true, call: copy(call) };
    },
    async commitStarted(c, recording, event) {
      const call = ownClaim(c);
      call.active_recording = {
        state: 'started',
        recording_id: c.recordingId,
        seq: c.seq,
        claim_id: c.claimId,
        claimed_at: c.claimedAt,
        recording: copy(recording),
      };
      recordings.set(recording.id, copy(recording));
      outbox.set(event.event_id, copy(event));
    },
    async commitStartFailed(c, recording, event) {
      const call = ownClaim(c);
      delete call.active_recording;
      recordings.set(recording.id, copy(recording));
      outbox.set(event.event_id, copy(event));
    },
    async commitCompleted(c, recording, event) {
      const call = ownClaim(c);
      delete call.active_recording;
      recordings.set(recording.id, copy(recording));
      outbox.set(event.event_id, copy(event));
    },
    async releaseStop(c) {
      const call = ownClaim(c);
      if (call.active_recording) call.active_recording.state = 'started';
    },
    async listPendingEvents(createdBefore, limit) {
      return [...outbox.values()]
        .filter((e) => Date.parse(e.created_at) < createdBefore.getTime())
        .sort((a, b) => a.created_at.localeCompare(b.created_at))
        .slice(0, limit)
        .map(copy);
    },
    async markEventDispatched(event) {
      outbox.delete(event.event_id);
    },
  };
  return { store, apiKeys, calls, recordings, outbox };
}

/** A queue that records what it was given, and can be told to fail. */
export function createRecordingQueue() {
  const sent: OutboxEvent[] = [];
  let failing = false;
  const queue: EventQueue = {
    async send(event) {
      if (failing) throw new Error('queue unavailable');
      sent.push(copy(event));
    },
  };
  return { queue, sent, setFailing: (value: boolean) => (failing = value) };
}

/**
 * A provider that logs each command and answers from a script: by default it succeeds; `gate` holds
 * starts open until released, to interleave concurrent requests.
 */
export function createScriptedProvider() {
  const commands: string[] = [];
  let failNext: 'start' | 'stop' | undefined;
  let gate: Promise<void> | undefined;
  const provider: RecordingProvider = {
    async startRecording(request: ProviderRecordingRequest) {
      commands.push(`start ${request.recordingId}`);
      await gate;
      if (failNext === 'start') {
        failNext = undefined;
        throw new ProviderError('-ERR scripted', 'rejected');
      }
    },
    async stopRecording(request: ProviderRecordingRequest): Promise<RecordedMedia> {
      commands.push(`stop ${request.recordingId}`);
      if (failNext === 'stop') {
        failNext = undefined;
        throw new ProviderError('-ERR scripted', 'rejected');
      }
      return {
        file_url: `https://media.test/${request.recordingId}.wav`,
        duration_seconds: 12,
        size_bytes: 192_044,
      };
    },
  };
  return {
    provider,
    commands,
    failNextCommand: (kind: 'start' | 'stop') => (failNext = kind),
    /** Holds every start until the returned function is called. */
    holdStarts(): () => void {
      let release: () => void = () => {};
      gate = new Promise<void>((resolve) => {
        release = resolve;
      });
      return () => {
        gate = undefined;
        release();
      };
    },
  };
}

/** A clock that stands still until told to move; `sleep` moves it and yields to other tasks. */
export function createManualClock(start = '2026-11-24T10:00:00Z') {
  let now = Date.parse(start);
  const clock: Clock = {
    now: () => new Date(now),
    sleep: async (ms) => {
      now += ms;
      await new Promise((resolve) => setImmediate(resolve));
    },
  };
  return { clock, advance: (ms: number) => (now += ms) };
}

/** Sequential ids: `evt_1`, `clm_2`, … */
export function createSequentialIds(): IdGenerator {
  let n = 0;
  return { next: (prefix) => `${prefix}_${++n}` };
}

/** A logger that keeps lines for assertions. */
export function createMemoryLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const log = (level: string) => (message: string, fields?: Record<string, unknown>) =>
    void lines.push(JSON.stringify({ level, message, ...fields }));
  return { lines, info: log('info'), warn: log('warn'), error: log('error') };
}
