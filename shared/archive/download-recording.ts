import type { AdmissionDeps } from '../accounts/ports.ts';
import { objectKeyOfRecording } from '../recordings/recording-object.ts';
import { RecordingDeletedError, RecordingNotCompletedError } from './errors.ts';
import type { ArchiveStore, RecordingMedia } from './ports.ts';
import { loadOwnedRecording } from './recording-access.ts';
import { parseExpiresIn } from './request-params.ts';

/** Where the download route redirects, and for how long that link works. */
export interface RecordingDownload {
  location: string;
  expiresInSeconds: number;
}

/**
 * `GET /v1/recordings/{id}/media`: a link to the recording's audio that expires (`expires_in` seconds,
 * 60–3600, default 300), signed for this one object; the API answers 302 to it. Only the owning
 * application's key gets one. Deleted → 410 `recording_deleted`; started or failed (no stored audio) →
 * 409 `recording_not_completed`.
 */
export async function recordingDownload(
  input: { apiKey: string | undefined; recordingId: string; expiresIn: string | undefined },
  deps: { archive: ArchiveStore; media: RecordingMedia } & AdmissionDeps,
): Promise<RecordingDownload> {
  const { stored, params: expiresInSeconds } = await loadOwnedRecording(input, deps, () =>
    parseExpiresIn(input.expiresIn),
  );
  const { recording } = stored;
  if (recording.status === 'deleted') throw new RecordingDeletedError();
  if (recording.status !== 'completed') throw new RecordingNotCompletedError();
  const location = await deps.media.downloadUrl(objectKeyOfRecording(recording), {
    expiresInSeconds,
    fileName: `${recording.id}.wav`,
  });
  return { location, expiresInSeconds };
}
