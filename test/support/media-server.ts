import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type SimulatedFreeSwitch,
  startSimulatedFreeSwitch,
} from '../../scripts/local/simulated-freeswitch/server.ts';
import { createFreeSwitchProvider } from '../../shared/adapters/freeswitch/freeswitch-provider.ts';
import { createRecordingFiles, type RecordingFiles } from '../../shared/recordings/recording-files.ts';

/** A simulated FreeSWITCH for one test file, recording into a directory of its own. */
export async function startTestFreeSwitch() {
  const directory = mkdtempSync(join(tmpdir(), 'minivoice-fs-'));
  const freeswitch = await startSimulatedFreeSwitch({ soundsDir: join(directory, 'sounds') });
  const pathTemplate = `${directory}/recordings/{customer_id}/{call_id}/{recording_id}.wav`;
  const files = createRecordingFiles(pathTemplate);
  return { freeswitch, files, directory, pathTemplate };
}

/** The real FreeSWITCH adapter, speaking the Event Socket to the simulated FreeSWITCH. */
export function providerFor(
  freeswitch: SimulatedFreeSwitch,
  files: RecordingFiles,
  overrides: { password?: string; timeoutMs?: number; port?: number } = {},
) {
  return createFreeSwitchProvider({
    host: '127.0.0.1',
    port: overrides.port ?? freeswitch.port,
    password: overrides.password ?? freeswitch.password,
    timeoutMs: overrides.timeoutMs ?? 2000,
    files,
  });
}
