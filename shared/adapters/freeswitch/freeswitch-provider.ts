import { ProviderError } from '../../recordings/errors.ts';
import type { RecordingProvider, StopOutcome } from '../../recordings/ports.ts';
import type { RecordingFiles } from '../../recordings/recording-files.ts';
import { type EslSession, expectOk } from './esl-client.ts';
import type { EslFleet } from './esl-fleet.ts';

/** FreeSWITCH settings: the media servers' Event Sockets and where recordings are written. */
export interface FreeSwitchProviderOptions {
  fleet: EslFleet;
  files: RecordingFiles;
}

/** The FreeSWITCH adapter, and how to close the connections it keeps. */
export type FreeSwitchProvider = RecordingProvider & {
  /** Closes every kept Event Socket connection (tests and scripts; a Lambda container keeps them). */
  close(): void;
};

// FreeSWITCH channel UUIDs; anything else is refused before it reaches the socket.
const CHANNEL_UUID = /^[A-Za-z0-9-]{1,64}$/;
// Paths we record to: absolute, no spaces (uuid_record splits on them), nothing FreeSWITCH reads as syntax.
const SAFE_PATH = /^\/[A-Za-z0-9._/-]+$/;
// The replies to a stop of a file that is not recording: it closed already, or the channel is gone.
const NOT_RECORDING = ['-ERR Cannot stop record session!', '-ERR Cannot locate session!'];
// What FreeSWITCH reports when it kept no audio (the file is deleted).
const DISCARDED = new Set(['input-too-short', 'empty-file']);
const WAV_HEADER_BYTES = 44;

/**
 * Records through `uuid_record` over the Event Socket, one file per recording (stopped by its own path,
 * never "all"), on the media server holding the call's channel (the request's `mediaNode`; see
 * `EslFleet` for a call naming none). After a stop it reads the variables FreeSWITCH sets when it
 * closes the file (`record_ms`, `record_samples`, `record_completion_cause`) for the real length and
 * size (16-bit mono linear PCM WAV, FreeSWITCH's `.wav` default), or learns that nothing was kept.
 */
export function createFreeSwitchProvider(options: FreeSwitchProviderOptions): FreeSwitchProvider {
  const channel = (uuid: string) => {
    if (!CHANNEL_UUID.test(uuid))
      throw new ProviderError('provider call id is not a channel uuid', 'rejected');
    return uuid;
  };
  const safePath = (path: string) => {
    if (!SAFE_PATH.test(path))
      throw new ProviderError('recording path is not a plain absolute path', 'rejected');
    return path;
  };
  const session = async <T>(mediaNode: string | undefined, work: (esl: EslSession) => Promise<T>) =>
    options.fleet.sessionsFor(mediaNode).run(work);

  /** `uuid_buglist <uuid>`: whether `path` is recording on the channel (false when there is no channel). */
  async function recordingOn(esl: EslSession, uuid: string, path: string): Promise<boolean> {
    const command = `uuid_buglist ${channel(uuid)}`;
    const body = await esl.api(command);
    if (body.startsWith('-ERR no reply')) return false; // no such channel
    return recordTargets(expectOk(command, body)).includes(path);
  }

  /** `uuid_record … stop <path>`: true when it stopped, false when the file was not recording. */
  async function stop(esl: EslSession, uuid: string, path: string): Promise<boolean> {
    const command = `uuid_record ${channel(uuid)} stop ${safePath(path)}`;
    const body = await esl.api(command);
    if (NOT_RECORDING.includes(body)) return false;
    expectOk(command, body);
    return true;
  }

  return {
    async startRecording(request) {
      const command = `uuid_record ${channel(request.providerCallId)} start ${safePath(options.files.pathOf(request))}`;
      await session(request.mediaNode, async (esl) => expectOk(command, await esl.api(command)));
    },

    async stopRecording(request): Promise<StopOutcome> {
      const uuid = request.providerCallId;
      return session(request.mediaNode, async (esl) => {
        if (!(await stop(esl, uuid, options.files.pathOf(request)))) return { kind: 'not_recording' };
        const cause = await esl.api(`uuid_getvar ${uuid} record_completion_cause`);
        const milliseconds = await esl.api(`uuid_getvar ${uuid} record_ms`);
        const samples = await esl.api(`uuid_getvar ${uuid} record_samples`);
        // The channel hung up right after the stop: the file is closed, and its RECORD_STOP has the facts.
        if ([cause, milliseconds, samples].some((value) => value.startsWith('-ERR')))
          return { kind: 'not_recording' };
        if (DISCARDED.has(cause)) return { kind: 'discarded' };
        return {
          kind: 'stopped',
          facts: {
            duration_ms: parseCount(milliseconds),
            size_bytes: WAV_HEADER_BYTES + 2 * parseCount(samples),
          },
        };
      });
    },

    async isRecording(request) {
      const path = options.files.pathOf(request);
      return session(request.mediaNode, (esl) => recordingOn(esl, request.providerCallId, path));
    },

    async stopFile({ mediaNode, channelUuid, path }) {
      // Asked first, so that a stop whose answer is lost can be told from the stop of a closed file
      // (a late or repeated start event): only a file that was recording is reported stopped.
      let wasRecording = false;
      try {
        return await session(mediaNode, async (esl) => {
          if (!(await recordingOn(esl, channelUuid, path))) return 'not_recording';
          wasRecording = true;
          return (await stop(esl, channelUuid, path)) ? 'stopped' : 'not_recording';
        });
      } catch (error) {
        if (!(wasRecording && error instanceof ProviderError && error.uncertain)) throw error;
        // It was recording and the stop may have run: recording no more means stopped.
        if (await session(mediaNode, (esl) => recordingOn(esl, channelUuid, path))) throw error;
        return 'stopped';
      }
    },

    close: () => options.fleet.close(),
  };
}

/** The files of `session_record` bugs in a `uuid_buglist` answer. */
export function recordTargets(buglist: string): string[] {
  const targets: string[] = [];
  for (const bug of buglist.split('<media-bug>').slice(1)) {
    const fn = /<function>([^<]*)<\/function>/.exec(bug)?.[1];
    const target = /<target>([^\n]*)<\/target>/.exec(bug)?.[1];
    if (fn === 'session_record' && target !== undefined) targets.push(target);
  }
  return targets;
}

// `uuid_getvar` answers `_undef_` for an unset variable.
function parseCount(value: string): number {
  const n = Number.parseInt(value, 10);
  return Number.isFinite(n) && n > 0 ? n : 0;
}
