import { ResponseType } from 'aws-cdk-lib/aws-apigateway';
import { UnauthorizedError } from '../../shared/accounts/errors.ts';
import {
  ApiError,
  IntegrationFailedError,
  IntegrationTimeoutError,
  InternalError,
  InvalidRequestError,
  PayloadTooLargeError,
  RateLimitedError,
  RouteNotFoundError,
} from '../../shared/kernel/api-error.ts';

/** One answer the gateway produces itself: the error it answers with, in the spec's envelope. */
export interface GatewayAnswer {
  type: ResponseType;
  error: ApiError;
  /**
   * False for the DEFAULT_4XX and DEFAULT_5XX fallbacks: they keep the status of whatever answer they
   * stand for (setting theirs would change every other answer's status too).
   */
  setsStatus: boolean;
}

/** API Gateway's own limit on a request body (REST APIs: 10 MiB), refused before authentication. */
export const GATEWAY_BODY_LIMIT_BYTES = 10 * 1024 * 1024;

/** Seconds a client throttled by the stage's global backstop is told to wait. */
export const STAGE_RETRY_AFTER_SECONDS = 1;

/** 403 `forbidden`: refused by a resource policy or the firewall (nothing of ours answers 403). */
class ForbiddenError extends ApiError {
  constructor(message: string) {
    super(403, 'forbidden', message);
  }
}

const answer = (type: ResponseType, error: ApiError): GatewayAnswer => ({ type, error, setsStatus: true });
const fallback = (type: ResponseType, error: ApiError): GatewayAnswer => ({ type, error, setsStatus: false });

/**
 * Every answer the REST API's gateway can produce before or instead of the Lambda, built from the very
 * errors the Lambda and `npm start`'s gateway stand-in answer with (shared/kernel/api-error.ts), so the
 * three can never say different things: same status, code, message and headers.
 */
export const GATEWAY_ANSWERS: GatewayAnswer[] = [
  fallback(ResponseType.DEFAULT_4XX, new InvalidRequestError('the request was refused by the API gateway')),
  fallback(ResponseType.DEFAULT_5XX, new InternalError()),
  // The stage's throttle, a global backstop far above one application's allowance.
  answer(ResponseType.THROTTLED, new RateLimitedError(STAGE_RETRY_AFTER_SECONDS)),
  answer(ResponseType.QUOTA_EXCEEDED, new RateLimitedError(STAGE_RETRY_AFTER_SECONDS)),
  // The gateway's own body limit, before authentication; the Lambda's is 64 KiB.
  answer(ResponseType.REQUEST_TOO_LARGE, new PayloadTooLargeError(GATEWAY_BODY_LIMIT_BYTES)),
  // A REST API answers a path or method it has no resource for with 403 "Missing Authentication Token";
  // the spec's answer to an unknown route is 404 not_found, the Lambda's own behind {proxy+}.
  answer(ResponseType.MISSING_AUTHENTICATION_TOKEN, new RouteNotFoundError()),
  answer(ResponseType.RESOURCE_NOT_FOUND, new RouteNotFoundError()),
  answer(ResponseType.UNAUTHORIZED, new UnauthorizedError()),
  answer(ResponseType.ACCESS_DENIED, new ForbiddenError('access denied')),
  // WAF blocks without a custom response (the rate rules have their own 429 body).
  answer(ResponseType.WAF_FILTERED, new ForbiddenError('request blocked by the web application firewall')),
  answer(ResponseType.BAD_REQUEST_BODY, new InvalidRequestError('request body is not valid')),
  answer(ResponseType.BAD_REQUEST_PARAMETERS, new InvalidRequestError('request parameters are not valid')),
  answer(ResponseType.API_CONFIGURATION_ERROR, new InternalError()),
  answer(ResponseType.AUTHORIZER_CONFIGURATION_ERROR, new InternalError()),
  answer(ResponseType.AUTHORIZER_FAILURE, new InternalError()),
  // The function crashed or answered something that is not a response.
  answer(ResponseType.INTEGRATION_FAILURE, new IntegrationFailedError()),
  // The function did not answer within the gateway's 29 s: a start or stop may still have happened.
  answer(ResponseType.INTEGRATION_TIMEOUT, new IntegrationTimeoutError()),
];

/** The headers every gateway answer carries, as the Lambda's own answers do. */
export const ANSWER_HEADERS = { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' };

/**
 * The envelope of an error as a mapping template. Templates are Velocity: `$` and `#` would be read as
 * code, so no message may contain them (the envelope is static; the request id is in the
 * x-amzn-RequestId header).
 */
export function envelopeTemplate(error: ApiError): string {
  const body = JSON.stringify({ error: { code: error.code, message: error.message } });
  if (/[$#]/.test(body)) throw new Error(`gateway answer ${error.code}: "$" and "#" are Velocity syntax`);
  return body;
}
