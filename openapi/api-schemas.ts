import * as z from 'zod/mini';
import type { RecordingList } from '../shared/archive/read-recordings.ts';
import type { ControlRecordingResult } from '../shared/recordings/control-recording.ts';
import type {
  DeletionReason,
  EndReason,
  FailureReason,
  Recording,
  RecordingStatus,
  StorageType,
} from '../shared/recordings/types.ts';
import type {
  WebhookEndpointView,
  WebhookEventDetail,
  WebhookEventSummary,
} from '../shared/webhook-events/views.ts';
import type { redeliverParkedEvents } from '../shared/webhook-events/webhook-events.ts';
import type { DeliveryAttempt, DeliveryStatus, WebhookEventType } from '../shared/webhooks/types.ts';

/** What a registered schema carries besides its shape: its component name in the OpenAPI document. */
export interface ComponentMeta {
  id: string;
  description?: string;
}

/**
 * Schemas of what the API answers and what webhooks carry, each under its component name. They are
 * rendered as they are *output* (objects closed: `additionalProperties: false`), so an answer with a
 * field the document does not name fails the conformance test.
 */
export const responseSchemas = z.registry<ComponentMeta>();

/**
 * Schemas of request bodies, rendered as they are *input*: fields the API ignores are allowed, as the
 * handlers ignore them.
 */
export const requestSchemas = z.registry<ComponentMeta>();

// Ids as the handlers accept them (shared/recordings/call-rules.ts and the id parsers): call ids have no
// further `_`, so `rec_<call_id>_<n>` is unambiguous.
const CALL_ID = /^call_[A-Za-z0-9]{1,64}$/;
const RECORDING_ID = /^rec_call_[A-Za-z0-9]{1,64}(_[1-9][0-9]*)?$/;
const EVENT_ID = /^evt_[a-z0-9]{1,64}$/;

/** A call id, `call_` + letters and digits (a path parameter too). */
export const callIdSchema = z
  .string()
  .check(z.regex(CALL_ID), z.meta({ description: 'A call id.', examples: ['call_123'] }));

/** A recording id: `rec_<call_id>` for a call's first recording, `rec_<call_id>_<n>` (n ≥ 2) after. */
export const recordingIdSchema = z.string().check(
  z.regex(RECORDING_ID),
  z.meta({
    description: "A recording id: `rec_<call_id>` for the call's first recording, then `rec_<call_id>_2`, …",
    examples: ['rec_call_123'],
  }),
);

/** A webhook event id, `evt_…`: the same on every retry and redelivery (the receiver's dedupe key). */
export const eventIdSchema = z
  .string()
  .check(z.regex(EVENT_ID), z.meta({ description: 'A webhook event id.', examples: ['evt_0123abcd'] }));

const secondsTime = z.string().check(
  z.regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/),
  z.meta({
    format: 'date-time',
    description: 'RFC 3339, UTC, seconds precision.',
    examples: ['2026-05-29T12:00:00Z'],
  }),
);

const millisecondsTime = z.string().check(
  z.regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
  z.meta({
    format: 'date-time',
    description: 'RFC 3339, UTC, milliseconds precision.',
    examples: ['2026-11-24T10:00:05.417Z'],
  }),
);

const anyTime = z.string().check(z.meta({ format: 'date-time', description: 'RFC 3339.' }));

const count = z.int().check(z.minimum(0));

/** `started`, `completed`, `failed` or `deleted`. */
export const recordingStatusSchema = z.enum(['started', 'completed', 'failed', 'deleted']);

/** `local` while the media server holds the file, `s3` once stored. */
export const storageTypeSchema = z.enum(['local', 's3']);

/** Why a recording completed (`recording.completed`'s `data.end_reason`). */
export const endReasonSchema = z.enum(['stopped', 'hangup', 'media_server']);

/** Why a recording failed (`recording.failed`'s `data.reason`). */
export const failureReasonSchema = z.enum(['start_failed', 'empty', 'storage_failed']);

/** Why a recording was deleted (`recording.deleted`'s `data.reason`). */
export const deletionReasonSchema = z.enum(['deleted', 'retention']);

/** Where an event's delivery stands. */
export const deliveryStatusSchema = z.enum(['pending', 'delivered', 'failing', 'parked']);

