import { Aws, Fn, type RemovalPolicy } from 'aws-cdk-lib';
import {
  AccessLogField,
  AccessLogFormat,
  EndpointType,
  LambdaIntegration,
  LogGroupLogDestination,
  MethodLoggingLevel,
  RestApi,
} from 'aws-cdk-lib/aws-apigateway';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { ANSWER_HEADERS, envelopeTemplate, GATEWAY_ANSWERS } from './gateway-answers.ts';

/** The API's routes (method, path), all answered by the recordings function. */
export const ROUTES = [
  ['POST', '/v1/calls/{id}/recordings'],
  ['GET', '/v1/calls/{id}/recordings'],
  ['GET', '/v1/recordings/{id}'],
  ['GET', '/v1/recordings/{id}/media'],
  ['DELETE', '/v1/recordings/{id}'],
  ['GET', '/v1/webhook-events'],
  ['POST', '/v1/webhook-events/redeliver'],
  ['GET', '/v1/webhook-events/{id}'],
  ['POST', '/v1/webhook-events/{id}/redeliver'],
  ['GET', '/v1/webhook-endpoint'],
] as const;

/** What the API is built from. */
export interface RecordingsApiProps {
  handler: IFunction;
  /** The deployment stage: the stage name, the first path segment of the API's URL. */
  stageName: string;
  /** The stage's throttle: a global backstop for the account, not a per-customer limit. */
  throttle: { rateLimit: number; burstLimit: number };
  logRetention: RetentionDays;
  removalPolicy: RemovalPolicy;
}

/**
 * The regional REST API in front of the recordings function: Lambda proxy integration (payload 1.0) on
 * each route, `ANY` beside each route so another method still reaches the function (its 405), and
 * `{proxy+}` so an unknown path does too (its 404); every answer the gateway produces itself in the
 * spec's JSON envelope; JSON access logs and error-level execution logs (never bodies).
 */
export class RecordingsApi extends Construct {
  readonly api: RestApi;
  /**
   * `https://<id>.execute-api.<region>.<suffix>/<stage>`: no trailing slash, the spec's PUBLIC_API_URL.
   * Built from the REST API's id and the stage's name as a string, not from the Stage resource: the
   * recordings function (the API's own integration) takes it too, and a reference to the Stage would
   * make the function wait for the deployment that waits for the function.
   */
  readonly baseUrl: string;
  readonly accessLogs: LogGroup;

  constructor(scope: Construct, id: string, props: RecordingsApiProps) {
    super(scope, id);
    this.accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: props.logRetention,
      removalPolicy: props.removalPolicy,
    });
    const integration = new LambdaIntegration(props.handler, {
      proxy: true,
      // One invoke permission for the whole API instead of two per method (the function's resource policy
      // has a size limit, and every method here reaches the same function anyway).
      scopePermissionToMethod: false,
    });
    this.api = new RestApi(this, 'Default', {
      restApiName: `minivoice-recordings-${props.stageName}`,
      description: `MiniVoice Recordings API (${props.stageName})`,
      endpointConfiguration: { types: [EndpointType.REGIONAL] },
      defaultIntegration: integration,
      // Execution logs need the account's API Gateway logging role; the role is kept when a stack goes,
      // because every REST API of the account and region logs through it.
      cloudWatchRole: true,
      deployOptions: {
        stageName: props.stageName,
        throttlingRateLimit: props.throttle.rateLimit,
        throttlingBurstLimit: props.throttle.burstLimit,
        loggingLevel: MethodLoggingLevel.ERROR,
        // Request and response bodies may carry call data: never logged.
        dataTraceEnabled: false,
        // X-Ray: the gateway's segment, then the recordings function's, in one trace per request.
        tracingEnabled: true,
        metricsEnabled: false,
        accessLogDestination: new LogGroupLogDestination(this.accessLogs),
        accessLogFormat: AccessLogFormat.custom(
          JSON.stringify({
            requestId: AccessLogField.contextRequestId(),
            ip: AccessLogField.contextIdentitySourceIp(),
            requestTime: AccessLogField.contextRequestTime(),
            httpMethod: AccessLogField.contextHttpMethod(),
            resourcePath: AccessLogField.contextResourcePath(),
            path: AccessLogField.contextPath(),
            status: AccessLogField.contextStatus(),
            responseLength: AccessLogField.contextResponseLength(),
            latency: AccessLogField.contextResponseLatency(),
            integrationLatency: AccessLogField.contextIntegrationLatency(),
            integrationError: AccessLogField.contextIntegrationErrorMessage(),
            // Which gateway answer (THROTTLED, WAF_FILTERED, …) when the gateway answered itself.
            errorType: AccessLogField.contextErrorResponseType(),
            wafStatus: AccessLogField.contextWafResponseCode(),
            wafLatency: AccessLogField.contextWafLatency(),
            // The request's X-Ray trace (the stage is traced): from an access log line to its trace.
            xrayTraceId: AccessLogField.contextXrayTraceId(),
          }),
        ),
      },
    });

    // RestApi adds an output of its own URL (with a trailing slash); the stack's ApiUrl is the base URL.
    this.api.node.tryRemoveChild('Endpoint');

    const routed = new Set<string>();
    for (const [method, path] of ROUTES) {
      const resource = this.api.root.resourceForPath(path);
      resource.addMethod(method);
      if (!routed.has(path)) resource.addMethod('ANY');
      routed.add(path);
    }
    this.api.root.addMethod('ANY');
    this.api.root.addProxy({ anyMethod: true });

    for (const { type, error, setsStatus } of GATEWAY_ANSWERS) {
      this.api.addGatewayResponse(type.responseType, {
        type,
        ...(setsStatus ? { statusCode: String(error.statusCode) } : {}),
        // Header values are literals, so quoted.
        responseHeaders: Object.fromEntries(
          Object.entries({ ...ANSWER_HEADERS, ...error.headers }).map(([name, value]) => [
            name,
            `'${value}'`,
          ]),
        ),
        templates: { 'application/json': envelopeTemplate(error) },
      });
    }

    this.baseUrl = Fn.join('', [
      'https://',
      this.api.restApiId,
      '.execute-api.',
      Aws.REGION,
      '.',
      Aws.URL_SUFFIX,
      '/',
      props.stageName,
    ]);
  }
}
