import { ProviderError } from '../../../shared/recordings/errors.ts';
import type {
  MediaServerFile,
  ProviderRecordingRequest,
  RecordingProvider,
  StopOutcome,
} from '../../../shared/recordings/ports.ts';

/** A scripted failure of the next start or stop: its reason, and whether the media server did it anyway. */
interface ScriptedFailure {
  reason: ProviderError['reason'];
  carriedOut: boolean;
}

/**
 * A media server for unit tests that logs each command, keeps which recordings are recording (so
 * `isRecording` answers truly), and answers from a script: by default every command works; a start or
 * stop can be made to fail — refused, unreachable, or sent and unanswered yet carried out; `holdStarts`
 * keeps starts waiting, to interleave concurrent requests.
 */
export function createScriptedProvider() {
  const commands: string[] = [];
  const recording = new Set<string>();
  const failures: { start?: ScriptedFailure; stop?: ScriptedFailure; probe?: ScriptedFailure } = {};
  let stopOutcome: StopOutcome = { kind: 'stopped', facts: { duration_ms: 12_000, size_bytes: 192_044 } };
  let gate: Promise<void> | undefined;

  const take = (kind: 'start' | 'stop' | 'probe') => {
    const failure = failures[kind];
    delete failures[kind];
    return failure;
  };
  const provider: RecordingProvider = {
    async startRecording(request: ProviderRecordingRequest) {
      commands.push(`start ${request.recordingId}`);
      await gate;
      const failure = take('start');
      if (!failure || failure.carriedOut) recording.add(request.recordingId);
      if (failure) throw new ProviderError('scripted start failure', failure.reason);
    },
    async stopRecording(request: ProviderRecordingRequest): Promise<StopOutcome> {
      commands.push(`stop ${request.recordingId}`);
      const failure = take('stop');
      const was = recording.has(request.recordingId);
      if (!failure || failure.carriedOut) recording.delete(request.recordingId);
      if (failure) throw new ProviderError('scripted stop failure', failure.reason);
      return was ? stopOutcome : { kind: 'not_recording' };
    },
    async isRecording(request: ProviderRecordingRequest) {
      commands.push(`probe ${request.recordingId}`);
      const failure = take('probe');
      if (failure) throw new ProviderError('scripted probe failure', failure.reason);
      return recording.has(request.recordingId);
    },
    async stopFile({ mediaNode, channelUuid, path }: MediaServerFile) {
      commands.push(`stop-file ${mediaNode} ${channelUuid} ${path}`);
      const id = path.replace(/^.*\//, '').replace(/\.wav$/, '');
      return recording.delete(id) ? 'stopped' : 'not_recording';
    },
  };
  return {
    provider,
    commands,
    /** Recording ids the media server is recording right now. */
    recording,
    /** Makes the next start, stop or "is it recording?" fail; `carriedOut` = it happened all the same. */
    failNext(
      kind: 'start' | 'stop' | 'probe',
      reason: ProviderError['reason'] = 'rejected',
      carriedOut = false,
    ) {
      failures[kind] = { reason, carriedOut };
    },
    /** What stops report from now on (default: 12 s of audio, 192 044 bytes). */
    setStopOutcome(outcome: StopOutcome) {
      stopOutcome = outcome;
    },
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
