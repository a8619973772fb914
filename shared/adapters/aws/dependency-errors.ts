import { DependencyUnavailableError } from '../../kernel/api-error.ts';

const TRANSIENT_NAMES = new Set([
  'TimeoutError',
  'ThrottlingException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'InternalServerError',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'TransactionConflictException',
  'LimitExceededException',
]);
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ECONNABORTED',
]);

interface SdkError {
  name?: string;
  code?: string;
  $metadata?: { httpStatusCode?: number };
  CancellationReasons?: { Code?: string }[];
}

/** True for failures that say "try again later" (outage, network, throttling, conflicts), not "you are wrong". */
function isTransient(error: unknown): boolean {
  const e = (error ?? {}) as SdkError;
  if (e.name && TRANSIENT_NAMES.has(e.name)) return true;
  if (e.code && NETWORK_CODES.has(e.code)) return true;
  if ((e.$metadata?.httpStatusCode ?? 0) >= 500) return true;
  return (e.CancellationReasons ?? []).some(
    (r) => r.Code === 'TransactionConflict' || r.Code === 'ThrottlingError',
  );
}

/** The error to raise for an SDK failure: transient ones become 503 `service_unavailable`. */
export function asDependencyError(error: unknown, dependency: string): unknown {
  return isTransient(error) ? new DependencyUnavailableError(dependency, { cause: error }) : error;
}

/**
 * Wraps an SDK client so transient failures surface as 503 `service_unavailable` (retry), while
 * everything else (conditional-check failures, validation errors) passes through unchanged. The SDK has
 * already retried with backoff by then.
 */
export function withDependencyErrors<T extends { send: (...args: never[]) => Promise<unknown> }>(
  client: T,
  dependency: string,
): T {
  const send = client.send.bind(client) as (...args: unknown[]) => Promise<unknown>;
  return new Proxy(client, {
    get(target, property, receiver) {
      if (property !== 'send') return Reflect.get(target, property, receiver);
      return async (...args: unknown[]) => {
        try {
          return await send(...args);
        } catch (error) {
          throw asDependencyError(error, dependency);
        }
      };
    },
  });
}
