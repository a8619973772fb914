import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type SimulatedFreeSwitch,
  startSimulatedFreeSwitch,
} from '../../scripts/local/simulated-freeswitch/server.ts';
import { createEslFleet } from '../../shared/adapters/freeswitch/esl-fleet.ts';
import { createEslPool, type EslPoolOptions } from '../../shared/adapters/freeswitch/esl-pool.ts';
import { createFreeSwitchProvider } from '../../shared/adapters/freeswitch/freeswitch-provider.ts';
import { createRecordingFiles, type RecordingFiles } from '../../shared/recordings/recording-files.ts';

/** A simulated FreeSWITCH for one test file, recording into a directory of its own. */
export async function startTestFreeSwitch(options: { hostname?: string } = {}) {
  const directory = mkdtempSync(join(tmpdir(), 'minivoice-fs-'));
  const freeswitch = await startSimulatedFreeSwitch({
    soundsDir: join(directory, 'sounds'),
    ...(options.hostname ? { hostname: options.hostname } : {}),
  });
  const pathTemplate = `${directory}/recordings/{customer_id}/{call_id}/{recording_id}.wav`;
  const files = createRecordingFiles(pathTemplate);
  return { freeswitch, files, directory, pathTemplate };
}

/** Options of {@link providerFor}: the pool's settings, a wrong password or another port. */
export type TestProviderOptions = Partial<EslPoolOptions> & { password?: string; port?: number };

/**
 * The real FreeSWITCH adapter with its connection pool, speaking the Event Socket to the simulated
 * FreeSWITCH as the fleet's only node (`fs-test`), so calls naming no node record there.
 */
export function providerFor(
  freeswitch: SimulatedFreeSwitch,
  files: RecordingFiles,
  overrides: TestProviderOptions = {},
) {
  return fleetProviderFor({ 'fs-test': freeswitch }, files, overrides);
}

/** The real FreeSWITCH adapter over several simulated nodes, by name (as `ESL_NODES` names them). */
export function fleetProviderFor(
  nodes: Record<string, SimulatedFreeSwitch>,
  files: RecordingFiles,
  overrides: TestProviderOptions = {},
) {
  const { password, port, ...pool } = overrides;
  return createFreeSwitchProvider({
    fleet: createEslFleet(
      new Map(
        Object.entries(nodes).map(([name, freeswitch]) => [
          name,
          createEslPool(
            {
              host: '127.0.0.1',
              port: port ?? freeswitch.port,
              password: password ?? freeswitch.password,
            },
            { timeoutMs: 2000, ...pool },
          ),
        ]),
      ),
    ),
    files,
  });
}
