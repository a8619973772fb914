import type { MiddlewareObj, Request } from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';

/** The response header naming the request, on every answer of the function. */
export const REQUEST_ID_HEADER = 'X-Request-Id';

/**
 * The id a client quotes for a request: API Gateway's request id (the access log's `requestId`, the
 * `x-amzn-RequestId` header the gateway adds, `api_request_id` on our log lines), or Lambda's request
 * id when the event came without one (a direct invocation).
 */
export function requestIdOf(
  event: Pick<APIGatewayProxyEvent, 'requestContext'>,
  context: Pick<Context, 'awsRequestId'>,
): string {
  return event.requestContext?.requestId || context.awsRequestId;
}

/**
 * Puts `X-Request-Id` on every answer: after the handler, and after the error envelope built an error's
 * answer (register it before the envelope: middy runs `onError` hooks last-registered first).
 */
export function requestIdHeader(): MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult> {
  const stamp = (request: Request<APIGatewayProxyEvent, APIGatewayProxyResult>) => {
    const { response } = request;
    if (!response) return;
    request.response = {
      ...response,
      headers: { ...response.headers, [REQUEST_ID_HEADER]: requestIdOf(request.event, request.context) },
    };
  };
  return { after: stamp, onError: stamp };
}
