import { MAX_BODY_BYTES, parseRecordingCommand } from '../functions/recordings/request-schema.ts';
import { GATEWAY_BODY_LIMIT_BYTES } from '../infra/constructs/gateway-answers.ts';
import { UnauthorizedError } from '../shared/accounts/errors.ts';
import {
  CallNotFoundError,
  RecordingDeletedError,
  RecordingInProgressError,
  RecordingNotCompletedError,
  RecordingNotFoundError,
} from '../shared/archive/errors.ts';
import {
  DOWNLOAD_EXPIRY,
  decodeCursor,
  parseExpiresIn,
  requireRecordingRef,
} from '../shared/archive/request-params.ts';
import {
  ApiError,
  DependencyUnavailableError,
  IntegrationFailedError,
  IntegrationTimeoutError,
  InternalError,
  InvalidJsonError,
  InvalidRequestError,
  PayloadTooLargeError,
  RateLimitedError,
} from '../shared/kernel/api-error.ts';
import { boundedInteger, LIST_LIMIT } from '../shared/kernel/query-params.ts';
import {
  ActiveCallNotFoundError,
  CallBusyError,
  CallUuidMissingError,
  InvalidActionError,
  RecordingNotStartedError,
  RecordingStartFailedError,
  RecordingStopFailedError,
} from '../shared/recordings/errors.ts';
import { WebhookEventNotFoundError } from '../shared/webhook-events/errors.ts';
import { parseSince, parseStatus, requireEventId } from '../shared/webhook-events/request-params.ts';
import { DELIVERY_STATUSES } from '../shared/webhooks/types.ts';
import { RECORDING_EXAMPLES, WEBHOOK_EVENT_EXAMPLES } from './examples.ts';

/** One error a route answers, and when. */
export interface ErrorCase {
  error: ApiError;
  when: string;
}

/** A path or query parameter. */
export interface ParameterSpec {
  name: string;
  in: 'path' | 'query';
  required: boolean;
  description: string;
  /** A JSON Schema (query values are strings on the wire; the schema says what they must read as). */
  schema: Record<string, unknown>;
}

/** One route: what it takes, what it answers on success, and every error it answers. */
export interface OperationSpec {
  method: 'get' | 'post' | 'delete';
  /** OpenAPI path template (its one parameter named for what it is, where routes.ts says `{id}`). */
  path: string;
  operationId: string;
  tag: 'Recordings' | 'Webhook events';
  summary: string;
  description: string;
  parameters: ParameterSpec[];
  requestBody?: { schema: string; description: string; examples: Record<string, unknown> };
  success:
    | { status: 200 | 202; description: string; schema: string; examples: Record<string, unknown> }
    | { status: 302; description: string };
  errors: ErrorCase[];
}

