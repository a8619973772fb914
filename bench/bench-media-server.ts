import { join } from 'node:path';
import { startSimulatedFreeSwitch } from '../scripts/local/simulated-freeswitch/server.ts';
import { createFreeSwitchProvider } from '../shared/adapters/freeswitch/freeswitch-provider.ts';
import { createRecordingFiles } from '../shared/recordings/recording-files.ts';
import { BUILD_DIR } from './build-bundles.ts';

/** The media server the bench records on: the simulated FreeSWITCH, reached over the Event Socket. */
export async function startBenchMediaServer() {
  const freeswitch = await startSimulatedFreeSwitch({ soundsDir: join(BUILD_DIR, 'sounds') });
  const pathTemplate = `${join(BUILD_DIR, 'recordings')}/{customer_id}/{call_id}/{recording_id}.wav`;
  const files = createRecordingFiles({
    path: pathTemplate,
    url: 'http://127.0.0.1:3000/recordings/{recording_id}.wav',
  });
  const provider = createFreeSwitchProvider({
    host: '127.0.0.1',
    port: freeswitch.port,
    password: freeswitch.password,
    timeoutMs: 3000,
    files,
  });
  return {
    freeswitch,
    files,
    provider,
    /** The recordings function's environment for this media server. */
    env: {
      ESL_HOST: '127.0.0.1',
      ESL_PORT: String(freeswitch.port),
      ESL_PASSWORD: freeswitch.password,
      RECORDING_PATH_TEMPLATE: pathTemplate,
      RECORDING_URL_TEMPLATE: 'http://127.0.0.1:3000/recordings/{recording_id}.wav',
    },
  };
}

/** The bench's media server. */
export type BenchMediaServer = Awaited<ReturnType<typeof startBenchMediaServer>>;
