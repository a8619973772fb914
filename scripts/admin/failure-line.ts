import { AdminError } from '../../shared/admin/errors.ts';
import { ApiError } from '../../shared/kernel/api-error.ts';
import { UsageError } from './usage-error.ts';

/** How a failed command is reported: one line (or, for an unforeseen error, the error itself) and an exit code. */
export interface FailureReport {
  /** What to print on stderr. */
  text: string;
  /** 2: the operator can fix it (command line, settings, npm start not running); 1: it failed. */
  exitCode: 1 | 2;
}

interface NodeSystemError {
  code?: string;
  address?: string;
  port?: number;
  cause?: unknown;
}

/**
 * Turns a failure into what the operator reads: a refusal or a setting to fix is one line with exit
 * code 2; an AWS service's refusal one line with exit code 1; anything else (a bug) the full error.
 */
export function reportFailure(error: unknown, local: boolean): FailureReport {
  if (error instanceof UsageError || error instanceof AdminError) return { text: error.message, exitCode: 2 };
  if (error instanceof ApiError) return { text: `${error.code}: ${error.message}`, exitCode: 2 };
  const refused = refusedConnection(error);
  if (refused && local) {
    return {
      text: `npm start is not running (no answer on ${refused}): start it with npm start, or drop --local to work on AWS`,
      exitCode: 2,
    };
  }
  if (refused) return { text: `no answer on ${refused}: check the endpoint settings`, exitCode: 1 };
  const name = error instanceof Error ? error.name : '';
  const message = error instanceof Error ? error.message : String(error);
  if (name === 'CredentialsProviderError') {
    return {
      text: 'no AWS credentials found: set AWS_PROFILE (or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY), or use --local with npm start running',
      exitCode: 2,
    };
  }
  if (/region is missing/i.test(message)) {
    return {
      text: 'set AWS_REGION (the region of the stack), or use --local with npm start running',
      exitCode: 2,
    };
  }
  // An AWS service's answer (it carries the SDK's $metadata): its name and message say it all.
  if (typeof error === 'object' && error !== null && '$metadata' in error) {
    return { text: `AWS refused: ${name}: ${message.split('\n')[0]}`, exitCode: 1 };
  }
  return { text: error instanceof Error ? (error.stack ?? message) : message, exitCode: 1 };
}

/** `host:port` of a refused connection anywhere in the error's cause chain. */
function refusedConnection(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth += 1) {
    const system = current as NodeSystemError;
    if (system.code === 'ECONNREFUSED') {
      return system.address ? `${system.address}:${system.port}` : 'its endpoints';
    }
    current = system.cause;
  }
  return undefined;
}
