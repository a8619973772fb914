// What `npm start` checks before it starts anything, and how it words a failure to start: one line
// saying which port or program, and what to do.
import { checkJavaForDynamoDbLocal } from '../emulators/java-check.ts';
import { assertPortsFree, PortInUseError, portHolder } from '../emulators/ports.ts';
import { EMULATOR_NAMES } from '../emulators/start-emulators.ts';
import { StartupProblem } from '../emulators/startup-problem.ts';
import type { LocalConfig } from './config.ts';

/** A port `npm start` binds: which of its programs, and the variable that moves it. */
export interface LocalPort {
  port: number;
  program: string;
  variable: string;
}

/** Every port `npm start` binds, as configured (0: any free one). */
export function localPorts(config: LocalConfig): LocalPort[] {
  return [
    { port: config.PORT, program: 'the local API', variable: 'PORT' },
    { port: config.LOCAL_DYNAMODB_PORT, program: EMULATOR_NAMES.dynamodb, variable: 'LOCAL_DYNAMODB_PORT' },
    { port: config.LOCAL_SQS_PORT, program: EMULATOR_NAMES.sqs, variable: 'LOCAL_SQS_PORT' },
    { port: config.LOCAL_S3_PORT, program: EMULATOR_NAMES.s3, variable: 'LOCAL_S3_PORT' },
    { port: config.LOCAL_ESL_PORT, program: 'the simulated FreeSWITCH', variable: 'LOCAL_ESL_PORT' },
    { port: config.LOCAL_KMS_PORT, program: 'the KMS stand-in', variable: 'LOCAL_KMS_PORT' },
  ];
}

/**
 * Checks, before any program starts, what would make one fail after the others started: a Java that
 * cannot run DynamoDB Local, a port another program holds.
 */
export async function preflight(ports: LocalPort[], path: string): Promise<void> {
  await checkJavaForDynamoDbLocal(path);
  await assertPortsFree(ports);
}

/**
 * The line `npm start` prints when it cannot start: a taken port says which program needed it, who
 * holds it and which variable moves it; a known problem its own line; anything else its message.
 */
export async function describeStartupFailure(error: unknown, ports: LocalPort[]): Promise<string> {
  const taken = await asPortInUse(error, ports);
  if (taken) {
    const variable = ports.find((p) => p.program === taken.program)?.variable;
    return `${taken.message}: stop it${variable ? `, or set ${variable} to another port (0 picks a free one)` : ''}`;
  }
  if (error instanceof StartupProblem) return error.message;
  return `failed: ${error instanceof Error ? error.message : String(error)}`;
}

/** A taken port, also when a program reported it as a bare EADDRINUSE error (the ESL simulator, KMS). */
async function asPortInUse(error: unknown, ports: LocalPort[]): Promise<PortInUseError | undefined> {
  if (error instanceof PortInUseError) return error;
  const system = error as NodeJS.ErrnoException & { port?: number };
  if (system?.code !== 'EADDRINUSE' || typeof system.port !== 'number') return undefined;
  const program = ports.find((p) => p.port === system.port)?.program ?? 'npm start';
  return new PortInUseError(system.port, program, await portHolder(system.port));
}
