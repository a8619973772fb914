import type { Recording } from '../shared/recordings/types.ts';

// Examples from the spec (/work/shared/spec/recordings-api.md) and the README. The generator checks
// every example against its schema, so none can show a shape the API does not answer.

const startedRecording: Recording = {
  id: 'rec_call_123',
  call_id: 'call_123',
  customer_id: 'cust_123',
  application_id: 'app_123',
  provider_call_id: 'uuid',
  status: 'started',
  storage_type: 'local',
  file_url: '',
  duration_seconds: 0,
  size_bytes: 0,
  created_at: '2026-05-29T12:00:00Z',
  updated_at: '2026-05-29T12:00:00Z',
};

const completedRecording: Recording = {
  ...startedRecording,
  status: 'completed',
  storage_type: 's3',
  file_url: 'https://api.minivoice.eu/v1/recordings/rec_call_123/media',
  duration_seconds: 42,
  size_bytes: 1344044,
  updated_at: '2026-05-29T12:00:42Z',
};

const deletedRecording: Recording = {
  ...completedRecording,
  status: 'deleted',
  file_url: '',
  updated_at: '2026-05-29T12:05:00Z',
};

/** Recordings in each state. */
export const RECORDING_EXAMPLES = {
  started: startedRecording,
  completed: completedRecording,
  deleted: deletedRecording,
} as const;

const call = {
  id: 'call_123',
  customer_id: 'cust_123',
  application_id: 'app_123',
  provider_call_id: 'uuid',
  status: 'in-progress',
  direction: 'inbound',
  from: '+15551230001',
  to: '+15551230002',
};

/** A payload of each webhook event. */
export const WEBHOOK_EXAMPLES = {
  'recording.started': {
    event: 'recording.started',
    created_at: '2026-05-29T12:00:00Z',
    call,
    variables: {},
    data: { event_key: 'rec_call_123:recording.started', recording: startedRecording, sequence: 1 },
  },
  'recording.completed': {
    event: 'recording.completed',
    created_at: '2026-05-29T12:00:42Z',
    call: { ...call, status: 'completed' },
    variables: {},
    data: {
      event_key: 'rec_call_123:recording.completed',
      recording: completedRecording,
      end_reason: 'hangup',
      sequence: 2,
    },
  },
  'recording.failed': {
    event: 'recording.failed',
    created_at: '2026-05-29T12:00:00Z',
    call,
    variables: {},
    data: {
      event_key: 'rec_call_123:recording.failed',
      recording: { ...startedRecording, status: 'failed' },
      reason: 'start_failed',
      sequence: 1,
    },
  },
  'recording.deleted': {
    event: 'recording.deleted',
    created_at: '2026-05-29T12:05:00Z',
    call: { ...call, status: 'completed' },
    variables: {},
    data: {
      event_key: 'rec_call_123:recording.deleted',
      recording: deletedRecording,
      reason: 'deleted',
      sequence: 3,
    },
  },
} as const;

const parkedEvent = {
  id: 'evt_0123abcd',
  event_type: 'recording.completed',
  status: 'parked',
  occurred_at: '2026-11-24T10:00:05.417Z',
  call_id: 'call_123',
  attempt_count: 24,
  last_attempt_at: '2026-11-25T16:12:40Z',
  last_status_code: 503,
  delivered_at: null,
  parked_reason: 'no attempt succeeded in 24 tries (last: HTTP 503)',
};

/** Webhook events as the events routes show them. */
export const WEBHOOK_EVENT_EXAMPLES = {
  parked: parkedEvent,
  detail: {
    ...parkedEvent,
    event_type: 'recording.completed',
    status: 'delivered',
    attempt_count: 2,
    last_status_code: 200,
    delivered_at: '2026-11-24T10:00:36Z',
    parked_reason: null,
    last_attempt_at: '2026-11-24T10:00:36Z',
    attempts: [
      {
        at: '2026-11-24T10:00:06Z',
        status_code: 503,
        latency_ms: 87,
        error: 'HTTP 503',
        outcome: 'retry',
      },
      { at: '2026-11-24T10:00:36Z', status_code: 200, latency_ms: 64, outcome: 'delivered' },
    ],
    payload: WEBHOOK_EXAMPLES['recording.completed'],
  },
  redelivered: { ...parkedEvent, status: 'pending', parked_reason: null },
  endpoint: {
    url: 'https://example.com/hooks/minivoice',
    status: 'failing',
    failing_since: '2026-11-24T10:00:06Z',
    disabled_at: null,
    disabled_reason: null,
    previous_secret_expires_at: null,
  },
} as const;
