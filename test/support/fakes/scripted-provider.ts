import { ProviderError } from '../../../shared/recordings/errors.ts';
import type { ProviderRecordingRequest, RecordingProvider } from '../../../shared/recordings/ports.ts';
import type { RecordedMedia } from '../../../shared/recordings/types.ts';

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