/** What `POST /v1/calls/{id}/recordings` does. */
export const recordingActionSchema = z.enum(['start', 'stop']);

/** The recording object, in answers and webhooks alike. */
export const recordingSchema = z
  .object({
    id: recordingIdSchema,
    call_id: callIdSchema,
    customer_id: z.string().check(z.meta({ examples: ['cust_123'] })),
    application_id: z.string().check(z.meta({ examples: ['app_123'] })),
    provider_call_id: z
      .string()
      .check(z.meta({ description: "The media server's channel id of the call.", examples: ['uuid'] })),
    status: recordingStatusSchema,
    storage_type: storageTypeSchema,
    file_url: z.string().check(
      z.meta({
        description:
          '`""` until completed, then `<API base URL>/v1/recordings/{recording_id}/media` (needs the key; never a public URL); `""` again once deleted.',
        examples: ['', 'https://api.minivoice.eu/v1/recordings/rec_call_123/media'],
      }),
    ),
    duration_seconds: count.check(z.meta({ description: "The audio's length; 0 until completed." })),
    size_bytes: count.check(z.meta({ description: "The stored file's size; 0 until completed." })),
    created_at: secondsTime,
    updated_at: secondsTime,
  })
  .register(responseSchemas, { id: 'Recording', description: 'A recording of a call.' });

/** `data` of a successful start or stop. */
export const controlRecordingResultSchema = z
  .object({
    call_id: callIdSchema,
    provider_call_id: z.string(),
    action: recordingActionSchema,
    recording: recordingSchema,
  })
  .register(responseSchemas, { id: 'ControlRecordingResult' });

/** The answer of a successful start or stop. */
export const controlRecordingResponseSchema = z
  .object({ data: controlRecordingResultSchema })
  .register(responseSchemas, { id: 'ControlRecordingResponse' });

/** One recording. */
export const recordingResponseSchema = z
  .object({ data: recordingSchema })
  .register(responseSchemas, { id: 'RecordingResponse' });

const nextCursor = z.nullable(z.string()).check(
  z.meta({
    description: 'Pass it back as `cursor` for the next page; `null` on the last page.',
  }),
);

/** A page of a call's recordings, oldest first. */
export const recordingListSchema = z
  .object({ data: z.array(recordingSchema), next_cursor: nextCursor })
  .register(responseSchemas, { id: 'RecordingList' });

/** The call as a webhook shows it (its status when the event happened). */
export const webhookCallSchema = z
  .object({
    id: callIdSchema,
    customer_id: z.string(),
    application_id: z.string(),
    provider_call_id: z.string(),
    status: z.string().check(z.meta({ examples: ['in-progress', 'completed'] })),
    direction: z.string().check(z.meta({ examples: ['inbound', 'outbound'] })),
    from: z.string().check(z.meta({ examples: ['+15551230001'] })),
    to: z.string().check(z.meta({ examples: ['+15551230002'] })),
  })
  .register(responseSchemas, {
    id: 'WebhookCall',
    description: 'The call, as it was when the event happened.',
  });

const eventKey = z.string().check(
  z.meta({
    description: '`<recording id>:<event>`.',
    examples: ['rec_call_123:recording.completed'],
  }),
);
const sequence = z.int().check(
  z.minimum(1),
  z.meta({
    description:
      "The event's place in the recording's life (1 its first, then 2, 3): keep the highest applied per `data.recording.id`, ignore lower ones.",
  }),
);
const variables = z
  .record(z.string(), z.string())
  .check(z.meta({ description: 'Call variables (`{}` for recording events).' }));

/** One webhook event's envelope, for an event type and what its `data` says beyond the recording. */
function webhookSchema<const E extends WebhookEventType, S extends z.core.$ZodLooseShape>(
  event: E,
  why: S,
  description: string,
) {
  return z
    .object({
      event: z.literal(event),
      created_at: secondsTime,
      call: webhookCallSchema,
      variables,
      data: z.object({ event_key: eventKey, recording: recordingSchema, ...why, sequence }),
    })
    .register(responseSchemas, { id: componentOfEvent(event), description });
}

