// Generated from openapi/openapi.json by `npm run openapi` (openapi-typescript). Do not edit:
// a test fails when this file and the document differ.

export interface paths {
  '/v1/calls/{call_id}/recordings': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * List a call's recordings
     * @description The call's recordings, oldest first, a page at a time; ended calls too, deleted recordings as `deleted`.
     */
    get: operations['listRecordings'];
    put?: never;
    /**
     * Start or stop recording a call
     * @description Starts (`{"action": "start"}`, no body, an empty body or `{}`) or stops (`{"action": "stop"}`) recording a live call. Checks answer in this order: authentication (401), the allowance (429), body not JSON (400 `invalid_json`), not an object / `action` not a string / malformed call id (400 `invalid_request`), unknown action (400 `invalid_action`), no such active call (404), no media-server channel (409), then the media server (502).
     *
     *     Starting an already started recording answers it again (no second recording, no second webhook). A stop answers once the audio is stored: the recording is `completed` with `storage_type: "s3"`. A new start after a stop creates `rec_<call_id>_2`, then `_3`, ….
     */
    post: operations['controlRecording'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/recordings/{recording_id}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Read a recording
     * @description One recording, in any state.
     */
    get: operations['getRecording'];
    put?: never;
    post?: never;
    /**
     * Delete a recording's audio
     * @description Deletes the audio for good; the recording stays, with `status: "deleted"` and `file_url: ""`, and `recording.deleted` is sent once. A repeated DELETE answers the identical recording; a `failed` recording can be deleted too, a `started` one cannot.
     */
    delete: operations['deleteRecording'];
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/recordings/{recording_id}/media': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Download a recording's audio
     * @description Redirects (302) to a signed link that downloads the audio (`audio/wav`, as an attachment) and stops working after `expires_in` seconds. Clients that follow redirects (`curl -L`) get the file; don't forward the `Authorization` header to the link's host.
     */
    get: operations['downloadRecording'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/webhook-events': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * List the application's webhook events
     * @description Webhook events in one delivery status, newest first, a page at a time. An event has a record from its first attempt on, kept 30 days after its last.
     */
    get: operations['listWebhookEvents'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/webhook-events/redeliver': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Send again every parked event since a time
     * @description Queues again every parked event of the application that happened since `since`. Accepted at once (202) and worked through in the background; each goes out with its own event id (dedupe on it).
     */
    post: operations['redeliverParkedEvents'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/webhook-events/{event_id}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Read a webhook event
     * @description One event: its every delivery attempt and the exact payload delivered.
     */
    get: operations['getWebhookEvent'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/webhook-events/{event_id}/redeliver': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Send a webhook event again
     * @description Queues the event again, exactly as it was, whatever its status (a delivered one is delivered again), with the same event id.
     */
    post: operations['redeliverWebhookEvent'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/webhook-endpoint': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * The webhook endpoint's health
     * @description Active, failing (since when), disabled (every attempt failed for 5 days; events are parked until the webhook is set again) or gone (it answered 410). Never shows the secret.
     */
    get: operations['getWebhookEndpoint'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
}
export interface webhooks {
  'recording.started': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * A recording started
     * @description Sent to the application's `webhook_url` (A recording started (`data.sequence` 1).). At least once; retried with backoff for more than 24 hours, then parked (see `GET /v1/webhook-events`), never dropped.
     */
    post: operations['recordingStartedWebhook'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  'recording.completed': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * A recording completed; its audio is stored
     * @description Sent to the application's `webhook_url` (A recording completed and its audio is stored: `stopped` by the API, `hangup`, or `media_server` for any other close (a limit).). At least once; retried with backoff for more than 24 hours, then parked (see `GET /v1/webhook-events`), never dropped.
     */
    post: operations['recordingCompletedWebhook'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  'recording.failed': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * A recording failed
     * @description Sent to the application's `webhook_url` (A recording failed: `start_failed`, `empty` (the media server kept no audio) or `storage_failed`.). At least once; retried with backoff for more than 24 hours, then parked (see `GET /v1/webhook-events`), never dropped.
     */
    post: operations['recordingFailedWebhook'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  'recording.deleted': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * A recording's audio was deleted
     * @description Sent to the application's `webhook_url` (A recording's audio was deleted: by DELETE or an operator (`deleted`) or by `retention`.). At least once; retried with backoff for more than 24 hours, then parked (see `GET /v1/webhook-events`), never dropped.
     */
    post: operations['recordingDeletedWebhook'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
}
export interface components {
  schemas: {
    /**
     * @description A call id.
     * @example call_123
     */
    CallId: string;
    ControlRecordingRequest: {
      /** @enum {string} */
      action?: 'start' | 'stop';
    };
    ControlRecordingResponse: {
      data: components['schemas']['ControlRecordingResult'];
    };
    ControlRecordingResult: {
      /**
       * @description A call id.
       * @example call_123
       */
      call_id: string;
      provider_call_id: string;
      /** @enum {string} */
      action: 'start' | 'stop';
      recording: components['schemas']['Recording'];
    };
    DeliveryAttempt: {
      /**
       * Format: date-time
       * @description RFC 3339.
       */
      at: string;
      /** @description HTTP status, or 0 when no response came (timeout, network error). */
      status_code: number;
      latency_ms: number;
      error?: string;
      /** @enum {string} */
      outcome: 'delivered' | 'retry' | 'parked';
    };
    Error: {
      error: {
        /** @description Stable; branch on it. */
        code: string;
        /** @description For people; may change. */
        message: string;
      };
    };
    /**
     * @description A webhook event id.
     * @example evt_0123abcd
     */
    EventId: string;
    Recording: {
      /**
       * @description A recording id: `rec_<call_id>` for the call's first recording, then `rec_<call_id>_2`, …
       * @example rec_call_123
       */
      id: string;
      /**
       * @description A call id.
       * @example call_123
       */
      call_id: string;
      /** @example cust_123 */
      customer_id: string;
      /** @example app_123 */
      application_id: string;
      /**
       * @description The media server's channel id of the call.
       * @example uuid
       */
      provider_call_id: string;
      /** @enum {string} */
      status: 'started' | 'completed' | 'failed' | 'deleted';
      /** @enum {string} */
      storage_type: 'local' | 's3';
      /**
       * @description `""` until completed, then `<API base URL>/v1/recordings/{recording_id}/media` (needs the key; never a public URL); `""` again once deleted.
       * @example
       * @example https://api.minivoice.eu/v1/recordings/rec_call_123/media
       */
      file_url: string;
      /** @description The audio's length; 0 until completed. */
      duration_seconds: number;
      /** @description The stored file's size; 0 until completed. */
      size_bytes: number;
      /**
       * Format: date-time
       * @description RFC 3339, UTC, seconds precision.
       * @example 2026-05-29T12:00:00Z
       */
      created_at: string;
      /**
       * Format: date-time
       * @description RFC 3339, UTC, seconds precision.
       * @example 2026-05-29T12:00:00Z
       */
      updated_at: string;
    };
    RecordingCompletedWebhook: {
      /** @constant */
      event: 'recording.completed';
      /**
       * Format: date-time
       * @description RFC 3339, UTC, seconds precision.
       * @example 2026-05-29T12:00:00Z
       */
      created_at: string;
      call: components['schemas']['WebhookCall'];
      /** @description Call variables (`{}` for recording events). */
      variables: {
        [key: string]: string;
      };
      data: {
        /**
         * @description `<recording id>:<event>`.
         * @example rec_call_123:recording.completed
         */
        event_key: string;
        recording: components['schemas']['Recording'];
        /** @enum {string} */
        end_reason: 'stopped' | 'hangup' | 'media_server';
        /** @description The event's place in the recording's life (1 its first, then 2, 3): keep the highest applied per `data.recording.id`, ignore lower ones. */
        sequence: number;
      };
    };
    RecordingDeletedWebhook: {
      /** @constant */
      event: 'recording.deleted';
      /**
       * Format: date-time
       * @description RFC 3339, UTC, seconds precision.
       * @example 2026-05-29T12:00:00Z
       */
      created_at: string;
      call: components['schemas']['WebhookCall'];
      /** @description Call variables (`{}` for recording events). */
      variables: {
        [key: string]: string;
      };
      data: {
        /**
         * @description `<recording id>:<event>`.
         * @example rec_call_123:recording.completed
         */
        event_key: string;
        recording: components['schemas']['Recording'];
        /** @enum {string} */
        reason: 'deleted' | 'retention';
        /** @description The event's place in the recording's life (1 its first, then 2, 3): keep the highest applied per `data.recording.id`, ignore lower ones. */
        sequence: number;
      };
    };
    RecordingFailedWebhook: {
      /** @constant */
      event: 'recording.failed';
      /**
       * Format: date-time
       * @description RFC 3339, UTC, seconds precision.
       * @example 2026-05-29T12:00:00Z
       */
      created_at: string;
      call: components['schemas']['WebhookCall'];
      /** @description Call variables (`{}` for recording events). */
      variables: {
        [key: string]: string;
      };
      data: {
        /**
         * @description `<recording id>:<event>`.
         * @example rec_call_123:recording.completed
         */
        event_key: string;
        recording: components['schemas']['Recording'];
        /** @enum {string} */
        reason: 'start_failed' | 'empty' | 'storage_failed';
        /** @description The event's place in the recording's life (1 its first, then 2, 3): keep the highest applied per `data.recording.id`, ignore lower ones. */
        sequence: number;
      };
    };
    /**
     * @description A recording id: `rec_<call_id>` for the call's first recording, then `rec_<call_id>_2`, …
     * @example rec_call_123
     */
    RecordingId: string;
    RecordingList: {
      data: components['schemas']['Recording'][];
      /** @description Pass it back as `cursor` for the next page; `null` on the last page. */
      next_cursor: string | null;
    };
    RecordingResponse: {
      data: components['schemas']['Recording'];
    };
    RecordingStartedWebhook: {
      /** @constant */
      event: 'recording.started';
      /**
       * Format: date-time
       * @description RFC 3339, UTC, seconds precision.
       * @example 2026-05-29T12:00:00Z
       */
      created_at: string;
      call: components['schemas']['WebhookCall'];
      /** @description Call variables (`{}` for recording events). */
      variables: {
        [key: string]: string;
      };
      data: {
        /**
         * @description `<recording id>:<event>`.
         * @example rec_call_123:recording.completed
         */
        event_key: string;
        recording: components['schemas']['Recording'];
        /** @description The event's place in the recording's life (1 its first, then 2, 3): keep the highest applied per `data.recording.id`, ignore lower ones. */
        sequence: number;
      };
    };
    RecordingWebhook:
      | components['schemas']['RecordingStartedWebhook']
      | components['schemas']['RecordingCompletedWebhook']
      | components['schemas']['RecordingFailedWebhook']
      | components['schemas']['RecordingDeletedWebhook'];
    RedeliverParkedRequest: {
      /**
       * Format: date-time
       * @description RFC 3339: every parked event that happened since then is sent again.
       * @example 2026-11-24T00:00:00Z
       */
      since: string;
    };
    RedeliveredEventResponse: {
      data: components['schemas']['WebhookEventSummary'];
    };
    RedeliveryAcceptedResponse: {
      data: {
        /**
         * Format: date-time
         * @description RFC 3339, UTC, milliseconds precision.
         * @example 2026-11-24T10:00:05.417Z
         */
        since: string;
        /** @constant */
        status: 'accepted';
      };
    };
    WebhookCall: {
      /**
       * @description A call id.
       * @example call_123
       */
      id: string;
      customer_id: string;
      application_id: string;
      provider_call_id: string;
      /**
       * @example in-progress
       * @example completed
       */
      status: string;
      /**
       * @example inbound
       * @example outbound
       */
      direction: string;
      /** @example +15551230001 */
      from: string;
      /** @example +15551230002 */
      to: string;
    };
    WebhookEndpoint: {
      url: string | null;
      /** @enum {string} */
      status: 'active' | 'failing' | 'disabled' | 'gone';
      failing_since: string | null;
      disabled_at: string | null;
      disabled_reason: string | null;
      /** @description During a secret rotation: until when deliveries are also signed with the previous secret. */
      previous_secret_expires_at: string | null;
    };
    WebhookEndpointResponse: {
      data: components['schemas']['WebhookEndpoint'];
    };
    WebhookEventDetail: {
      /**
       * @description A webhook event id.
       * @example evt_0123abcd
       */
      id: string;
      /** @example recording.completed */
      event_type: string;
      /** @enum {string} */
      status: 'pending' | 'delivered' | 'failing' | 'parked';
      /**
       * Format: date-time
       * @description RFC 3339, UTC, milliseconds precision.
       * @example 2026-11-24T10:00:05.417Z
       */
      occurred_at: string;
      call_id: string | null;
      attempt_count: number;
      last_attempt_at: string | null;
      last_status_code: number | null;
      delivered_at: string | null;
      /** @description Why it is parked (only when `status` is `parked`). */
      parked_reason: string | null;
      attempts: components['schemas']['DeliveryAttempt'][];
      payload: components['schemas']['RecordingWebhook'];
    };
    WebhookEventList: {
      data: components['schemas']['WebhookEventSummary'][];
      /** @description Pass it back as `cursor` for the next page; `null` on the last page. */
      next_cursor: string | null;
    };
    WebhookEventResponse: {
      data: components['schemas']['WebhookEventDetail'];
    };
    WebhookEventSummary: {
      /**
       * @description A webhook event id.
       * @example evt_0123abcd
       */
      id: string;
      /** @example recording.completed */
      event_type: string;
      /** @enum {string} */
      status: 'pending' | 'delivered' | 'failing' | 'parked';
      /**
       * Format: date-time
       * @description RFC 3339, UTC, milliseconds precision.
       * @example 2026-11-24T10:00:05.417Z
       */
      occurred_at: string;
      call_id: string | null;
      attempt_count: number;
      last_attempt_at: string | null;
      last_status_code: number | null;
      delivered_at: string | null;
      /** @description Why it is parked (only when `status` is `parked`). */
      parked_reason: string | null;
    };
  };
  responses: {
    /** @description `unauthorized`: missing, malformed, unknown or revoked key, or a disabled application (checked first). */
    Unauthorized: {
      headers: {
        'X-Request-Id': components['headers']['RequestId'];
        'Cache-Control': components['headers']['CacheControl'];
        'WWW-Authenticate': components['headers']['WwwAuthenticate'];
        [name: string]: unknown;
      };
      content: {
        'application/json': {
          error: {
            /** @enum {string} */
            code: 'unauthorized';
            message: string;
          };
        };
      };
    };
    /** @description `forbidden`: blocked by the firewall before the API (AWS only). */
    Forbidden: {
      headers: {
        'X-Request-Id': components['headers']['RequestId'];
        'Cache-Control': components['headers']['CacheControl'];
        [name: string]: unknown;
      };
      content: {
        'application/json': {
          error: {
            /** @enum {string} */
            code: 'forbidden';
            message: string;
          };
        };
      };
    };
    /** @description `rate_limited`: over the application's allowance (50 requests/s, bursts of 100, all its keys together) or one source address over the firewall's limit; nothing was done. */
    RateLimited: {
      headers: {
        'X-Request-Id': components['headers']['RequestId'];
        'Cache-Control': components['headers']['CacheControl'];
        'Retry-After': components['headers']['RetryAfter'];
        [name: string]: unknown;
      };
      content: {
        'application/json': {
          error: {
            /** @enum {string} */
            code: 'rate_limited';
            message: string;
          };
        };
      };
    };
    /** @description `internal_error`: anything unexpected (details only in the logs). */
    InternalError: {
      headers: {
        'X-Request-Id': components['headers']['RequestId'];
        'Cache-Control': components['headers']['CacheControl'];
        [name: string]: unknown;
      };
      content: {
        'application/json': {
          error: {
            /** @enum {string} */
            code: 'internal_error';
            message: string;
          };
        };
      };
    };
    /** @description `internal_error`: the gateway's own answer: the function did not answer within 29 s (it may have taken effect; start, stop and DELETE are safe to retry). */
    InternalErrorGatewayTimeout: {
      headers: {
        'X-Request-Id': components['headers']['RequestId'];
        'Cache-Control': components['headers']['CacheControl'];
        [name: string]: unknown;
      };
      content: {
        'application/json': {
          error: {
            /** @enum {string} */
            code: 'internal_error';
            message: string;
          };
        };
      };
    };
    /** @description `internal_error`: the gateway's own answer: the function crashed. */
    InternalErrorBadGateway: {
      headers: {
        'X-Request-Id': components['headers']['RequestId'];
        'Cache-Control': components['headers']['CacheControl'];
        [name: string]: unknown;
      };
      content: {
        'application/json': {
          error: {
            /** @enum {string} */
            code: 'internal_error';
            message: string;
          };
        };
      };
    };
    /** @description `service_unavailable`: the table or the bucket is temporarily unavailable; retry after `Retry-After`. */
    ServiceUnavailable: {
      headers: {
        'X-Request-Id': components['headers']['RequestId'];
        'Cache-Control': components['headers']['CacheControl'];
        'Retry-After': components['headers']['RetryAfter'];
        [name: string]: unknown;
      };
      content: {
        'application/json': {
          error: {
            /** @enum {string} */
            code: 'service_unavailable';
            message: string;
          };
        };
      };
    };
    /** @description `payload_too_large`: a body over 10 MiB, refused by the gateway before authentication. */
    PayloadTooLarge: {
      headers: {
        'X-Request-Id': components['headers']['RequestId'];
        'Cache-Control': components['headers']['CacheControl'];
        [name: string]: unknown;
      };
      content: {
        'application/json': {
          error: {
            /** @enum {string} */
            code: 'payload_too_large';
            message: string;
          };
        };
      };
    };
    /** @description `recording_not_found`: no such recording for this application (another application’s is answered the same). */
    RecordingNotFound: {
      headers: {
        'X-Request-Id': components['headers']['RequestId'];
        'Cache-Control': components['headers']['CacheControl'];
        [name: string]: unknown;
      };
      content: {
        'application/json': {
          error: {
            /** @enum {string} */
            code: 'recording_not_found';
            message: string;
          };
        };
      };
    };
    /**
     * @description `payload_too_large`: a body over 64 KiB (after authentication).
     *
     *     `payload_too_large`: a body over 10 MiB, refused by the gateway before authentication.
     */
    PayloadTooLarge2: {
      headers: {
        'X-Request-Id': components['headers']['RequestId'];
        'Cache-Control': components['headers']['CacheControl'];
        [name: string]: unknown;
      };
      content: {
        'application/json': {
          error: {
            /** @enum {string} */
            code: 'payload_too_large';
            message: string;
          };
        };
      };
    };
    /** @description `invalid_request`: the recording id is malformed. */
    InvalidRequest: {
      headers: {
        'X-Request-Id': components['headers']['RequestId'];
        'Cache-Control': components['headers']['CacheControl'];
        [name: string]: unknown;
      };
      content: {
        'application/json': {
          error: {
            /** @enum {string} */
            code: 'invalid_request';
            message: string;
          };
        };
      };
    };
    /** @description `invalid_request`: the event id is malformed. */
    InvalidRequest2: {
      headers: {
        'X-Request-Id': components['headers']['RequestId'];
        'Cache-Control': components['headers']['CacheControl'];
        [name: string]: unknown;
      };
      content: {
        'application/json': {
          error: {
            /** @enum {string} */
            code: 'invalid_request';
            message: string;
          };
        };
      };
    };
    /** @description `webhook_event_not_found`: no such webhook event for this application (or its record, kept 30 days, has expired). */
    WebhookEventNotFound: {
      headers: {
        'X-Request-Id': components['headers']['RequestId'];
        'Cache-Control': components['headers']['CacheControl'];
        [name: string]: unknown;
      };
      content: {
        'application/json': {
          error: {
            /** @enum {string} */
            code: 'webhook_event_not_found';
            message: string;
          };
        };
      };
    };
    /** @description `not_found`: no such path. */
    RouteNotFound: {
      headers: {
        'X-Request-Id': components['headers']['RequestId'];
        'Cache-Control': components['headers']['CacheControl'];
        [name: string]: unknown;
      };
      content: {
        'application/json': {
          error: {
            /** @enum {string} */
            code: 'not_found';
            message: string;
          };
        };
      };
    };
    /** @description `method_not_allowed`: the path does not answer this method. */
    MethodNotAllowed: {
      headers: {
        'X-Request-Id': components['headers']['RequestId'];
        'Cache-Control': components['headers']['CacheControl'];
        Allow: components['headers']['Allow'];
        [name: string]: unknown;
      };
      content: {
        'application/json': {
          error: {
            /** @enum {string} */
            code: 'method_not_allowed';
            message: string;
          };
        };
      };
    };
  };
  parameters: never;
  requestBodies: never;
  headers: {
    /** @description This request's id (the API gateway's request id), on every answer. Every log line the request wrote carries it: quote it when asking for support. */
    RequestId: string;
    /** @description Answers are never cached (`no-store`). */
    CacheControl: string;
    /** @description Whole seconds to wait before trying again (at least 1). */
    RetryAfter: number;
    /** @description The scheme the API takes: `Bearer`. */
    WwwAuthenticate: 'Bearer';
    /** @description The methods the path answers. */
    Allow: string;
    /** @description A signed link to the audio, valid `expires_in` seconds. Not a permanent URL: do not store it. */
    Location: string;
  };
  pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
  listRecordings: {
    parameters: {
      query?: {
        /** @description Page size, 1–100. */
        limit?: number;
        /** @description The `next_cursor` of the previous page (only good for the same call). */
        cursor?: string;
      };
      header?: never;
      path: {
        /** @description The call (`call_` + letters and digits); a malformed one is 400 `invalid_request`. */
        call_id: components['schemas']['CallId'];
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description A page of recordings. */
      200: {
        headers: {
          'X-Request-Id': components['headers']['RequestId'];
          'Cache-Control': components['headers']['CacheControl'];
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['RecordingList'];
        };
      };
      /**
       * @description `invalid_request`: the call id is malformed.
       *
       *     `invalid_request`: `limit` is not an integer from 1 to 100.
       *
       *     `invalid_request`: a cursor that is not one this route gave for this call.
       */
      400: {
        headers: {
          'X-Request-Id': components['headers']['RequestId'];
          'Cache-Control': components['headers']['CacheControl'];
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            error: {
              /** @enum {string} */
              code: 'invalid_request';
              message: string;
            };
          };
        };
      };
      401: components['responses']['Unauthorized'];
      403: components['responses']['Forbidden'];
      /** @description `call_not_found`: no such call for this application (ended calls are found). */
      404: {
        headers: {
          'X-Request-Id': components['headers']['RequestId'];
          'Cache-Control': components['headers']['CacheControl'];
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            error: {
              /** @enum {string} */
              code: 'call_not_found';
              message: string;
            };
          };
        };
      };
      413: components['responses']['PayloadTooLarge'];
      429: components['responses']['RateLimited'];
      500: components['responses']['InternalError'];
      502: components['responses']['InternalErrorBadGateway'];
      503: components['responses']['ServiceUnavailable'];
      504: components['responses']['InternalErrorGatewayTimeout'];
    };
  };
  controlRecording: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /** @description The call (`call_` + letters and digits); a malformed one is 400 `invalid_request`. */
        call_id: components['schemas']['CallId'];
      };
      cookie?: never;
    };
    /** @description Optional: no body, an empty body or `{}` means start. */
    requestBody?: {
      content: {
        'application/json': components['schemas']['ControlRecordingRequest'];
      };
    };
    responses: {
      /** @description The recording as it now is: `started` after a start (also when it already was), `completed` after a stop. */
      200: {
        headers: {
          'X-Request-Id': components['headers']['RequestId'];
          'Cache-Control': components['headers']['CacheControl'];
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ControlRecordingResponse'];
        };
      };
      /**
       * @description `invalid_json`: the body is not JSON.
       *
       *     `invalid_request`: the body is not a JSON object, or `action` is not a string.
       *
       *     `invalid_request`: the call id is malformed.
       *
       *     `invalid_action`: `action` is neither `start` nor `stop`.
       */
      400: {
        headers: {
          'X-Request-Id': components['headers']['RequestId'];
          'Cache-Control': components['headers']['CacheControl'];
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            error: {
              /** @enum {string} */
              code: 'invalid_json' | 'invalid_request' | 'invalid_action';
              message: string;
            };
          };
        };
      };
      401: components['responses']['Unauthorized'];
      403: components['responses']['Forbidden'];
      /**
       * @description `active_call_not_found`: no such call for this application, or the call has ended.
       *
       *     `recording_not_started`: stop, but nothing is recording.
       */
      404: {
        headers: {
          'X-Request-Id': components['headers']['RequestId'];
          'Cache-Control': components['headers']['CacheControl'];
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            error: {
              /** @enum {string} */
              code: 'active_call_not_found' | 'recording_not_started';
              message: string;
            };
          };
        };
      };
      /** @description `call_uuid_missing`: the call has no media-server channel yet. */
      409: {
        headers: {
          'X-Request-Id': components['headers']['RequestId'];
          'Cache-Control': components['headers']['CacheControl'];
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            error: {
              /** @enum {string} */
              code: 'call_uuid_missing';
              message: string;
            };
          };
        };
      };
      413: components['responses']['PayloadTooLarge2'];
      429: components['responses']['RateLimited'];
      500: components['responses']['InternalError'];
      /**
       * @description `recording_start_failed`: the media server refused, or did not answer and is not recording (stored `failed`, `recording.failed` sent).
       *
       *     `recording_stop_failed`: the media server refused or did not answer, or the audio is not stored yet: the recording is still `started`; retry.
       *
       *     `internal_error`: the gateway's own answer: the function crashed.
       */
      502: {
        headers: {
          'X-Request-Id': components['headers']['RequestId'];
          'Cache-Control': components['headers']['CacheControl'];
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            error: {
              /** @enum {string} */
              code: 'recording_start_failed' | 'recording_stop_failed' | 'internal_error';
              message: string;
            };
          };
        };
      };
      /**
       * @description `call_busy`: another request held the call far longer than expected; retry.
       *
       *     `service_unavailable`: the table or the bucket is temporarily unavailable; retry after `Retry-After`.
       */
      503: {
        headers: {
          'X-Request-Id': components['headers']['RequestId'];
          'Cache-Control': components['headers']['CacheControl'];
          'Retry-After': components['headers']['RetryAfter'];
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            error: {
              /** @enum {string} */
              code: 'call_busy' | 'service_unavailable';
              message: string;
            };
          };
        };
      };
      504: components['responses']['InternalErrorGatewayTimeout'];
    };
  };
  getRecording: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /** @description The recording; a malformed id is 400 `invalid_request`. */
        recording_id: components['schemas']['RecordingId'];
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The recording. */
      200: {
        headers: {
          'X-Request-Id': components['headers']['RequestId'];
          'Cache-Control': components['headers']['CacheControl'];
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['RecordingResponse'];
        };
      };
      400: components['responses']['InvalidRequest'];
      401: components['responses']['Unauthorized'];
      403: components['responses']['Forbidden'];
      404: components['responses']['RecordingNotFound'];
      413: components['responses']['PayloadTooLarge'];
      429: components['responses']['RateLimited'];
      500: components['responses']['InternalError'];
      502: components['responses']['InternalErrorBadGateway'];
      503: components['responses']['ServiceUnavailable'];
      504: components['responses']['InternalErrorGatewayTimeout'];
    };
  };
  deleteRecording: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /** @description The recording; a malformed id is 400 `invalid_request`. */
        recording_id: components['schemas']['RecordingId'];
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The deleted recording. */
      200: {
        headers: {
          'X-Request-Id': components['headers']['RequestId'];
          'Cache-Control': components['headers']['CacheControl'];
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['RecordingResponse'];
        };
      };
      400: components['responses']['InvalidRequest'];
      401: components['responses']['Unauthorized'];
      403: components['responses']['Forbidden'];
      404: components['responses']['RecordingNotFound'];
      /** @description `recording_in_progress`: the recording is still `started`; stop it first. */
      409: {
        headers: {
          'X-Request-Id': components['headers']['RequestId'];
          'Cache-Control': components['headers']['CacheControl'];
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            error: {
              /** @enum {string} */
              code: 'recording_in_progress';
              message: string;
            };
          };
        };
      };
      413: components['responses']['PayloadTooLarge'];
      429: components['responses']['RateLimited'];
      500: components['responses']['InternalError'];
      502: components['responses']['InternalErrorBadGateway'];
      503: components['responses']['ServiceUnavailable'];
      504: components['responses']['InternalErrorGatewayTimeout'];
    };
  };
  downloadRecording: {
    parameters: {
      query?: {
        /** @description Seconds the link works, 60–3600. */
        expires_in?: number;
      };
      header?: never;
      path: {
        /** @description The recording; a malformed id is 400 `invalid_request`. */
        recording_id: components['schemas']['RecordingId'];
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The signed link is in `Location`; there is no body. */
      302: {
        headers: {
          Location: components['headers']['Location'];
          'X-Request-Id': components['headers']['RequestId'];
          'Cache-Control': components['headers']['CacheControl'];
          [name: string]: unknown;
        };
        content?: never;
      };
      /**
       * @description `invalid_request`: the recording id is malformed.
       *
       *     `invalid_request`: `expires_in` is not an integer from 60 to 3600.
       */
      400: {
        headers: {
          'X-Request-Id': components['headers']['RequestId'];
          'Cache-Control': components['headers']['CacheControl'];
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            error: {
              /** @enum {string} */
              code: 'invalid_request';
              message: string;
            };
          };
        };
      };
      401: components['responses']['Unauthorized'];
      403: components['responses']['Forbidden'];
      404: components['responses']['RecordingNotFound'];
      /** @description `recording_not_completed`: the recording has no stored audio (still `started`, or `failed`). */
      409: {
        headers: {
          'X-Request-Id': components['headers']['RequestId'];
          'Cache-Control': components['headers']['CacheControl'];
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            error: {
              /** @enum {string} */
              code: 'recording_not_completed';
              message: string;
            };
          };
        };
      };
      /** @description `recording_deleted`: the recording was deleted (by DELETE or retention); its audio is gone. */
      410: {
        headers: {
          'X-Request-Id': components['headers']['RequestId'];
          'Cache-Control': components['headers']['CacheControl'];
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            error: {
              /** @enum {string} */
              code: 'recording_deleted';
              message: string;
            };
          };
        };
      };
      413: components['responses']['PayloadTooLarge'];
      429: components['responses']['RateLimited'];
      500: components['responses']['InternalError'];
      502: components['responses']['InternalErrorBadGateway'];
      503: components['responses']['ServiceUnavailable'];
      504: components['responses']['InternalErrorGatewayTimeout'];
    };
  };
  listWebhookEvents: {
    parameters: {
      query: {
        /** @description Which events: `pending`, `delivered`, `failing` (retried) or `parked` (not retried). */
        status: 'pending' | 'delivered' | 'failing' | 'parked';
        /** @description Page size, 1–100. */
        limit?: number;
        /** @description The `next_cursor` of the previous page (only good for the same status). */
        cursor?: string;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description A page of webhook events. */
      200: {
        headers: {
          'X-Request-Id': components['headers']['RequestId'];
          'Cache-Control': components['headers']['CacheControl'];
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['WebhookEventList'];
        };
      };
      /**
       * @description `invalid_request`: `status` is missing or not a delivery status.
       *
       *     `invalid_request`: `limit` is not an integer from 1 to 100.
       *
       *     `invalid_request`: a cursor that is not one this list gave.
       */
      400: {
        headers: {
          'X-Request-Id': components['headers']['RequestId'];
          'Cache-Control': components['headers']['CacheControl'];
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            error: {
              /** @enum {string} */
              code: 'invalid_request';
              message: string;
            };
          };
        };
      };
      401: components['responses']['Unauthorized'];
      403: components['responses']['Forbidden'];
      413: components['responses']['PayloadTooLarge'];
      429: components['responses']['RateLimited'];
      500: components['responses']['InternalError'];
      502: components['responses']['InternalErrorBadGateway'];
      503: components['responses']['ServiceUnavailable'];
      504: components['responses']['InternalErrorGatewayTimeout'];
    };
  };
  redeliverParkedEvents: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** @description Since when. */
    requestBody?: {
      content: {
        'application/json': components['schemas']['RedeliverParkedRequest'];
      };
    };
    responses: {
      /** @description Accepted; `since` normalised to UTC with milliseconds. */
      202: {
        headers: {
          'X-Request-Id': components['headers']['RequestId'];
          'Cache-Control': components['headers']['CacheControl'];
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['RedeliveryAcceptedResponse'];
        };
      };
      /**
       * @description `invalid_json`: the body is not JSON.
       *
       *     `invalid_request`: the body is not a JSON object.
       *
       *     `invalid_request`: `since` is not an RFC 3339 time.
       */
      400: {
        headers: {
          'X-Request-Id': components['headers']['RequestId'];
          'Cache-Control': components['headers']['CacheControl'];
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            error: {
              /** @enum {string} */
              code: 'invalid_json' | 'invalid_request';
              message: string;
            };
          };
        };
      };
      401: components['responses']['Unauthorized'];
      403: components['responses']['Forbidden'];
      413: components['responses']['PayloadTooLarge2'];
      429: components['responses']['RateLimited'];
      500: components['responses']['InternalError'];
      502: components['responses']['InternalErrorBadGateway'];
      503: components['responses']['ServiceUnavailable'];
      504: components['responses']['InternalErrorGatewayTimeout'];
    };
  };
  getWebhookEvent: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /** @description The webhook event (`evt_…`, the `X-MiniVoice-Event-Id` of its deliveries). */
        event_id: components['schemas']['EventId'];
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The event. */
      200: {
        headers: {
          'X-Request-Id': components['headers']['RequestId'];
          'Cache-Control': components['headers']['CacheControl'];
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['WebhookEventResponse'];
        };
      };
      400: components['responses']['InvalidRequest2'];
      401: components['responses']['Unauthorized'];
      403: components['responses']['Forbidden'];
      404: components['responses']['WebhookEventNotFound'];
      413: components['responses']['PayloadTooLarge'];
      429: components['responses']['RateLimited'];
      500: components['responses']['InternalError'];
      502: components['responses']['InternalErrorBadGateway'];
      503: components['responses']['ServiceUnavailable'];
      504: components['responses']['InternalErrorGatewayTimeout'];
    };
  };
  redeliverWebhookEvent: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /** @description The webhook event (`evt_…`, the `X-MiniVoice-Event-Id` of its deliveries). */
        event_id: components['schemas']['EventId'];
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Queued: the event, now `pending`. */
      202: {
        headers: {
          'X-Request-Id': components['headers']['RequestId'];
          'Cache-Control': components['headers']['CacheControl'];
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['RedeliveredEventResponse'];
        };
      };
      400: components['responses']['InvalidRequest2'];
      401: components['responses']['Unauthorized'];
      403: components['responses']['Forbidden'];
      404: components['responses']['WebhookEventNotFound'];
      413: components['responses']['PayloadTooLarge'];
      429: components['responses']['RateLimited'];
      500: components['responses']['InternalError'];
      502: components['responses']['InternalErrorBadGateway'];
      503: components['responses']['ServiceUnavailable'];
      504: components['responses']['InternalErrorGatewayTimeout'];
    };
  };
  getWebhookEndpoint: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The endpoint. */
      200: {
        headers: {
          'X-Request-Id': components['headers']['RequestId'];
          'Cache-Control': components['headers']['CacheControl'];
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['WebhookEndpointResponse'];
        };
      };
      401: components['responses']['Unauthorized'];
      403: components['responses']['Forbidden'];
      413: components['responses']['PayloadTooLarge'];
      429: components['responses']['RateLimited'];
      500: components['responses']['InternalError'];
      502: components['responses']['InternalErrorBadGateway'];
      503: components['responses']['ServiceUnavailable'];
      504: components['responses']['InternalErrorGatewayTimeout'];
    };
  };
  recordingStartedWebhook: {
    parameters: {
      query?: never;
      header: {
        /** @description The event id: the same on every retry and redelivery. Deliveries are at least once: dedupe on it. */
        'X-MiniVoice-Event-Id': components['schemas']['EventId'];
        /** @description When the event happened, to the millisecond: orders events across recordings. */
        'X-MiniVoice-Event-Time': string;
        /** @description Unix seconds of this attempt (signed; reject stale ones). */
        'X-MiniVoice-Timestamp': string;
        /** @description When the application has a webhook secret: for each secret in force, `v1=<hex HMAC-SHA256(secret, timestamp + "." + body)>` and `v2=<hex HMAC-SHA256(secret, timestamp + "." + event_id + "." + body)>`, space-separated. Verify `v2` over the raw body bytes with `@minivoice/webhook-verifier` (or its Python module). */
        'X-MiniVoice-Signature'?: string;
        /** @description The sender. */
        'User-Agent': 'MiniVoice-Webhooks/1.0';
      };
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['RecordingStartedWebhook'];
      };
    };
    responses: {
      /** @description Gone: the endpoint is marked `gone` and further events are parked until the webhook is set again. */
      410: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Delivered (any 2xx; the body is ignored). Answer fast. */
      '2XX': {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Any other answer (a 3xx too: redirects are not followed), a timeout (10 s) or a network error: retried, no sooner than a `Retry-After` you send. */
      default: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
    };
  };
  recordingCompletedWebhook: {
    parameters: {
      query?: never;
      header: {
        /** @description The event id: the same on every retry and redelivery. Deliveries are at least once: dedupe on it. */
        'X-MiniVoice-Event-Id': components['schemas']['EventId'];
        /** @description When the event happened, to the millisecond: orders events across recordings. */
        'X-MiniVoice-Event-Time': string;
        /** @description Unix seconds of this attempt (signed; reject stale ones). */
        'X-MiniVoice-Timestamp': string;
        /** @description When the application has a webhook secret: for each secret in force, `v1=<hex HMAC-SHA256(secret, timestamp + "." + body)>` and `v2=<hex HMAC-SHA256(secret, timestamp + "." + event_id + "." + body)>`, space-separated. Verify `v2` over the raw body bytes with `@minivoice/webhook-verifier` (or its Python module). */
        'X-MiniVoice-Signature'?: string;
        /** @description The sender. */
        'User-Agent': 'MiniVoice-Webhooks/1.0';
      };
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['RecordingCompletedWebhook'];
      };
    };
    responses: {
      /** @description Gone: the endpoint is marked `gone` and further events are parked until the webhook is set again. */
      410: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Delivered (any 2xx; the body is ignored). Answer fast. */
      '2XX': {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Any other answer (a 3xx too: redirects are not followed), a timeout (10 s) or a network error: retried, no sooner than a `Retry-After` you send. */
      default: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
    };
  };
  recordingFailedWebhook: {
    parameters: {
      query?: never;
      header: {
        /** @description The event id: the same on every retry and redelivery. Deliveries are at least once: dedupe on it. */
        'X-MiniVoice-Event-Id': components['schemas']['EventId'];
        /** @description When the event happened, to the millisecond: orders events across recordings. */
        'X-MiniVoice-Event-Time': string;
        /** @description Unix seconds of this attempt (signed; reject stale ones). */
        'X-MiniVoice-Timestamp': string;
        /** @description When the application has a webhook secret: for each secret in force, `v1=<hex HMAC-SHA256(secret, timestamp + "." + body)>` and `v2=<hex HMAC-SHA256(secret, timestamp + "." + event_id + "." + body)>`, space-separated. Verify `v2` over the raw body bytes with `@minivoice/webhook-verifier` (or its Python module). */
        'X-MiniVoice-Signature'?: string;
        /** @description The sender. */
        'User-Agent': 'MiniVoice-Webhooks/1.0';
      };
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['RecordingFailedWebhook'];
      };
    };
    responses: {
      /** @description Gone: the endpoint is marked `gone` and further events are parked until the webhook is set again. */
      410: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Delivered (any 2xx; the body is ignored). Answer fast. */
      '2XX': {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Any other answer (a 3xx too: redirects are not followed), a timeout (10 s) or a network error: retried, no sooner than a `Retry-After` you send. */
      default: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
    };
  };
  recordingDeletedWebhook: {
    parameters: {
      query?: never;
      header: {
        /** @description The event id: the same on every retry and redelivery. Deliveries are at least once: dedupe on it. */
        'X-MiniVoice-Event-Id': components['schemas']['EventId'];
        /** @description When the event happened, to the millisecond: orders events across recordings. */
        'X-MiniVoice-Event-Time': string;
        /** @description Unix seconds of this attempt (signed; reject stale ones). */
        'X-MiniVoice-Timestamp': string;
        /** @description When the application has a webhook secret: for each secret in force, `v1=<hex HMAC-SHA256(secret, timestamp + "." + body)>` and `v2=<hex HMAC-SHA256(secret, timestamp + "." + event_id + "." + body)>`, space-separated. Verify `v2` over the raw body bytes with `@minivoice/webhook-verifier` (or its Python module). */
        'X-MiniVoice-Signature'?: string;
        /** @description The sender. */
        'User-Agent': 'MiniVoice-Webhooks/1.0';
      };
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['RecordingDeletedWebhook'];
      };
    };
    responses: {
      /** @description Gone: the endpoint is marked `gone` and further events are parked until the webhook is set again. */
      410: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Delivered (any 2xx; the body is ignored). Answer fast. */
      '2XX': {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Any other answer (a 3xx too: redirects are not followed), a timeout (10 s) or a network error: retried, no sooner than a `Retry-After` you send. */
      default: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
    };
  };
}
