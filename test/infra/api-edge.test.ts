import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { GATEWAY_BODY_LIMIT_BYTES } from '../../infra/constructs/gateway-answers.ts';
import { PayloadTooLargeError, RateLimitedError, RouteNotFoundError } from '../../shared/kernel/api-error.ts';
import {
  attOf,
  environmentOf,
  functionId,
  PROD_CONTEXT,
  refOf,
  resourceOf,
  synth,
} from './stack-template.ts';

let template: Template;
beforeAll(() => {
  template = synth();
});

const REST_API = /^Api[0-9A-F]{8}$/;
const STAGE = /^ApiDeploymentStage/;

/** Every method of the REST API as `METHOD /path`, and the properties of each. */
function methodsOf(source: Template) {
  const resources = source.findResources('AWS::ApiGateway::Resource');
  const pathOf = (ref: unknown): string => {
    const id = (ref as { Ref?: string }).Ref;
    const resource = id === undefined ? undefined : resources[id];
    if (!resource) return ''; // the root resource (RootResourceId)
    return `${pathOf(resource.Properties.ParentId)}/${resource.Properties.PathPart}`;
  };
  return Object.values(source.findResources('AWS::ApiGateway::Method')).map((method) => ({
    route: `${method.Properties.HttpMethod} ${pathOf(method.Properties.ResourceId) || '/'}`,
    properties: method.Properties as Record<string, unknown>,
  }));
}

/** The gateway responses by type: status, headers and the body template. */
function gatewayResponsesOf(source: Template) {
  return Object.fromEntries(
    Object.values(source.findResources('AWS::ApiGateway::GatewayResponse')).map((response) => [
      response.Properties.ResponseType,
      {
        status: response.Properties.StatusCode,
        headers: response.Properties.ResponseParameters,
        body: JSON.parse(response.Properties.ResponseTemplates['application/json']),
      },
    ]),
  );
}

/** The gateway response parameters of these headers (values quoted, as literals). */
function headers(extra: Record<string, string> = {}) {
  return Object.fromEntries(
    Object.entries({ 'Content-Type': 'application/json', 'Cache-Control': 'no-store', ...extra }).map(
      ([name, value]) => [`gatewayresponse.header.${name}`, `'${value}'`],
    ),
  );
}

const envelope = (code: string, message: string) => ({ error: { code, message } });

