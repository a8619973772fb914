import type { Stage } from 'aws-cdk-lib/aws-apigateway';
import { CfnWebACL, CfnWebACLAssociation } from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { RateLimitedError } from '../../shared/kernel/api-error.ts';
import { envelopeTemplate } from './gateway-answers.ts';

/** The per-address and per-key limits (requests per window). */
export interface ApiFirewallProps {
  /** The API stage the web ACL protects. */
  stage: Stage;
  /** Names the web ACL's metrics. */
  name: string;
  perAddress: number;
  anonymousPerAddress: number;
  /** Requests per window with one `Authorization` value (one API key), whatever the addresses. */
  perKey: number;
  windowSeconds: number;
}

/**
 * How the per-key rule reads the `Authorization` header before counting by it. The function accepts the
 * scheme in any case and any run of spaces after it, so without these one key could be sent in many
 * spellings, each counted apart. Lowercasing also merges keys that differ only in case: they only share
 * one count, which is stricter, never looser.
 */
export const KEY_TRANSFORMATIONS = [
  { priority: 0, type: 'COMPRESS_WHITE_SPACE' },
  { priority: 1, type: 'LOWERCASE' },
];

/** The key of the 429 body in the web ACL's custom response bodies. */
export const RATE_LIMITED_BODY = 'rate-limited';

/**
 * A regional WAF web ACL on the API stage: rate-based rules per source address, so no single address
 * (anonymous, with an invalid key, or a customer's runaway client) can take more than its share of the
 * gateway, the function or the table, and per `Authorization` value, so one customer's key spread over
 * many addresses cannot take the stage's shared throttle either. Per-application limits are the
 * recordings function's; these sit above them. A blocked request gets 429 `rate_limited` in the spec's
 * envelope with `Retry-After` (WAF's own response, which takes precedence over the gateway's).
 */
export class ApiFirewall extends Construct {
  readonly webAcl: CfnWebACL;

  constructor(scope: Construct, id: string, props: ApiFirewallProps) {
    super(scope, id);
    const visibility = (metricName: string) => ({
      cloudWatchMetricsEnabled: true,
      metricName,
      sampledRequestsEnabled: true,
    });
    // Retry-After: WAF counts over the last window, so an address that kept sending waits about one window.
    const limited = new RateLimitedError(props.windowSeconds);
    const block = {
      block: {
        customResponse: {
          responseCode: 429,
          customResponseBodyKey: RATE_LIMITED_BODY,
          responseHeaders: Object.entries(limited.headers).map(([name, value]) => ({ name, value })),
        },
      },
    };
    this.webAcl = new CfnWebACL(this, 'WebAcl', {
      scope: 'REGIONAL',
      description: `${props.name}: per-address and per-key rate limits in front of the API`,
      defaultAction: { allow: {} },
      visibilityConfig: visibility(props.name),
      customResponseBodies: {
        [RATE_LIMITED_BODY]: {
          contentType: 'APPLICATION_JSON',
          // The same answer as the per-application limit's and the local stand-in's per-address limit.
          content: envelopeTemplate(limited),
        },
      },
      rules: [
        {
          // Requests without a Bearer key cannot succeed; they get a much smaller share per address.
          name: 'AnonymousPerAddress',
          priority: 0,
          action: block,
          visibilityConfig: visibility(`${props.name}-anonymous-per-address`),
          statement: {
            rateBasedStatement: {
              aggregateKeyType: 'IP',
              limit: props.anonymousPerAddress,
              evaluationWindowSec: props.windowSeconds,
              scopeDownStatement: {
                notStatement: {
                  statement: {
                    byteMatchStatement: {
                      // A JSON property of CloudFormation's own casing (the L1 passes it through).
                      fieldToMatch: { singleHeader: { Name: 'authorization' } },
                      positionalConstraint: 'STARTS_WITH',
                      searchString: 'bearer ',
                      textTransformations: [{ priority: 0, type: 'LOWERCASE' }],
                    },
                  },
                },
              },
            },
          },
        },
        {
          name: 'PerAddress',
          priority: 1,
          action: block,
          visibilityConfig: visibility(`${props.name}-per-address`),
          statement: {
            rateBasedStatement: {
              aggregateKeyType: 'IP',
              limit: props.perAddress,
              evaluationWindowSec: props.windowSeconds,
            },
          },
        },
        {
          // Counted by the header's value, whatever the source addresses; requests without the header
          // are not counted here (the anonymous rule takes them).
          name: 'PerKey',
          priority: 2,
          action: block,
          visibilityConfig: visibility(`${props.name}-per-key`),
          statement: {
            rateBasedStatement: {
              aggregateKeyType: 'CUSTOM_KEYS',
              customKeys: [{ header: { name: 'authorization', textTransformations: KEY_TRANSFORMATIONS } }],
              limit: props.perKey,
              evaluationWindowSec: props.windowSeconds,
            },
          },
        },
      ],
    });
    const association = new CfnWebACLAssociation(this, 'Association', {
      resourceArn: props.stage.stageArn,
      webAclArn: this.webAcl.attrArn,
    });
    // The stage ARN is built from names, so CloudFormation would not otherwise wait for the stage.
    association.node.addDependency(props.stage);
  }
}
