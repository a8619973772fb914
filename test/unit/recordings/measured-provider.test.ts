import { describe, expect, it } from 'vitest';
import { ProviderError } from '../../../shared/recordings/errors.ts';
import { measureProvider } from '../../../shared/recordings/measured-provider.ts';
import type { ProviderRecordingRequest, RecordingProvider } from '../../../shared/recordings/ports.ts';
import { createManualClock } from '../../support/fakes/manual-clock.ts';
import { createMemoryMetrics } from '../../support/fakes/memory-metrics.ts';

const REQUEST: ProviderRecordingRequest = {
  providerCallId: 'uuid',
  mediaNode: 'fs-a',
  recordingId: 'rec_call_123',
  callId: 'call_123',
  customerId: 'cust_123',
  applicationId: 'app_123',
};

/** A media server that takes `ms` (on the manual clock) to answer each operation as scripted. */
function slowProvider(time: ReturnType<typeof createManualClock>, ms: number): RecordingProvider {
  const after = async <T>(answer: () => T): Promise<T> => {
    time.advance(ms);
    return answer();
  };
  return {
    startRecording: () => after(() => undefined),
    stopRecording: () => after(() => ({ kind: 'not_recording' }) as const),
    isRecording: () =>
      after(() => {
        throw new ProviderError('no reply within 3000 ms', 'no_reply');
      }),
    stopFile: () =>
      after(() => {
        throw new TypeError('socket destroyed');
      }),
  };
}

describe('measureProvider', () => {
  it('records each operation’s latency and passes its answer on', async () => {
    const time = createManualClock();
    const metrics = createMemoryMetrics();
    const provider = measureProvider(slowProvider(time, 40), metrics, time.clock);

    const answers = [await provider.startRecording(REQUEST), await provider.stopRecording(REQUEST)];

    expect([answers, metrics.points]).toEqual([
      [undefined, { kind: 'not_recording' }],
      [
        {
          name: 'MediaServerLatency',
          value: 40,
          unit: 'Milliseconds',
          dimensions: { operation: 'startRecording' },
        },
        {
          name: 'MediaServerLatency',
          value: 40,
          unit: 'Milliseconds',
          dimensions: { operation: 'stopRecording' },
        },
      ],
    ]);
  });

  it('counts each failure by operation and reason, records its latency too, and throws it unchanged', async () => {
    const time = createManualClock();
    const metrics = createMemoryMetrics();
    const provider = measureProvider(slowProvider(time, 3000), metrics, time.clock);

    const errors = [
      await provider.isRecording(REQUEST).catch((error: Error) => error.message),
      await provider
        .stopFile({ mediaNode: 'fs-a', channelUuid: 'uuid', path: '/rec/x.wav' })
        .catch((error: Error) => error.message),
    ];

    expect([errors, metrics.points]).toEqual([
      ['no reply within 3000 ms', 'socket destroyed'],
      [
        {
          name: 'MediaServerErrors',
          value: 1,
          unit: 'Count',
          dimensions: { operation: 'isRecording', reason: 'no_reply' },
        },
        {
          name: 'MediaServerLatency',
          value: 3000,
          unit: 'Milliseconds',
          dimensions: { operation: 'isRecording' },
        },
        {
          name: 'MediaServerErrors',
          value: 1,
          unit: 'Count',
          dimensions: { operation: 'stopFile', reason: 'other' },
        },
        {
          name: 'MediaServerLatency',
          value: 3000,
          unit: 'Milliseconds',
          dimensions: { operation: 'stopFile' },
        },
      ],
    ]);
  });
});