describe('RecordingsStack REST API', () => {
  it('is a regional REST API', () => {
    const [, api] = resourceOf(template, 'AWS::ApiGateway::RestApi', REST_API);

    expect(api.Properties).toEqual({
      Name: 'minivoice-recordings-dev',
      Description: 'MiniVoice Recordings API (dev)',
      EndpointConfiguration: { Types: ['REGIONAL'] },
    });
  });

  it('routes each route, any other method of its path, and any other path to the recordings function', () => {
    const routes = methodsOf(template).map((method) => method.route);

    expect(routes.sort()).toEqual(
      [
        'POST /v1/calls/{id}/recordings',
        'GET /v1/calls/{id}/recordings',
        'ANY /v1/calls/{id}/recordings',
        'GET /v1/recordings/{id}',
        'DELETE /v1/recordings/{id}',
        'ANY /v1/recordings/{id}',
        'GET /v1/recordings/{id}/media',
        'ANY /v1/recordings/{id}/media',
        'GET /v1/webhook-events',
        'ANY /v1/webhook-events',
        'POST /v1/webhook-events/redeliver',
        'ANY /v1/webhook-events/redeliver',
        'GET /v1/webhook-events/{id}',
        'ANY /v1/webhook-events/{id}',
        'POST /v1/webhook-events/{id}/redeliver',
        'ANY /v1/webhook-events/{id}/redeliver',
        'GET /v1/webhook-endpoint',
        'ANY /v1/webhook-endpoint',
        // The Lambda answers the spec's 404 for an unknown path, 405 for another method of a route.
        'ANY /',
        'ANY /{proxy+}',
      ].sort(),
    );
  });

  it('integrates every method with the recordings function by Lambda proxy (payload 1.0), without authorizers', () => {
    const integrations = new Set(
      methodsOf(template).map(({ properties }) =>
        JSON.stringify({ auth: properties.AuthorizationType, integration: properties.Integration }),
      ),
    );

    expect([...integrations].map((entry) => JSON.parse(entry))).toEqual([
      {
        auth: 'NONE',
        integration: {
          Type: 'AWS_PROXY',
          IntegrationHttpMethod: 'POST',
          Uri: {
            'Fn::Join': [
              '',
              [
                // The region is known, so the partition is too (cdk.json's enablePartitionLiterals).
                'arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/',
                { 'Fn::GetAtt': [functionId(template, 'Recordings'), 'Arn'] },
                '/invocations',
              ],
            ],
          },
        },
      },
    ]);
  });

  it('lets this API alone invoke the recordings function, with one permission for all its methods', () => {
    const permissions = Object.values(template.findResources('AWS::Lambda::Permission')).filter(
      (permission) => permission.Properties.Principal === 'apigateway.amazonaws.com',
    );

    expect(permissions.map((permission) => permission.Properties)).toEqual([
      {
        Action: 'lambda:InvokeFunction',
        FunctionName: { 'Fn::GetAtt': [functionId(template, 'Recordings'), 'Arn'] },
        Principal: 'apigateway.amazonaws.com',
        SourceArn: {
          'Fn::Join': [
            '',
            [
              'arn:aws:execute-api:eu-west-1:',
              { Ref: 'AWS::AccountId' },
              ':',
              refOf(template, 'AWS::ApiGateway::RestApi', REST_API),
              '/*/*/*',
            ],
          ],
        },
      },
    ]);
  });

  it("throttles the stage only as a global backstop, far above many applications' allowances, and logs errors but never bodies", () => {
    const [, stage] = resourceOf(template, 'AWS::ApiGateway::Stage', STAGE);
    const recordings = environmentOf(template, 'Recordings');

    expect(stage.Properties.StageName).toBe('dev');
    expect(stage.Properties.MethodSettings).toEqual([
      {
        HttpMethod: '*',
        ResourcePath: '/*',
        // 100 applications at their full allowance (50/s) at once.
        ThrottlingRateLimit: 5000,
        ThrottlingBurstLimit: 5000,
        LoggingLevel: 'ERROR',
        DataTraceEnabled: false,
        MetricsEnabled: false,
      },
    ]);
    expect({ perSecond: recordings.RATE_LIMIT_PER_SECOND, burst: recordings.RATE_LIMIT_BURST }).toEqual({
      perSecond: '50',
      burst: '100',
    });
  });

  it('writes a JSON access log line per request, with which gateway answer or WAF verdict it got', () => {
    const [, stage] = resourceOf(template, 'AWS::ApiGateway::Stage', STAGE);
    const { DestinationArn, Format } = stage.Properties.AccessLogSetting as {
      DestinationArn: unknown;
      Format: string;
    };

    // The log group's ARN without the trailing ":*" (cdk.json's logGroupDestinationArnWithoutWildcard).
    expect(DestinationArn).toEqual({
      'Fn::Join': [
        '',
        [
          'arn:aws:logs:eu-west-1:',
          { Ref: 'AWS::AccountId' },
          ':log-group:',
          refOf(template, 'AWS::Logs::LogGroup', /^ApiAccessLogs/),
        ],
      ],
    });
    expect(JSON.parse(Format)).toEqual({
      requestId: '$context.requestId',
      ip: '$context.identity.sourceIp',
      requestTime: '$context.requestTime',
      httpMethod: '$context.httpMethod',
      resourcePath: '$context.resourcePath',
      path: '$context.path',
      status: '$context.status',
      responseLength: '$context.responseLength',
      latency: '$context.responseLatency',
      integrationLatency: '$context.integrationLatency',
      integrationError: '$context.integrationErrorMessage',
      errorType: '$context.error.responseType',
      wafStatus: '$context.wafResponseCode',
      wafLatency: '$context.waf.latency',
      xrayTraceId: '$context.xrayTraceId',
    });
  });

  it('gives API Gateway its account logging role and keeps it when the stack goes', () => {
    const [, account] = resourceOf(template, 'AWS::ApiGateway::Account', /^Api/);

    expect(account.DeletionPolicy).toBe('Retain');
    expect(account.Properties.CloudWatchRoleArn).toEqual(
      attOf(template, 'AWS::IAM::Role', /^ApiCloudWatchRole/, 'Arn'),
    );
  });

  it('outputs the base URL with the stage and no trailing slash, the one media-events and the recordings function build file_url from', () => {
    const baseUrl = {
      'Fn::Join': [
        '',
        [
          'https://',
          refOf(template, 'AWS::ApiGateway::RestApi', REST_API),
          '.execute-api.',
          { Ref: 'AWS::Region' },
          '.',
          { Ref: 'AWS::URLSuffix' },
          // The stage's name, not a reference to the Stage resource (see the next test).
          '/dev',
        ],
      ],
    };

    expect(template.findOutputs('*')).toMatchObject({ ApiUrl: { Value: baseUrl } });
    expect({
      recordings: environmentOf(template, 'Recordings').PUBLIC_API_URL,
      mediaEvents: environmentOf(template, 'MediaEvents').PUBLIC_API_URL,
    }).toEqual({ recordings: baseUrl, mediaEvents: baseUrl });
  });

  it.each([
    ['dev', {}],
    ['prod', PROD_CONTEXT],
  ])(
    'synthesizes %s though the recordings function names the API that invokes it: no dependency cycle',
    (_, context) => {
      // Template.fromStack refuses a template whose resources wait for each other in a cycle.
      const source = synth(context);

      expect(environmentOf(source, 'Recordings').PUBLIC_API_URL).toEqual(
        environmentOf(source, 'MediaEvents').PUBLIC_API_URL,
      );
    },
  );
});

