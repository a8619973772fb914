import * as z from 'zod/mini';
import { positiveInt, text } from '../../kernel/env.ts';
import type { RecordingProvider } from '../../recordings/ports.ts';
import {
  checkPathTemplate,
  createRecordingFiles,
  type RecordingFiles,
} from '../../recordings/recording-files.ts';
import { createAwsClients } from '../aws/aws-clients.ts';
import { secretsManagerReader } from '../secrets/secrets-manager-secret.ts';
import { createEslFleet } from './esl-fleet.ts';
import { ESL_NODES_FORMAT, type EslNode, parseEslNodes } from './esl-nodes.ts';
import { fixedEslPassword, rereadableEslPassword } from './esl-password.ts';
import { createEslPool } from './esl-pool.ts';
import { createFreeSwitchProvider } from './freeswitch-provider.ts';

/** `ESL_NODES` read into the fleet's nodes; a malformed list is an issue naming what is wrong. */
const eslNodes = z.pipe(
  z.string({ error: `required: ${ESL_NODES_FORMAT} (it replaces ESL_HOST and ESL_PORT)` }),
  z.transform((value: string, context): EslNode[] => {
    try {
      return parseEslNodes(value);
    } catch (error) {
      context.issues.push({ code: 'custom', input: value, message: (error as Error).message });
      return z.NEVER;
    }
  }),
);

/** The environment of every function that commands FreeSWITCH (a zod shape to spread into its schema). */
export const freeSwitchEnv = {
  // The media servers, by name (a call's media_node): `fs-a=10.0.1.10:8021,fs-b=10.0.2.10:8021`.
  ESL_NODES: eslNodes,
  // One password for the fleet. In AWS it lives in Secrets Manager (ESL_PASSWORD_SECRET_ARN);
  // ESL_PASSWORD is for local runs.
  ESL_PASSWORD: z.optional(text()),
  ESL_PASSWORD_SECRET_ARN: z.optional(text()),
  ESL_TIMEOUT_MS: positiveInt(3000),
  RECORDING_PATH_TEMPLATE: z._default(
    text(),
    '/var/lib/freeswitch/recordings/{customer_id}/{call_id}/{recording_id}.wav',
  ),
};

/** Parsed FreeSWITCH settings. */
export interface FreeSwitchConfig {
  ESL_NODES: EslNode[];
  ESL_PASSWORD?: string | undefined;
  ESL_PASSWORD_SECRET_ARN?: string | undefined;
  ESL_TIMEOUT_MS: number;
  RECORDING_PATH_TEMPLATE: string;
}

/** The rules zod cannot express field by field; throws naming the variable. */
export function checkFreeSwitchConfig<T extends FreeSwitchConfig>(config: T): T {
  if ((config.ESL_PASSWORD === undefined) === (config.ESL_PASSWORD_SECRET_ARN === undefined)) {
    throw new Error(
      'invalid configuration: ESL_PASSWORD_SECRET_ARN: set exactly one of ESL_PASSWORD and ESL_PASSWORD_SECRET_ARN',
    );
  }
  const problem = checkPathTemplate(config.RECORDING_PATH_TEMPLATE);
  if (problem) throw new Error(`invalid configuration: RECORDING_PATH_TEMPLATE: ${problem}`);
  return config;
}

/**
 * The media server adapter and file naming of a function, built once per container: a pool of
 * authenticated Event Socket connections per node, kept across invocations. The password (one for the
 * fleet) comes from Secrets Manager in AWS (read at cold start, and read again when FreeSWITCH refuses
 * it, at most every 30 s: the secret was rotated), or from the environment locally (fixed).
 * `readSecret` reads the secret (Secrets Manager unless given).
 */
export async function createMediaServer(
  config: FreeSwitchConfig,
  readSecret: (secretId: string) => Promise<string> = secretsManagerReader(createAwsClients().secretsManager),
): Promise<{ provider: RecordingProvider; files: RecordingFiles }> {
  const secretId = config.ESL_PASSWORD_SECRET_ARN;
  const password = secretId
    ? await rereadableEslPassword(() => readSecret(secretId))
    : fixedEslPassword(config.ESL_PASSWORD as string);
  const files = createRecordingFiles(config.RECORDING_PATH_TEMPLATE);
  const fleet = createEslFleet(
    new Map(
      config.ESL_NODES.map((node) => [
        node.name,
        createEslPool({ host: node.host, port: node.port, password }, { timeoutMs: config.ESL_TIMEOUT_MS }),
      ]),
    ),
  );
  return { provider: createFreeSwitchProvider({ fleet, files }), files };
}
