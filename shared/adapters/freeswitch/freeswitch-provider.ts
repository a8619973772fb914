import { ProviderError } from '../../recordings/errors.ts';
import type { RecordingProvider } from '../../recordings/ports.ts';
import { renderRecordingLocation, wavSizeBytes } from '../../recordings/recording-location.ts';
import { type EslConnectionOptions, withEslSession } from './esl-client.ts';

/** FreeSWITCH settings: the event socket, and where recordings go and are served from. */
export interface FreeSwitchProviderOptions extends EslConnectionOptions {
  /** File path on the media server, e.g. `/var/lib/freeswitch/recordings/{call_id}/{recording_id}.wav`. */
  recordingPathTemplate: string;
  /** Public URL of the same file once completed. */
  recordingUrlTemplate: string;
}

// FreeSWITCH channel UUIDs; anything else is refused before it reaches the socket.
const CHANNEL_UUID = /^[A-Za-z0-9-]{1,64}$/;

/**
 * Records through `uuid_record` over the Event Socket. After a stop, reads the channel variables that
 * FreeSWITCH sets when it closes the file (`record_ms`, `record_samples`) for the real length and size
 * (16-bit mono linear PCM WAV, FreeSWITCH's `.wav` default).
 */
export function createFreeSwitchProvider(options: FreeSwitchProviderOptions): RecordingProvider {
  const channel = (uuid: string) => {
    if (!CHANNEL_UUID.test(uuid))
      throw new ProviderError('provider call id is not a channel uuid', 'rejected');
    return uuid;
  };
  return {
    async startRecording(request) {
      const uuid = channel(request.providerCallId);
      const path = renderRecordingLocation(options.recordingPathTemplate, request);
      await withEslSession(options, (esl) => esl.api(`uuid_record ${uuid} start ${path}`));
    },
    async stopRecording(request) {
      const uuid = channel(request.providerCallId);
      const path = renderRecordingLocation(options.recordingPathTemplate, request);
      return withEslSession(options, async (esl) => {
        await esl.api(`uuid_record ${uuid} stop ${path}`);
        const milliseconds = parseCount(await esl.api(`uuid_getvar ${uuid} record_ms`));
        const samples = parseCount(await esl.api(`uuid_getvar ${uuid} record_samples`));
        return {
          file_url: renderRecordingLocation(options.recordingUrlTemplate, request),
          duration_seconds: Math.round(milliseconds / 1000),
          size_bytes: samples > 0 ? wavSizeBytes(samples) : 0,
        };
      });
    },
  };
}

// `uuid_getvar` answers `_undef_` for an unset variable.
function parseCount(value: string): number {
  const n = Number.parseInt(value, 10);
  return Number.isFinite(n) && n > 0 ? n : 0;
}
