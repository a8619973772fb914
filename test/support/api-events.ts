import type { Context } from 'aws-lambda';
import { localLambdaContext } from '../../scripts/local/lambda-context.ts';

/** An API Gateway REST API event (Lambda proxy integration, payload 1.0) as AWS delivers it to the Lambda. */
export { apiGatewayEvent as apiEvent } from '../../scripts/local/api-gateway-event.ts';

/** A Lambda context with a fresh request id, as the recordings function gets it. */
export function lambdaContext(): Context {
  return localLambdaContext('recordings', 30_000);
}
