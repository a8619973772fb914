import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { ApiError, InternalError } from '../../../shared/kernel/api-error.ts';
import type { Logger } from '../../../shared/kernel/logger.ts';
import { errorResponse } from './responses.ts';

/**
 * The one place errors become responses: `ApiError`s answer with their own status and code; anything
 * else is logged once (with the request id; the handler's log context adds the gateway's and the path's
 * ids) and answered as a generic 500 without details.
 */
export function errorEnvelope(logger: Logger): MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult> {
  return {
    onError: async (request) => {
      const { error } = request;
      if (error instanceof ApiError) {
        // A 5xx of ours (a media server or dependency failure) is worth a log line; 4xx are the client's.
        if (error.statusCode >= 500) {
          logger.error('answered with a server error', {
            request_id: request.context.awsRequestId,
            code: error.code,
            error_message: error.message,
            cause: String((error.cause as Error | undefined)?.name ?? error.cause),
          });
        }
        request.response = errorResponse(error);
        return;
      }
      logger.error('unhandled error', {
        request_id: request.context.awsRequestId,
        error_name: error?.name,
        error: error?.message,
        stack: error?.stack,
      });
      request.response = errorResponse(new InternalError());
    },
  };
}
