// List prices the cost figure is computed with, and the function that turns a start+stop pair's counted
// requests into dollars per 1,000 recordings. One table, so a price change is one edit.

/**
 * On-demand list prices in US dollars, region us-east-1, as published on the AWS pricing pages named
 * beside each line, assumed as of 2026-11-01 (first usage tier, no free tier, no savings plans). No
 * pricing page can be fetched from this machine: the DynamoDB line was cross-checked against published
 * summaries of AWS's November 2024 on-demand price cut ($0.625 / $0.125 per million); the others are
 * the long-standing list prices, to be checked against the pages before quoting the total.
 */
export const PRICES = {
  region: 'us-east-1',
  as_of: '2026-11-01',
  /** "Amazon DynamoDB pricing — On-demand capacity": per write / read request unit. */
  dynamodb_write_request_unit: 0.625 / 1e6,
  dynamodb_read_request_unit: 0.125 / 1e6,
  /** "Amazon SQS pricing": standard queue, per request; every 64 KB chunk of a payload is one request. */
  sqs_request: 0.4 / 1e6,
  /** "AWS Lambda pricing": Arm (arm64), per GB-second of billed duration (1 ms granularity), per request. */
  lambda_gb_second_arm64: 0.0000133334,
  lambda_request: 0.2 / 1e6,
  /** "Amazon API Gateway pricing": REST API, per request (first 333 million a month). */
  api_gateway_rest_request: 3.5 / 1e6,
  /** "AWS WAF pricing": per request inspected by a web ACL (the ACL's and rules' monthly fees excluded). */
  waf_request: 0.6 / 1e6,
  /** "AWS Key Management Service pricing": per API request (symmetric keys). */
  kms_request: 0.03 / 10_000,
} as const;

/** SQS bills a payload per started 64 KB chunk. */
export const SQS_CHUNK_BYTES = 64 * 1024;

/** The Lambda functions a pair runs through, with the memory the stack gives each (infra/). */
export const LAMBDA_MEMORY_MB: Record<string, number> = {
  recordings: 512,
  'media-events': 512,
  'webhook-sender': 512,
  'outbox-relay': 256,
};

/** What one start+stop pair was counted to use, from the bench's real requests. */
export interface PairUsage {
  dynamodb_write_units: number;
  dynamodb_read_units: number;
  /** Billed SQS requests (64 KB chunks), sends, non-empty receives, deletes and visibility changes. */
  sqs_requests: number;
  /** Invocations and billed milliseconds (each invocation rounded up to 1 ms) per function. */
  lambda: Record<string, { invocations: number; billed_ms: number }>;
  /** Requests through API Gateway (and so through the WAF web ACL). */
  api_requests: number;
  kms_requests: number;
}

const per1000 = (dollars: number) => Number((dollars * 1000).toFixed(6));

/** Dollars per 1,000 recordings (start+stop pairs), in total and per service. */
export function costPer1000Recordings(usage: PairUsage) {
  const gbSeconds = Object.entries(usage.lambda).reduce(
    (sum, [name, f]) => sum + ((LAMBDA_MEMORY_MB[name] ?? 512) / 1024) * (f.billed_ms / 1000),
    0,
  );
  const invocations = Object.values(usage.lambda).reduce((sum, f) => sum + f.invocations, 0);
  const breakdown = {
    dynamodb:
      usage.dynamodb_write_units * PRICES.dynamodb_write_request_unit +
      usage.dynamodb_read_units * PRICES.dynamodb_read_request_unit,
    sqs: usage.sqs_requests * PRICES.sqs_request,
    lambda: gbSeconds * PRICES.lambda_gb_second_arm64 + invocations * PRICES.lambda_request,
    api_gateway: usage.api_requests * PRICES.api_gateway_rest_request,
    waf: usage.api_requests * PRICES.waf_request,
    kms: usage.kms_requests * PRICES.kms_request,
  };
  const total = Object.values(breakdown).reduce((sum, d) => sum + d, 0);
  return {
    total_usd: per1000(total),
    breakdown_usd: Object.fromEntries(Object.entries(breakdown).map(([k, d]) => [k, per1000(d)])),
    lambda_gb_seconds_per_pair: Number(gbSeconds.toFixed(6)),
    prices: PRICES,
  };
}
