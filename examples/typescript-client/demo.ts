import { MiniVoiceApiError, type MiniVoiceClient } from './client.ts';

/**
 * A tour of the API with the typed client on one active call: start, list, stop (the audio is stored),
 * read, a download link, an error answered as the API documents it, the webhook endpoint. Each step
 * writes one line.
 */
export async function runDemo(client: MiniVoiceClient, callId: string, log: (line: string) => void) {
  const started = await client.startRecording(callId);
  log(`started ${started.id}: ${started.status}`);

  const page = await client.listRecordings(callId, { limit: 100 });
  log(`the call has ${page.data.length} recording(s); next_cursor ${page.next_cursor}`);

  const stopped = await client.stopRecording(callId);
  log(`stopped ${stopped.id}: ${stopped.status}, ${stopped.duration_seconds} s, ${stopped.size_bytes} bytes`);

  const read = await client.getRecording(stopped.id);
  log(`read ${read.id}: ${read.status}, stored in ${read.storage_type}`);

  const link = await client.downloadLink(stopped.id, 60);
  log(`download link (60 s): ${new URL(link).origin}/…`);

  try {
    await client.stopRecording(callId);
  } catch (error) {
    if (!(error instanceof MiniVoiceApiError)) throw error;
    log(`a second stop: ${error.status} ${error.code} (request ${error.requestId})`);
  }

  const endpoint = await client.webhookEndpoint();
  log(`webhook endpoint ${endpoint.url ?? '(none)'}: ${endpoint.status}`);
  return { started, stopped, read, link, endpoint };
}
