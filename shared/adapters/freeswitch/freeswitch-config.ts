import * as z from 'zod/mini';
import { positiveInt, text } from '../../kernel/env.ts';
import type { RecordingProvider } from '../../recordings/ports.ts';
import {
  checkPathTemplate,
  createRecordingFiles,
  type RecordingFiles,
} from '../../recordings/recording-files.ts';
import { readSecretString } from '../secrets/secrets-manager-secret.ts';
import { createFreeSwitchProvider } from './freeswitch-provider.ts';

/** The environment of every function that commands FreeSWITCH (a zod shape to spread into its schema). */
export const freeSwitchEnv = {
  ESL_HOST: text(),
  ESL_PORT: positiveInt(8021),
  // In AWS the password lives in Secrets Manager (ESL_PASSWORD_SECRET_ARN); ESL_PASSWORD is for local runs.
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
  ESL_HOST: string;
  ESL_PORT: number;
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
 * The media server adapter and file naming of a function, built once per container. The Event Socket
 * password comes from Secrets Manager in AWS (read at cold start), or from the environment locally.
 */
export async function createMediaServer(
  config: FreeSwitchConfig,
): Promise<{ provider: RecordingProvider; files: RecordingFiles }> {
  const password = config.ESL_PASSWORD_SECRET_ARN
    ? await readSecretString(config.ESL_PASSWORD_SECRET_ARN)
    : (config.ESL_PASSWORD as string);
  const files = createRecordingFiles(config.RECORDING_PATH_TEMPLATE);
  const provider = createFreeSwitchProvider({
    host: config.ESL_HOST,
    port: config.ESL_PORT,
    password,
    timeoutMs: config.ESL_TIMEOUT_MS,
    files,
  });
  return { provider, files };
}