/** The error a parser throws for a bad value: the very status, code and message the API answers. */
function errorOf(parse: () => unknown): ApiError {
  try {
    parse();
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error('the example value was accepted; it must be one the API refuses');
}

/** 403 `forbidden`: the gateway's answer to a request the firewall blocks outright. */
const FIREWALL_BLOCK = new ApiError(403, 'forbidden', 'request blocked by the web application firewall');

/**
 * Errors of every route: authentication first; then the allowance; the gateway's own answers; a
 * dependency's outage; anything unexpected.
 */
const COMMON_ERRORS: ErrorCase[] = [
  {
    error: new UnauthorizedError(),
    when: 'missing, malformed, unknown or revoked key, or a disabled application (checked first)',
  },
  { error: FIREWALL_BLOCK, when: 'blocked by the firewall before the API (AWS only)' },
  {
    error: new PayloadTooLargeError(GATEWAY_BODY_LIMIT_BYTES),
    when: 'a body over 10 MiB, refused by the gateway before authentication',
  },
  {
    error: new RateLimitedError(1),
    when: "over the application's allowance (50 requests/s, bursts of 100, all its keys together) or one source address over the firewall's limit; nothing was done",
  },
  { error: new InternalError(), when: 'anything unexpected (details only in the logs)' },
  { error: new IntegrationFailedError(), when: "the gateway's own answer: the function crashed" },
  {
    error: new DependencyUnavailableError('storage'),
    when: 'the table or the bucket is temporarily unavailable; retry after `Retry-After`',
  },
  {
    error: new IntegrationTimeoutError(),
    when: "the gateway's own answer: the function did not answer within 29 s (it may have taken effect; start, stop and DELETE are safe to retry)",
  },
];

const callIdParameter: ParameterSpec = {
  name: 'call_id',
  in: 'path',
  required: true,
  description: 'The call (`call_` + letters and digits); a malformed one is 400 `invalid_request`.',
  schema: { $ref: '#/components/schemas/CallId' },
};

const recordingIdParameter: ParameterSpec = {
  name: 'recording_id',
  in: 'path',
  required: true,
  description: 'The recording; a malformed id is 400 `invalid_request`.',
  schema: { $ref: '#/components/schemas/RecordingId' },
};

const eventIdParameter: ParameterSpec = {
  name: 'event_id',
  in: 'path',
  required: true,
  description: 'The webhook event (`evt_…`, the `X-MiniVoice-Event-Id` of its deliveries).',
  schema: { $ref: '#/components/schemas/EventId' },
};

const limitParameter: ParameterSpec = {
  name: 'limit',
  in: 'query',
  required: false,
  description: `Page size, ${LIST_LIMIT.min}–${LIST_LIMIT.max}.`,
  schema: { type: 'integer', minimum: LIST_LIMIT.min, maximum: LIST_LIMIT.max, default: LIST_LIMIT.default },
};

const cursorParameter = (of: string): ParameterSpec => ({
  name: 'cursor',
  in: 'query',
  required: false,
  description: `The \`next_cursor\` of the previous page (only good for ${of}).`,
  schema: { type: 'string' },
});

const badLimit: ErrorCase = {
  error: errorOf(() => boundedInteger('limit', '0', LIST_LIMIT)),
  when: '`limit` is not an integer from 1 to 100',
};

const malformedRecordingId: ErrorCase = {
  error: errorOf(() => requireRecordingRef('rec_')),
  when: 'the recording id is malformed',
};

const recordingNotFound: ErrorCase = {
  error: new RecordingNotFoundError(),
  when: 'no such recording for this application (another application’s is answered the same)',
};

const eventNotFound: ErrorCase = {
  error: new WebhookEventNotFoundError(),
  when: 'no such webhook event for this application (or its record, kept 30 days, has expired)',
};

const malformedEventId: ErrorCase = {
  error: errorOf(() => requireEventId('evt-1')),
  when: 'the event id is malformed',
};

const commandError = (body: string): ApiError => {
  const parsed = parseRecordingCommand({ body, isBase64Encoded: false });
  if (parsed.ok) throw new Error(`the example body ${body} was accepted`);
  return parsed.error;
};

/** Every route of the API, in the order the reference shows them. */
export const OPERATIONS: OperationSpec[] = [
  {
    method: 'post',
    path: '/v1/calls/{call_id}/recordings',
    operationId: 'controlRecording',
    tag: 'Recordings',
    summary: 'Start or stop recording a call',
    description:
      'Starts (`{"action": "start"}`, no body, an empty body or `{}`) or stops (`{"action": "stop"}`) recording a live call. Checks answer in this order: authentication (401), the allowance (429), body not JSON (400 `invalid_json`), not an object / `action` not a string / malformed call id (400 `invalid_request`), unknown action (400 `invalid_action`), no such active call (404), no media-server channel (409), then the media server (502).\n\nStarting an already started recording answers it again (no second recording, no second webhook). A stop answers once the audio is stored: the recording is `completed` with `storage_type: "s3"`. A new start after a stop creates `rec_<call_id>_2`, then `_3`, ….',
    parameters: [callIdParameter],
    requestBody: {
      schema: 'ControlRecordingRequest',
      description: 'Optional: no body, an empty body or `{}` means start.',
      examples: { start: { value: { action: 'start' } }, stop: { value: { action: 'stop' } } },
    },
    success: {
      status: 200,
      description:
        'The recording as it now is: `started` after a start (also when it already was), `completed` after a stop.',
      schema: 'ControlRecordingResponse',
      examples: {
        started: {
          summary: 'start',
          value: {
            data: {
              call_id: 'call_123',
              provider_call_id: 'uuid',
              action: 'start',
              recording: RECORDING_EXAMPLES.started,
            },
          },
        },
        completed: {
          summary: 'stop',
          value: {
            data: {
              call_id: 'call_123',
              provider_call_id: 'uuid',
              action: 'stop',
              recording: RECORDING_EXAMPLES.completed,
            },
          },
        },
      },
    },
    errors: [
      { error: new InvalidJsonError(), when: 'the body is not JSON' },
      { error: commandError('[]'), when: 'the body is not a JSON object, or `action` is not a string' },
      {
        error: new InvalidRequestError('call id in the path is malformed'),
        when: 'the call id is malformed',
      },
      { error: new InvalidActionError(), when: '`action` is neither `start` nor `stop`' },
      {
        error: new ActiveCallNotFoundError(),
        when: 'no such call for this application, or the call has ended',
      },
      { error: new RecordingNotStartedError(), when: 'stop, but nothing is recording' },
      { error: new CallUuidMissingError(), when: 'the call has no media-server channel yet' },
      {
        error: new PayloadTooLargeError(MAX_BODY_BYTES),
        when: 'a body over 64 KiB (after authentication)',
      },
      {
        error: new RecordingStartFailedError(),
        when: 'the media server refused, or did not answer and is not recording (stored `failed`, `recording.failed` sent)',
      },
      {
        error: new RecordingStopFailedError(),
        when: 'the media server refused or did not answer, or the audio is not stored yet: the recording is still `started`; retry',
      },
      { error: new CallBusyError(), when: 'another request held the call far longer than expected; retry' },
    ],
  },
  {
    method: 'get',
    path: '/v1/calls/{call_id}/recordings',
    operationId: 'listRecordings',
    tag: 'Recordings',
    summary: "List a call's recordings",
    description:
      "The call's recordings, oldest first, a page at a time; ended calls too, deleted recordings as `deleted`.",
    parameters: [callIdParameter, limitParameter, cursorParameter('the same call')],
    success: {
      status: 200,
      description: 'A page of recordings.',
      schema: 'RecordingList',
      examples: {
        page: { value: { data: [RECORDING_EXAMPLES.completed], next_cursor: null } },
      },
    },
    errors: [
      {
        error: new InvalidRequestError('call id in the path is malformed'),
        when: 'the call id is malformed',
      },
      badLimit,
      {
        error: errorOf(() => decodeCursor('bogus', 'call_123')),
        when: 'a cursor that is not one this route gave for this call',
      },
      { error: new CallNotFoundError(), when: 'no such call for this application (ended calls are found)' },
    ],
  },
  {
    method: 'get',
    path: '/v1/recordings/{recording_id}',
    operationId: 'getRecording',
    tag: 'Recordings',
    summary: 'Read a recording',
    description: 'One recording, in any state.',
    parameters: [recordingIdParameter],
    success: {
      status: 200,
      description: 'The recording.',
      schema: 'RecordingResponse',
      examples: { completed: { value: { data: RECORDING_EXAMPLES.completed } } },
    },
    errors: [malformedRecordingId, recordingNotFound],
  },
  {
    method: 'delete',
    path: '/v1/recordings/{recording_id}',
    operationId: 'deleteRecording',
    tag: 'Recordings',
    summary: "Delete a recording's audio",
    description:
      'Deletes the audio for good; the recording stays, with `status: "deleted"` and `file_url: ""`, and `recording.deleted` is sent once. A repeated DELETE answers the identical recording; a `failed` recording can be deleted too, a `started` one cannot.',
    parameters: [recordingIdParameter],
    success: {
      status: 200,
      description: 'The deleted recording.',
      schema: 'RecordingResponse',
      examples: { deleted: { value: { data: RECORDING_EXAMPLES.deleted } } },
    },
    errors: [
      malformedRecordingId,
      recordingNotFound,
      { error: new RecordingInProgressError(), when: 'the recording is still `started`; stop it first' },
    ],
  },
  {
    method: 'get',
    path: '/v1/recordings/{recording_id}/media',
    operationId: 'downloadRecording',
    tag: 'Recordings',
    summary: "Download a recording's audio",
    description:
      "Redirects (302) to a signed link that downloads the audio (`audio/wav`, as an attachment) and stops working after `expires_in` seconds. Clients that follow redirects (`curl -L`) get the file; don't forward the `Authorization` header to the link's host.",
    parameters: [
      recordingIdParameter,
      {
        name: 'expires_in',
        in: 'query',
        required: false,
        description: `Seconds the link works, ${DOWNLOAD_EXPIRY.min}–${DOWNLOAD_EXPIRY.max}.`,
        schema: {
          type: 'integer',
          minimum: DOWNLOAD_EXPIRY.min,
          maximum: DOWNLOAD_EXPIRY.max,
          default: DOWNLOAD_EXPIRY.default,
        },
      },
    ],
    success: { status: 302, description: 'The signed link is in `Location`; there is no body.' },
    errors: [
      malformedRecordingId,
      {
        error: errorOf(() => parseExpiresIn('10')),
        when: '`expires_in` is not an integer from 60 to 3600',
      },
      recordingNotFound,
      {
        error: new RecordingNotCompletedError(),
        when: 'the recording has no stored audio (still `started`, or `failed`)',
      },
      {
        error: new RecordingDeletedError(),
        when: 'the recording was deleted (by DELETE or retention); its audio is gone',
      },
    ],
  },
  {
    method: 'get',
    path: '/v1/webhook-events',
    operationId: 'listWebhookEvents',
    tag: 'Webhook events',
    summary: "List the application's webhook events",
    description:
      'Webhook events in one delivery status, newest first, a page at a time. An event has a record from its first attempt on, kept 30 days after its last.',
    parameters: [
      {
        name: 'status',
        in: 'query',
        required: true,
        description: 'Which events: `pending`, `delivered`, `failing` (retried) or `parked` (not retried).',
        schema: { type: 'string', enum: [...DELIVERY_STATUSES] },
      },
      limitParameter,
      cursorParameter('the same status'),
    ],
    success: {
      status: 200,
      description: 'A page of webhook events.',
      schema: 'WebhookEventList',
      examples: { parked: { value: { data: [WEBHOOK_EVENT_EXAMPLES.parked], next_cursor: null } } },
    },
    errors: [
      { error: errorOf(() => parseStatus('lost')), when: '`status` is missing or not a delivery status' },
      badLimit,
      {
        error: new InvalidRequestError('cursor is not one this list gave'),
        when: 'a cursor that is not one this list gave',
      },
    ],
  },
  {
    method: 'post',
    path: '/v1/webhook-events/redeliver',
    operationId: 'redeliverParkedEvents',
    tag: 'Webhook events',
    summary: 'Send again every parked event since a time',
    description:
      'Queues again every parked event of the application that happened since `since`. Accepted at once (202) and worked through in the background; each goes out with its own event id (dedupe on it).',
    parameters: [],
    requestBody: {
      schema: 'RedeliverParkedRequest',
      description: 'Since when.',
      examples: { since: { value: { since: '2026-11-24T00:00:00Z' } } },
    },
    success: {
      status: 202,
      description: 'Accepted; `since` normalised to UTC with milliseconds.',
      schema: 'RedeliveryAcceptedResponse',
      examples: { accepted: { value: { data: { since: '2026-11-24T00:00:00.000Z', status: 'accepted' } } } },
    },
    errors: [
      { error: new InvalidJsonError(), when: 'the body is not JSON' },
      {
        error: new InvalidRequestError('request body must be a JSON object with "since"'),
        when: 'the body is not a JSON object',
      },
      { error: errorOf(() => parseSince('yesterday')), when: '`since` is not an RFC 3339 time' },
      {
        error: new PayloadTooLargeError(MAX_BODY_BYTES),
        when: 'a body over 64 KiB (after authentication)',
      },
    ],
  },
  {
    method: 'get',
    path: '/v1/webhook-events/{event_id}',
    operationId: 'getWebhookEvent',
    tag: 'Webhook events',
    summary: 'Read a webhook event',
    description: 'One event: its every delivery attempt and the exact payload delivered.',
    parameters: [eventIdParameter],
    success: {
      status: 200,
      description: 'The event.',
      schema: 'WebhookEventResponse',
      examples: { delivered: { value: { data: WEBHOOK_EVENT_EXAMPLES.detail } } },
    },
    errors: [malformedEventId, eventNotFound],
  },
  {
    method: 'post',
    path: '/v1/webhook-events/{event_id}/redeliver',
    operationId: 'redeliverWebhookEvent',
    tag: 'Webhook events',
    summary: 'Send a webhook event again',
    description:
      'Queues the event again, exactly as it was, whatever its status (a delivered one is delivered again), with the same event id.',
    parameters: [eventIdParameter],
    success: {
      status: 202,
      description: 'Queued: the event, now `pending`.',
      schema: 'RedeliveredEventResponse',
      examples: { pending: { value: { data: WEBHOOK_EVENT_EXAMPLES.redelivered } } },
    },
    errors: [malformedEventId, eventNotFound],
  },
  {
    method: 'get',
    path: '/v1/webhook-endpoint',
    operationId: 'getWebhookEndpoint',
    tag: 'Webhook events',
    summary: "The webhook endpoint's health",
    description:
      'Active, failing (since when), disabled (every attempt failed for 5 days; events are parked until the webhook is set again) or gone (it answered 410). Never shows the secret.',
    parameters: [],
    success: {
      status: 200,
      description: 'The endpoint.',
      schema: 'WebhookEndpointResponse',
      examples: { failing: { value: { data: WEBHOOK_EVENT_EXAMPLES.endpoint } } },
    },
    errors: [],
  },
];

/** A route's errors, its own and the common ones, by status. */
export function errorsOf(operation: OperationSpec): Map<number, ErrorCase[]> {
  const byStatus = new Map<number, ErrorCase[]>();
  for (const entry of [...operation.errors, ...COMMON_ERRORS]) {
    byStatus.set(entry.error.statusCode, [...(byStatus.get(entry.error.statusCode) ?? []), entry]);
  }
  return new Map([...byStatus.entries()].sort(([a], [b]) => a - b));
}
