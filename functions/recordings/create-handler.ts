import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { parseBearerKey } from '../../shared/accounts/api-key.ts';
import type { ScopedLogger } from '../../shared/kernel/logger.ts';
import { controlRecording } from '../../shared/recordings/control-recording.ts';
import type { RecordingDeps } from '../../shared/recordings/ports.ts';
import { errorEnvelope } from './http/error-envelope.ts';
import { jsonResponse } from './http/responses.ts';
import { headerValue, matchRecordingsRoute } from './http/routes.ts';
import { parseRecordingCommand } from './request-schema.ts';

/** Ports of the `recordings` Lambda: the use cases' ports, with a logger that makes per-request children. */
export type RecordingsHandlerDeps = Omit<RecordingDeps, 'logger'> & { logger: ScopedLogger };

/** The `recordings` Lambda for any set of adapters (`deps.ts` wires the real ones). */
export function createRecordingsHandler(deps: RecordingsHandlerDeps) {
  return middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Error, Context>()
    .use(errorEnvelope(deps.logger))
    .handler(async (event, context) => {
      const { callId } = matchRecordingsRoute(event);
      const logger = deps.logger.child({ request_id: context.awsRequestId, call_id: callId });
      const data = await controlRecording(
        {
          apiKey: parseBearerKey(headerValue(event, 'authorization')),
          callId,
          command: parseRecordingCommand(event),
        },
        { ...deps, logger },
      );
      return jsonResponse(200, { data });
    });
}
