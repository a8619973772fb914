import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { parseBearerKey } from '../../shared/accounts/api-key.ts';
import type { AdmissionDeps } from '../../shared/accounts/ports.ts';
import { withLogContext } from '../../shared/adapters/system/log-context.ts';
import { deleteRecording } from '../../shared/archive/delete-recording.ts';
import { recordingDownload } from '../../shared/archive/download-recording.ts';
import type { ArchiveDeps } from '../../shared/archive/ports.ts';
import { getOwnedRecording, listCallRecordings } from '../../shared/archive/read-recordings.ts';
import type { ScopedLogger } from '../../shared/kernel/logger.ts';
import { controlRecording } from '../../shared/recordings/control-recording.ts';
import type { RecordingDeps } from '../../shared/recordings/ports.ts';
import { recordingView } from '../../shared/recordings/recording-object.ts';
import type { Recording } from '../../shared/recordings/types.ts';
import type { WebhookEventsDeps } from '../../shared/webhook-events/ports.ts';
import {
  getWebhookEndpoint,
  getWebhookEvent,
  listWebhookEvents,
  redeliverParkedEvents,
  redeliverWebhookEvent,
} from '../../shared/webhook-events/webhook-events.ts';
import { errorEnvelope } from './http/error-envelope.ts';
import { readJsonBody } from './http/json-body.ts';
import { requestIdHeader, requestIdOf } from './http/request-id.ts';
import { jsonResponse, redirectResponse } from './http/responses.ts';
import { headerValue, matchRoute, queryValue, type Route } from './http/routes.ts';
import { parseRecordingCommand } from './request-schema.ts';

/**
 * Ports of the `recordings` Lambda: the recording, stored-recording and webhook-event use cases' ports,
 * the per-application request allowance every route takes from after authentication, a logger that
 * makes per-request children, and the API's public base URL (`PUBLIC_API_URL`) that completed
 * recordings' `file_url` is built from.
 */
export type RecordingsHandlerDeps = Omit<RecordingDeps, 'logger' | 'settings'> &
  Omit<ArchiveDeps, 'logger'> &
  WebhookEventsDeps &
  AdmissionDeps & {
    logger: ScopedLogger;
    settings: RecordingDeps['settings'] & { publicApiUrl: string };
  };

/**
 * The `recordings` Lambda behind API Gateway's REST API (Lambda proxy integration, payload format 1.0),
 * for any set of adapters (`deps.ts` wires the real ones): each route adapts the request to its one use
 * case; every `ApiError` becomes the JSON envelope in `errorEnvelope`; every answer carries
 * `X-Request-Id`. Each request runs in a log context (the Lambda request id, the gateway's request id,
 * the call, recording or event its path names), so every line written on its behalf carries them, and
 * ends with one `request` line (method, route, status, duration, error code).
 */
export function createRecordingsHandler(deps: RecordingsHandlerDeps) {
  // Every answer that shows a recording shows it through this (webhook payloads keep what they were sent).
  const view = (recording: Recording) => recordingView(recording, deps.settings.publicApiUrl);
  const handle = middy<APIGatewayProxyEvent, APIGatewayProxyResult, Error, Context>()
    // First, so that its onError runs after the envelope's: error answers carry the header too.
    .use(requestIdHeader())
    .use(errorEnvelope(deps.logger))
    .handler(async (event, context) => {
      const route = matchRoute(event);
      const logger = deps.logger.child(requestFields(event, context));
      const scoped = { ...deps, logger };
      const apiKey = parseBearerKey(headerValue(event, 'authorization'));
      switch (route.name) {
        case 'control-recording': {
          const command = parseRecordingCommand(event);
          const data = await controlRecording({ apiKey, callId: route.callId, command }, scoped);
          return jsonResponse(200, { data: { ...data, recording: view(data.recording) } });
        }
        case 'list-recordings': {
          const page = await listCallRecordings(
            {
              apiKey,
              callId: route.callId,
              limit: queryValue(event, 'limit'),
              cursor: queryValue(event, 'cursor'),
            },
            scoped,
          );
          return jsonResponse(200, { ...page, data: page.data.map(view) });
        }
        case 'get-recording':
          return jsonResponse(200, {
            data: view(await getOwnedRecording({ apiKey, recordingId: route.recordingId }, scoped)),
          });
        case 'delete-recording':
          return jsonResponse(200, {
            data: view(await deleteRecording({ apiKey, recordingId: route.recordingId }, scoped)),
          });
        case 'download-recording': {
          const download = await recordingDownload(
            { apiKey, recordingId: route.recordingId, expiresIn: queryValue(event, 'expires_in') },
            scoped,
          );
          return redirectResponse(download.location);
        }
        case 'list-webhook-events':
          return jsonResponse(
            200,
            await listWebhookEvents(
              {
                apiKey,
                status: queryValue(event, 'status'),
                limit: queryValue(event, 'limit'),
                cursor: queryValue(event, 'cursor'),
              },
              scoped,
            ),
          );
        case 'get-webhook-event':
          return jsonResponse(200, {
            data: await getWebhookEvent({ apiKey, eventId: route.eventId }, scoped),
          });
        case 'redeliver-webhook-event':
          return jsonResponse(202, {
            data: await redeliverWebhookEvent({ apiKey, eventId: route.eventId }, scoped),
          });
        case 'redeliver-parked-events':
          return jsonResponse(202, {
            data: await redeliverParkedEvents({ apiKey, body: readJsonBody(event) }, scoped),
          });
        case 'get-webhook-endpoint':
          return jsonResponse(200, { data: await getWebhookEndpoint({ apiKey }, scoped) });
      }
    });
  return async (event: APIGatewayProxyEvent, context: Context): Promise<APIGatewayProxyResult> =>
    withLogContext(requestFields(event, context), async () => {
      const startedAt = Date.now();
      const response = await handle(event, context);
      deps.logger.info('request', {
        method: event.httpMethod,
        route: routeNameOf(event),
        status: response.statusCode,
        duration_ms: Date.now() - startedAt,
        ...(response.statusCode >= 400 ? { code: errorCodeOf(response) } : {}),
      });
      return response;
    });
}

/**
 * What every line of a request carries: Lambda's request id, the gateway's (what the access log, the
 * `X-Request-Id` header and the client's support request show) and the ids its path names.
 */
function requestFields(event: APIGatewayProxyEvent, context: Context): Record<string, string> {
  let ids: Record<string, string> = {};
  try {
    ids = idsOf(matchRoute(event));
  } catch {
    // An unknown route or method names nothing (its 404 or 405 is the handler's to answer).
  }
  return { request_id: context.awsRequestId, api_request_id: requestIdOf(event, context), ...ids };
}

/** The route a request matched (`unmatched`: its answer was 404 or 405), for the request line. */
function routeNameOf(event: APIGatewayProxyEvent): string {
  try {
    return matchRoute(event).name;
  } catch {
    return 'unmatched';
  }
}

/** The error envelope's code, for the request line (the body is ours: always the envelope). */
function errorCodeOf(response: APIGatewayProxyResult): string | undefined {
  try {
    return (JSON.parse(response.body) as { error?: { code?: string } }).error?.code;
  } catch {
    return undefined;
  }
}

/** The ids a route names, for the request's log lines. */
function idsOf(route: Route): Record<string, string> {
  if ('callId' in route) return { call_id: route.callId };
  if ('recordingId' in route) return { recording_id: route.recordingId };
  if ('eventId' in route) return { event_id: route.eventId };
  return {};
}
