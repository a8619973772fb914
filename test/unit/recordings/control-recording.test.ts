import { beforeEach, describe, expect, it } from 'vitest';
import { controlRecording, type ParsedCommand } from '../../../shared/recordings/control-recording.ts';
import {
  BASE_CALL,
  createRecordingFixture,
  errorOf,
  KEY,
  startedRecording,
} from '../../support/recording-use-case-fixture.ts';

const start: ParsedCommand = { ok: true, action: 'start' };
let f: ReturnType<typeof createRecordingFixture>;

beforeEach(() => {
  f = createRecordingFixture();
});

describe('controlRecording', () => {
  it('answers the spec response for a start', async () => {
    const result = await controlRecording({ apiKey: KEY, callId: 'call_123', command: start }, f.deps);

    expect(result).toEqual({
      call_id: 'call_123',
      provider_call_id: 'uuid',
      action: 'start',
      recording: startedRecording(),
    });
  });

  it('refuses a missing key before reading anything', async () => {
    const reads: unknown[] = [];
    f.deps.store = {
      ...f.deps.store,
      loadAccess: async (...args) => {
        reads.push(args);
        return { apiKey: undefined, call: undefined };
      },
    };

    expect(
      await errorOf(controlRecording({ apiKey: undefined, callId: 'bad', command: start }, f.deps)),
    ).toEqual([401, 'unauthorized']);
    expect(reads).toEqual([]);
  });

  it('answers 404 for a call of another customer of the same application', async () => {
    f.state.calls.set('call_123', { ...structuredClone(BASE_CALL), customer_id: 'cust_other' });

    expect(
      await errorOf(controlRecording({ apiKey: KEY, callId: 'call_123', command: start }, f.deps)),
    ).toEqual([404, 'active_call_not_found']);
  });
});