describe('RecordingsStack gateway answers', () => {
  it("answers everything the gateway produces itself in the spec's JSON envelope, uncached", () => {
    expect(gatewayResponsesOf(template)).toEqual({
      DEFAULT_4XX: {
        status: undefined,
        headers: headers(),
        body: envelope('invalid_request', 'the request was refused by the API gateway'),
      },
      DEFAULT_5XX: {
        status: undefined,
        headers: headers(),
        body: envelope('internal_error', 'an unexpected error occurred; it has been logged'),
      },
      THROTTLED: {
        status: '429',
        headers: headers({ 'Retry-After': '1' }),
        body: envelope('rate_limited', 'too many requests; retry after the number of seconds in Retry-After'),
      },
      QUOTA_EXCEEDED: {
        status: '429',
        headers: headers({ 'Retry-After': '1' }),
        body: envelope('rate_limited', 'too many requests; retry after the number of seconds in Retry-After'),
      },
      REQUEST_TOO_LARGE: {
        status: '413',
        headers: headers(),
        body: envelope('payload_too_large', 'request body must be at most 10485760 bytes'),
      },
      MISSING_AUTHENTICATION_TOKEN: {
        status: '404',
        headers: headers(),
        body: envelope('not_found', 'no such route'),
      },
      RESOURCE_NOT_FOUND: { status: '404', headers: headers(), body: envelope('not_found', 'no such route') },
      UNAUTHORIZED: {
        status: '401',
        headers: headers({ 'WWW-Authenticate': 'Bearer' }),
        body: envelope('unauthorized', 'a valid API key is required'),
      },
      ACCESS_DENIED: { status: '403', headers: headers(), body: envelope('forbidden', 'access denied') },
      WAF_FILTERED: {
        status: '403',
        headers: headers(),
        body: envelope('forbidden', 'request blocked by the web application firewall'),
      },
      BAD_REQUEST_BODY: {
        status: '400',
        headers: headers(),
        body: envelope('invalid_request', 'request body is not valid'),
      },
      BAD_REQUEST_PARAMETERS: {
        status: '400',
        headers: headers(),
        body: envelope('invalid_request', 'request parameters are not valid'),
      },
      API_CONFIGURATION_ERROR: {
        status: '500',
        headers: headers(),
        body: envelope('internal_error', 'an unexpected error occurred; it has been logged'),
      },
      AUTHORIZER_CONFIGURATION_ERROR: {
        status: '500',
        headers: headers(),
        body: envelope('internal_error', 'an unexpected error occurred; it has been logged'),
      },
      AUTHORIZER_FAILURE: {
        status: '500',
        headers: headers(),
        body: envelope('internal_error', 'an unexpected error occurred; it has been logged'),
      },
      INTEGRATION_FAILURE: {
        status: '502',
        headers: headers(),
        body: envelope('internal_error', 'an unexpected error occurred; it has been logged'),
      },
      INTEGRATION_TIMEOUT: {
        status: '504',
        headers: headers(),
        body: envelope('internal_error', 'the request timed out; it may have taken effect, retry it'),
      },
    });
  });

  it("answers an unknown path or method exactly as the Lambda's own 404 does", () => {
    const { MISSING_AUTHENTICATION_TOKEN: answer } = gatewayResponsesOf(template);
    const lambda = new RouteNotFoundError();

    expect(answer).toEqual({
      status: String(lambda.statusCode),
      headers: headers(),
      body: envelope(lambda.code, lambda.message),
    });
  });

  it("refuses a body over the gateway's own 10 MiB limit with the Lambda's 413 code", () => {
    const { REQUEST_TOO_LARGE: answer } = gatewayResponsesOf(template);
    const lambda = new PayloadTooLargeError(GATEWAY_BODY_LIMIT_BYTES);

    expect(GATEWAY_BODY_LIMIT_BYTES).toBe(10 * 1024 * 1024);
    expect(answer?.body).toEqual(envelope(lambda.code, lambda.message));
  });
});

