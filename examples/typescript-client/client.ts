import createClient from 'openapi-fetch';
import type { components, paths } from './api-types.ts';

/** The recording object. */
export type Recording = components['schemas']['Recording'];

/** A page of a call's recordings. */
export type RecordingList = components['schemas']['RecordingList'];

/** A webhook event as the events list shows it. */
export type WebhookEventSummary = components['schemas']['WebhookEventSummary'];

/** The application's webhook endpoint. */
export type WebhookEndpoint = components['schemas']['WebhookEndpoint'];

/** An answer of the API that is not a success: its status, code (branch on it) and request id. */
export class MiniVoiceApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** `X-Request-Id`: quote it when asking for support. */
    readonly requestId: string | null,
    /** Seconds to wait before retrying (429, 503), when the API said. */
    readonly retryAfterSeconds: number | undefined,
  ) {
    super(`${status} ${code}: ${message}`);
    this.name = 'MiniVoiceApiError';
  }
}

/** What every call of openapi-fetch returns. */
type Result<T> = { data?: T; error?: unknown; response: Response };

/** The data of a success, or the API's error as a {@link MiniVoiceApiError}. */
function unwrap<T>({ data, error, response }: Result<T>): T {
  if (response.ok && data !== undefined) return data;
  const body = (error ?? {}) as Partial<components['schemas']['Error']>;
  const retryAfter = response.headers.get('retry-after');
  throw new MiniVoiceApiError(
    response.status,
    body.error?.code ?? 'unexpected_answer',
    body.error?.message ?? response.statusText,
    response.headers.get('x-request-id'),
    retryAfter === null ? undefined : Number(retryAfter),
  );
}

/** Options of {@link createMiniVoiceClient}. */
export interface MiniVoiceClientOptions {
  /** The API's base URL, e.g. `https://api.minivoice.eu` or `npm start`'s `http://127.0.0.1:3000`. */
  baseUrl: string;
  /** An API key of the application (`mv_live_…` or `mv_test_…`). */
  apiKey: string;
}

/**
 * A typed client of the MiniVoice Recordings API. `raw` is openapi-fetch's client over the types
 * generated from openapi/openapi.json: every route, parameter, body and answer is checked by the
 * compiler. The methods wrap the common calls and turn error answers into {@link MiniVoiceApiError}.
 */
export function createMiniVoiceClient(options: MiniVoiceClientOptions) {
  const raw = createClient<paths>({
    baseUrl: options.baseUrl.replace(/\/+$/, ''),
    headers: { Authorization: `Bearer ${options.apiKey}` },
  });
  const control = async (callId: string, action: 'start' | 'stop') =>
    unwrap(
      await raw.POST('/v1/calls/{call_id}/recordings', {
        params: { path: { call_id: callId } },
        body: { action },
      }),
    ).data.recording;

  return {
    raw,
    /** Starts recording a call (answers the started recording again if it already records). */
    startRecording: (callId: string): Promise<Recording> => control(callId, 'start'),
    /** Stops recording a call; answers once the audio is stored (`completed`). */
    stopRecording: (callId: string): Promise<Recording> => control(callId, 'stop'),
    /** A page of a call's recordings, oldest first. */
    async listRecordings(
      callId: string,
      page: { limit?: number; cursor?: string } = {},
    ): Promise<RecordingList> {
      return unwrap(
        await raw.GET('/v1/calls/{call_id}/recordings', {
          params: { path: { call_id: callId }, query: page },
        }),
      );
    },
    /** One recording. */
    async getRecording(recordingId: string): Promise<Recording> {
      return unwrap(
        await raw.GET('/v1/recordings/{recording_id}', { params: { path: { recording_id: recordingId } } }),
      ).data;
    },
    /**
     * A short-lived link to the recording's audio (the `Location` of the API's 302, not followed: the
     * link needs no key, and the key must not go to the storage host).
     */
    async downloadLink(recordingId: string, expiresIn?: number): Promise<string> {
      const result = await raw.GET('/v1/recordings/{recording_id}/media', {
        params: {
          path: { recording_id: recordingId },
          query: expiresIn === undefined ? {} : { expires_in: expiresIn },
        },
        redirect: 'manual',
      });
      const location = result.response.headers.get('location');
      if (result.response.status === 302 && location) return location;
      return unwrap<string>({ error: result.error, response: result.response });
    },
    /** Deletes a recording's audio; answers the recording, `deleted`. */
    async deleteRecording(recordingId: string): Promise<Recording> {
      return unwrap(
        await raw.DELETE('/v1/recordings/{recording_id}', {
          params: { path: { recording_id: recordingId } },
        }),
      ).data;
    },
    /** The application's webhook events in one delivery status, newest first. */
    async listWebhookEvents(status: WebhookEventSummary['status']): Promise<WebhookEventSummary[]> {
      return unwrap(await raw.GET('/v1/webhook-events', { params: { query: { status } } })).data;
    },
    /** The webhook endpoint's health. */
    async webhookEndpoint(): Promise<WebhookEndpoint> {
      return unwrap(await raw.GET('/v1/webhook-endpoint')).data;
    },
  };
}

/** The client's type. */
export type MiniVoiceClient = ReturnType<typeof createMiniVoiceClient>;