/** The component name of an event's payload: `recording.started` → `RecordingStartedWebhook`. */
export function componentOfEvent(event: string): string {
  const words = event.split(/[._]/).map((word) => `${word[0]?.toUpperCase()}${word.slice(1)}`);
  return `${words.join('')}Webhook`;
}

/** `recording.started`. */
export const recordingStartedWebhookSchema = webhookSchema(
  'recording.started',
  {},
  'A recording started (`data.sequence` 1).',
);

/** `recording.completed`, once the audio is stored. */
export const recordingCompletedWebhookSchema = webhookSchema(
  'recording.completed',
  { end_reason: endReasonSchema },
  'A recording completed and its audio is stored: `stopped` by the API, `hangup`, or `media_server` for any other close (a limit).',
);

/** `recording.failed`. */
export const recordingFailedWebhookSchema = webhookSchema(
  'recording.failed',
  { reason: failureReasonSchema },
  'A recording failed: `start_failed`, `empty` (the media server kept no audio) or `storage_failed`.',
);

/** `recording.deleted`. */
export const recordingDeletedWebhookSchema = webhookSchema(
  'recording.deleted',
  { reason: deletionReasonSchema },
  "A recording's audio was deleted: by DELETE or an operator (`deleted`) or by `retention`.",
);

/** The webhook schema of each event type. */
export const WEBHOOK_SCHEMAS = {
  'recording.started': recordingStartedWebhookSchema,
  'recording.completed': recordingCompletedWebhookSchema,
  'recording.failed': recordingFailedWebhookSchema,
  'recording.deleted': recordingDeletedWebhookSchema,
} as const satisfies Record<WebhookEventType, unknown>;

/** Any recording event's envelope (the exact payload a webhook event delivered). */
export const recordingWebhookSchema = z
  .discriminatedUnion('event', [
    recordingStartedWebhookSchema,
    recordingCompletedWebhookSchema,
    recordingFailedWebhookSchema,
    recordingDeletedWebhookSchema,
  ])
  .register(responseSchemas, { id: 'RecordingWebhook' });

/** One delivery attempt. */
export const deliveryAttemptSchema = z
  .object({
    at: anyTime,
    status_code: z
      .int()
      .check(
        z.minimum(0),
        z.meta({ description: 'HTTP status, or 0 when no response came (timeout, network error).' }),
      ),
    latency_ms: count,
    error: z.optional(z.string()),
    outcome: z.enum(['delivered', 'retry', 'parked']),
  })
  .register(responseSchemas, { id: 'DeliveryAttempt' });

const summaryShape = {
  id: eventIdSchema,
  event_type: z.string().check(z.meta({ examples: ['recording.completed'] })),
  status: deliveryStatusSchema,
  occurred_at: millisecondsTime,
  call_id: z.nullable(z.string()),
  attempt_count: count,
  last_attempt_at: z.nullable(anyTime),
  last_status_code: z.nullable(z.int()),
  delivered_at: z.nullable(anyTime),
  parked_reason: z
    .nullable(z.string())
    .check(z.meta({ description: 'Why it is parked (only when `status` is `parked`).' })),
};

/** A webhook event in a list. */
export const webhookEventSummarySchema = z
  .object(summaryShape)
  .register(responseSchemas, { id: 'WebhookEventSummary' });

/** One webhook event in full. */
export const webhookEventDetailSchema = z
  .object({ ...summaryShape, attempts: z.array(deliveryAttemptSchema), payload: recordingWebhookSchema })
  .register(responseSchemas, { id: 'WebhookEventDetail' });

/** A page of webhook events, newest first. */
export const webhookEventListSchema = z
  .object({ data: z.array(webhookEventSummarySchema), next_cursor: nextCursor })
  .register(responseSchemas, { id: 'WebhookEventList' });

/** One webhook event, its attempts and its exact payload. */
export const webhookEventResponseSchema = z
  .object({ data: webhookEventDetailSchema })
  .register(responseSchemas, { id: 'WebhookEventResponse' });

/** A redelivery queued: the event, `pending`. */
export const redeliveredEventResponseSchema = z
  .object({ data: webhookEventSummarySchema })
  .register(responseSchemas, { id: 'RedeliveredEventResponse' });

