import { beforeEach, describe, expect, it } from 'vitest';
import { InvalidRequestError } from '../../../shared/kernel/api-error.ts';
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

  describe('RecordingCommands metric', () => {
    const commands = () =>
      f.metrics.points.filter((point) => point.name === 'RecordingCommands').map((point) => point.dimensions);

    it('counts a start and a stop by the status they left the recording in', async () => {
      await controlRecording({ apiKey: KEY, callId: 'call_123', command: start }, f.deps);
      await controlRecording({ apiKey: KEY, callId: 'call_123', command: start }, f.deps);
      await controlRecording(
        { apiKey: KEY, callId: 'call_123', command: { ok: true, action: 'stop' } },
        f.deps,
      );

      expect(commands()).toEqual([
        { command: 'start', outcome: 'started' },
        { command: 'start', outcome: 'started' },
        { command: 'stop', outcome: 'completed' },
      ]);
    });

    it('counts a refused command by its error code, and one without an action as invalid', async () => {
      const invalid: ParsedCommand = {
        ok: false,
        error: new InvalidRequestError('action must be start or stop'),
        syntax: false,
      };
      await errorOf(controlRecording({ apiKey: undefined, callId: 'call_123', command: start }, f.deps));
      await errorOf(controlRecording({ apiKey: KEY, callId: 'call_123', command: invalid }, f.deps));
      f.media.failNext('start', 'unreachable');
      await errorOf(controlRecording({ apiKey: KEY, callId: 'call_123', command: start }, f.deps));

      expect(commands()).toEqual([
        { command: 'start', outcome: 'unauthorized' },
        { command: 'invalid', outcome: 'invalid_request' },
        { command: 'start', outcome: 'recording_start_failed' },
      ]);
    });

    it('counts an error that is not an ApiError as internal_error, and passes it on', async () => {
      f.deps.store = {
        ...f.deps.store,
        loadAccess: async () => {
          throw new TypeError('bug');
        },
      };

      await expect(
        controlRecording({ apiKey: KEY, callId: 'call_123', command: start }, f.deps),
      ).rejects.toThrow('bug');
      expect(commands()).toEqual([{ command: 'start', outcome: 'internal_error' }]);
    });
  });
});
