import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Clock } from '../../kernel/clock.ts';
import { ProviderError } from '../../recordings/errors.ts';
import type { RecordingProvider } from '../../recordings/ports.ts';
import { renderRecordingLocation } from '../../recordings/recording-location.ts';
import { SIMULATED_SAMPLE_RATE, writeWavFile } from './wav-writer.ts';

/** Where the simulator keeps files and how they are reached over HTTP. */
export interface SimulatedMediaServerOptions {
  /** Directory holding the WAV files (and the simulator's per-channel state). */
  directory: string;
  /** Base URL that serves `directory`, e.g. `http://127.0.0.1:3000/recordings`. */
  baseUrl: string;
  clock: Clock;
}

interface ChannelState {
  file: string;
  started_at_ms: number;
}

// Relative file name inside `directory`; ids are validated upstream, so they are path-safe.
const FILE_TEMPLATE = '{customer_id}/{call_id}/{recording_id}.wav';

/**
 * A stand-in media server for local runs and tests. It keeps each channel's recording state on disk
 * (so start and stop may run in different processes) and on stop writes a real 8 kHz 16-bit mono WAV
 * whose length is the time that passed, so duration and size are true.
 */
export function createSimulatedMediaServer(options: SimulatedMediaServerOptions): RecordingProvider {
  const stateDir = join(options.directory, '.channels');
  const statePath = (providerCallId: string) => join(stateDir, `${encodeURIComponent(providerCallId)}.json`);

  async function readState(providerCallId: string): Promise<ChannelState | undefined> {
    try {
      return JSON.parse(await readFile(statePath(providerCallId), 'utf8')) as ChannelState;
    } catch {
      return undefined;
    }
  }

  return {
    async startRecording(request) {
      await mkdir(stateDir, { recursive: true });
      const state: ChannelState = {
        file: renderRecordingLocation(FILE_TEMPLATE, request),
        started_at_ms: options.clock.now().getTime(),
      };
      try {
        // 'wx' fails if the channel is already recording, as a second uuid_record would be refused.
        await writeFile(statePath(request.providerCallId), JSON.stringify(state), { flag: 'wx' });
      } catch {
        throw new ProviderError('-ERR channel is already recording', 'rejected');
      }
    },
    async stopRecording(request) {
      const state = await readState(request.providerCallId);
      if (!state) throw new ProviderError('-ERR channel is not recording', 'rejected');
      const elapsedMs = Math.max(0, options.clock.now().getTime() - state.started_at_ms);
      const samples = Math.round((elapsedMs * SIMULATED_SAMPLE_RATE) / 1000);
      const size = await writeWavFile(join(options.directory, state.file), samples);
      await rm(statePath(request.providerCallId), { force: true });
      return {
        file_url: `${options.baseUrl.replace(/\/$/, '')}/${state.file}`,
        duration_seconds: Math.round(elapsedMs / 1000),
        size_bytes: size,
      };
    },
  };
}