describe('RecordingsStack firewall', () => {
  it('puts a regional web ACL on the API stage', () => {
    const [, association] = resourceOf(template, 'AWS::WAFv2::WebACLAssociation', /^Firewall/);
    const [, webAcl] = resourceOf(template, 'AWS::WAFv2::WebACL', /^Firewall/);
    const stage = refOf(template, 'AWS::ApiGateway::Stage', STAGE);

    expect(webAcl.Properties).toMatchObject({ Scope: 'REGIONAL', DefaultAction: { Allow: {} } });
    expect(association).toEqual({
      Type: 'AWS::WAFv2::WebACLAssociation',
      Properties: {
        ResourceArn: {
          'Fn::Join': [
            '',
            [
              'arn:aws:apigateway:eu-west-1::/restapis/',
              refOf(template, 'AWS::ApiGateway::RestApi', REST_API),
              '/stages/',
              stage,
            ],
          ],
        },
        WebACLArn: attOf(template, 'AWS::WAFv2::WebACL', /^Firewall/, 'Arn'),
      },
      DependsOn: [stage.Ref],
    });
  });

  it("limits every source address, anonymous requests far more, and every API key whatever its addresses, answering 429 in the spec's envelope with Retry-After", () => {
    const [, webAcl] = resourceOf(template, 'AWS::WAFv2::WebACL', /^Firewall/);
    const block = {
      Block: {
        CustomResponse: {
          ResponseCode: 429,
          CustomResponseBodyKey: 'rate-limited',
          ResponseHeaders: [{ Name: 'Retry-After', Value: '60' }],
        },
      },
    };
    const visibility = (metricName: string) => ({
      CloudWatchMetricsEnabled: true,
      MetricName: metricName,
      SampledRequestsEnabled: true,
    });

    expect(webAcl.Properties.Rules).toEqual([
      {
        Name: 'AnonymousPerAddress',
        Priority: 0,
        Action: block,
        VisibilityConfig: visibility('minivoice-recordings-dev-anonymous-per-address'),
        Statement: {
          RateBasedStatement: {
            AggregateKeyType: 'IP',
            Limit: 300,
            EvaluationWindowSec: 60,
            ScopeDownStatement: {
              NotStatement: {
                Statement: {
                  ByteMatchStatement: {
                    FieldToMatch: { SingleHeader: { Name: 'authorization' } },
                    PositionalConstraint: 'STARTS_WITH',
                    SearchString: 'bearer ',
                    TextTransformations: [{ Priority: 0, Type: 'LOWERCASE' }],
                  },
                },
              },
            },
          },
        },
      },
      {
        Name: 'PerAddress',
        Priority: 1,
        Action: block,
        VisibilityConfig: visibility('minivoice-recordings-dev-per-address'),
        Statement: { RateBasedStatement: { AggregateKeyType: 'IP', Limit: 6000, EvaluationWindowSec: 60 } },
      },
      {
        // One key spread over many addresses: counted by the Authorization header's value (the scheme's
        // case and spacing ignored), so it cannot take the stage's shared throttle.
        Name: 'PerKey',
        Priority: 2,
        Action: block,
        VisibilityConfig: visibility('minivoice-recordings-dev-per-key'),
        Statement: {
          RateBasedStatement: {
            AggregateKeyType: 'CUSTOM_KEYS',
            CustomKeys: [
              {
                Header: {
                  Name: 'authorization',
                  TextTransformations: [
                    { Priority: 0, Type: 'COMPRESS_WHITE_SPACE' },
                    { Priority: 1, Type: 'LOWERCASE' },
                  ],
                },
              },
            ],
            // 1.2 × (100 + 50/s × 60 s): comfortably above what one application's allowance admits.
            Limit: 3720,
            EvaluationWindowSec: 60,
          },
        },
      },
    ]);
  });

  it("answers a blocked address with the very body of the service's own 429", () => {
    const [, webAcl] = resourceOf(template, 'AWS::WAFv2::WebACL', /^Firewall/);
    const service = new RateLimitedError(60);

    expect(webAcl.Properties.CustomResponseBodies).toEqual({
      'rate-limited': {
        ContentType: 'APPLICATION_JSON',
        Content: JSON.stringify({ error: { code: service.code, message: service.message } }),
      },
    });
  });

  it('takes the per-address and per-key limits and the window from context', () => {
    const custom = synth({
      wafRateLimit: '12000',
      wafAnonymousRateLimit: '500',
      wafKeyRateLimit: '9000',
      wafWindowSeconds: '120',
    });
    const [, webAcl] = resourceOf(custom, 'AWS::WAFv2::WebACL', /^Firewall/);
    const rules = webAcl.Properties.Rules as {
      Name: string;
      Action: { Block: { CustomResponse: { ResponseHeaders: unknown } } };
      Statement: { RateBasedStatement: { Limit: number; EvaluationWindowSec: number } };
    }[];

    expect(
      rules.map((rule) => ({
        name: rule.Name,
        limit: rule.Statement.RateBasedStatement.Limit,
        window: rule.Statement.RateBasedStatement.EvaluationWindowSec,
        headers: rule.Action.Block.CustomResponse.ResponseHeaders,
      })),
    ).toEqual([
      {
        name: 'AnonymousPerAddress',
        limit: 500,
        window: 120,
        headers: [{ Name: 'Retry-After', Value: '120' }],
      },
      { name: 'PerAddress', limit: 12000, window: 120, headers: [{ Name: 'Retry-After', Value: '120' }] },
      { name: 'PerKey', limit: 9000, window: 120, headers: [{ Name: 'Retry-After', Value: '120' }] },
    ]);
  });

  it("alarms on the stage's 5xx rate from the REST API's metrics", () => {
    const [, alarm] = resourceOf(template, 'AWS::CloudWatch::Alarm', /^AlarmsApi5xxRate/);
    const dimensions = [
      { Name: 'ApiName', Value: 'minivoice-recordings-dev' },
      { Name: 'Stage', Value: refOf(template, 'AWS::ApiGateway::Stage', STAGE) },
    ];

    expect(alarm.Properties.Metrics).toEqual([
      {
        Expression: 'IF(requests > 20, 100 * errors / requests, 0)',
        Id: 'expr_1',
        Label: 'API 5xx rate (%)',
        ReturnData: true,
      },
      {
        Id: 'errors',
        MetricStat: {
          Metric: { Dimensions: dimensions, MetricName: '5XXError', Namespace: 'AWS/ApiGateway' },
          Period: 300,
          Stat: 'Sum',
        },
        ReturnData: false,
      },
      {
        Id: 'requests',
        MetricStat: {
          Metric: { Dimensions: dimensions, MetricName: 'Count', Namespace: 'AWS/ApiGateway' },
          Period: 300,
          Stat: 'Sum',
        },
        ReturnData: false,
      },
    ]);
  });
});
