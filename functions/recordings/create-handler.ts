import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { parseBearerKey } from '../../shared/domain/api-key.ts';
import { jsonResponse } from '../../shared/http/api-response.ts';
import { headerValue, matchRecordingsRoute } from '../../shared/http/api-routes.ts';
import { errorEnvelope } from '../../shared/http/error-envelope.ts';
import type { ScopedLogger } from '../../shared/ports.ts';
import { controlRecording } from '../../shared/use-cases/control-recording.ts';
import type { RecordingDeps } from '../../shared/use-cases/recording-deps.ts';
import { parseRecordingCommand } from './request-schema.ts';

/** The `recordings` Lambda for any set of adapters (the module `handler.ts` wires the real ones). */
export function createRecordingsHandler(deps: Omit<RecordingDeps, 'logger'> & { logger: ScopedLogger }) {
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
