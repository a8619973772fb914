import type { Clock } from '../kernel/clock.ts';
import type { Metrics } from '../kernel/metrics.ts';
import { ProviderError } from './errors.ts';
import type { RecordingProvider } from './ports.ts';

/** The media-server operations, as the `operation` dimension names them. */
type Operation = keyof RecordingProvider;

/**
 * The media server as every use case sees it, measured: each operation's latency
 * (`MediaServerLatency`, milliseconds, by `operation`: startRecording, stopRecording, isRecording,
 * stopFile), replies or not, and each failure (`MediaServerErrors`, by `operation` and `reason`:
 * unreachable, rejected, no_reply; `other` for anything that is not a `ProviderError`). The answers and
 * errors pass through unchanged.
 */
export function measureProvider(
  provider: RecordingProvider,
  metrics: Metrics,
  clock: Clock,
): RecordingProvider {
  const measured =
    <A extends unknown[], R>(operation: Operation, call: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      const startedAt = clock.now().getTime();
      try {
        return await call(...args);
      } catch (error) {
        const reason = error instanceof ProviderError ? error.reason : 'other';
        metrics.count('MediaServerErrors', 1, { operation, reason });
        throw error;
      } finally {
        metrics.duration('MediaServerLatency', clock.now().getTime() - startedAt, { operation });
      }
    };
  return {
    startRecording: measured('startRecording', (request) => provider.startRecording(request)),
    stopRecording: measured('stopRecording', (request) => provider.stopRecording(request)),
    isRecording: measured('isRecording', (request) => provider.isRecording(request)),
    stopFile: measured('stopFile', (file) => provider.stopFile(file)),
  };
}