/** A redelivery of parked events accepted. */
export const redeliveryAcceptedResponseSchema = z
  .object({ data: z.object({ since: millisecondsTime, status: z.literal('accepted') }) })
  .register(responseSchemas, { id: 'RedeliveryAcceptedResponse' });

/** The application's webhook endpoint (never its secret). */
export const webhookEndpointSchema = z
  .object({
    url: z.nullable(z.string()),
    status: z.enum(['active', 'failing', 'disabled', 'gone']),
    failing_since: z.nullable(anyTime),
    disabled_at: z.nullable(anyTime),
    disabled_reason: z.nullable(z.string()),
    previous_secret_expires_at: z.nullable(anyTime).check(
      z.meta({
        description:
          'During a secret rotation: until when deliveries are also signed with the previous secret.',
      }),
    ),
  })
  .register(responseSchemas, { id: 'WebhookEndpoint' });

/** The endpoint's answer. */
export const webhookEndpointResponseSchema = z
  .object({ data: webhookEndpointSchema })
  .register(responseSchemas, { id: 'WebhookEndpointResponse' });

/** Every error: `{"error": {"code", "message"}}`. */
export const errorSchema = z
  .object({
    error: z.object({
      code: z.string().check(z.meta({ description: 'Stable; branch on it.' })),
      message: z.string().check(z.meta({ description: 'For people; may change.' })),
    }),
  })
  .register(responseSchemas, { id: 'Error', description: 'The JSON error envelope of every error.' });

/** The error envelope with its `code` one of `codes` (one response's codes). */
export function errorSchemaFor(codes: readonly [string, ...string[]]) {
  return z.object({ error: z.object({ code: z.enum(codes), message: z.string() }) });
}

/** `POST /v1/calls/{id}/recordings`'s body: no body, an empty body or `{}` means start. */
export const controlRecordingRequestSchema = z
  .object({ action: z.optional(recordingActionSchema) })
  .register(requestSchemas, {
    id: 'ControlRecordingRequest',
    description:
      'Start or stop. No body, an empty body or `{}` means start; other fields are ignored. A non-string `action` is 400 `invalid_request`, another string 400 `invalid_action`.',
  });

/** `POST /v1/webhook-events/redeliver`'s body. */
export const redeliverParkedRequestSchema = z
  .object({
    since: z.string().check(
      z.meta({
        format: 'date-time',
        description: 'RFC 3339: every parked event that happened since then is sent again.',
        examples: ['2026-11-24T00:00:00Z'],
      }),
    ),
  })
  .register(requestSchemas, { id: 'RedeliverParkedRequest' });

// Each schema is bound to the type the handlers really build, so a change on either side without the
// other fails `tsc`. (`payload` is `unknown` in the view, since it is parsed from the stored body.)
type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Out<S extends z.core.$ZodType> = z.output<S>;
export type SchemaTypeChecks = [
  Same<Out<typeof recordingSchema>, Recording>,
  Same<Out<typeof recordingStatusSchema>, RecordingStatus>,
  Same<Out<typeof storageTypeSchema>, StorageType>,
  Same<Out<typeof endReasonSchema>, EndReason>,
  Same<Out<typeof failureReasonSchema>, FailureReason>,
  Same<Out<typeof deletionReasonSchema>, DeletionReason>,
  Same<Out<typeof deliveryStatusSchema>, DeliveryStatus>,
  Same<Out<typeof controlRecordingResultSchema>, ControlRecordingResult>,
  Same<Out<typeof recordingListSchema>, RecordingList>,
  Same<Out<typeof webhookEventSummarySchema>, WebhookEventSummary>,
  Same<Out<typeof deliveryAttemptSchema>, DeliveryAttempt>,
  Same<Omit<Out<typeof webhookEventDetailSchema>, 'payload'>, Omit<WebhookEventDetail, 'payload'>>,
  Same<Out<typeof webhookEndpointSchema>, WebhookEndpointView>,
  Same<
    Out<typeof redeliveryAcceptedResponseSchema>['data'],
    Awaited<ReturnType<typeof redeliverParkedEvents>>
  >,
  Same<Out<typeof recordingWebhookSchema>['event'], WebhookEventType>,
];
const schemasMatchTypes: SchemaTypeChecks = [
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
];
void schemasMatchTypes;
