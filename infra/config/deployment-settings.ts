import { ESL_NODES_FORMAT, type EslNode, parseEslNodes } from '../../shared/adapters/freeswitch/esl-nodes.ts';

/** Reads one CDK context value (`-c key=value` or cdk.json), as a string; undefined when not set. */
export type ContextReader = (key: string) => string | undefined;

/**
 * The media servers' existing network, imported by id (no AWS lookups: synth stays offline). The
 * functions that speak ESL run in its private subnets.
 */
export interface ImportedNetwork {
  vpcId: string;
  /** The private subnets' availability zones, in the same order as `privateSubnetIds`. */
  availabilityZones: string[];
  privateSubnetIds: string[];
  /**
   * The media servers' security group: the stack lets the functions' group (only) reach ESL on it.
   * Required in prod: without it nothing of the stack manages the media servers' inbound side.
   */
  mediaServerSecurityGroupId?: string;
  /** The media servers' private addresses, when their security group is not given (or as well). */
  mediaServerCidrs: string[];
}

/** The edge's limits: the per-address and per-key WAF rules and the stage's global backstop. */
export interface EdgeLimits {
  /** Requests one source address may send per window, any request. */
  perAddress: number;
  /** Requests one source address may send per window without a Bearer key at all. */
  anonymousPerAddress: number;
  /** Requests one `Authorization` value (one API key) may send per window, from any addresses. */
  perKey: number;
  /** The window WAF counts over, in seconds (60, 120, 300 or 600). */
  windowSeconds: number;
  /**
   * The stage's throttle: far above what many customers use at their allowance, so it only guards the
   * account (docs/production-edge.md, "Limits").
   */
  stageRate: number;
  stageBurst: number;
}

/** Everything a deployment varies by, read from context and checked before any construct is built. */
export interface DeploymentSettings {
  stage: string;
  region: string;
  eslNodes: EslNode[];
  /** Absent: a non-prod stage gets a network of its own. Required in prod. */
  network?: ImportedNetwork;
  eslPasswordSecretArn?: string;
  /**
   * Bumped after the ESL password changed: the ESL functions read it at cold start, and a changed
   * setting makes Lambda start new containers (docs/production-edge.md, "Rotating the ESL password").
   */
  eslPasswordRevision: number;
  recordingPathTemplate?: string;
  /** Each application's allowance (RATE_LIMIT_PER_SECOND, RATE_LIMIT_BURST of the recordings function). */
  applicationLimit: { perSecond: number; burst: number };
  edge: EdgeLimits;
  alarmEmail?: string;
  /**
   * Where the runbook is published (its https URL, e.g. the repository's docs/runbook.md page): alarm
   * descriptions link `<runbookUrl>#<alarm>`. Absent: they name the file, `docs/runbook.md#<alarm>`.
   */
  runbookUrl?: string;
}

/** The context keys of the imported network, as the prod refusal names them. */
export const NETWORK_KEYS = ['vpcId', 'availabilityZones', 'privateSubnetIds'] as const;
/** One of these says where the media servers are (both may be given; prod needs the group). */
export const MEDIA_SERVER_KEYS = ['mediaServerSecurityGroupId', 'mediaServerCidrs'] as const;
/** How a missing choice of {@link MEDIA_SERVER_KEYS} is named. */
export const MEDIA_SERVER_CHOICE = `(${MEDIA_SERVER_KEYS.join(' or ')})`;
/**
 * The key prod needs beside the network keys: the stack adds the Event Socket ingress from the
 * functions' group to this group, so the media servers' inbound side is managed with the stack.
 */
export const PROD_MEDIA_SERVER_KEY = 'mediaServerSecurityGroupId';

/** The default fleet of a non-prod stage: one node by the old default host name. */
export const DEFAULT_ESL_NODES = 'fs-a=freeswitch.internal:8021';

const WAF_WINDOWS = [60, 120, 300, 600];
// AWS WAF's own floor for a rate-based rule's limit is lower; below 100 a busy office NAT trips it.
const MIN_WAF_LIMIT = 100;
/** The per-key WAF limit's default headroom over the most one application's allowance admits per window. */
export const KEY_LIMIT_HEADROOM = 1.2;

/**
 * The most requests one application's allowance admits in one window: a full burst, then the rate
 * for the whole window. A key that stays within its allowance never sends more than this.
 */
function allowancePerWindow(limit: { perSecond: number; burst: number }, windowSeconds: number): number {
  return limit.perSecond * windowSeconds + limit.burst;
}

/**
 * The message `cdk synth -c stage=prod` fails with when the network settings are missing; `missing`
 * names the keys not given.
 */
export function prodNetworkRequired(missing: string[]): string {
  return [
    `Stage prod needs the media servers' private network; missing context keys: ${missing.join(', ')}.`,
    'The functions that speak ESL (recordings, media-events) run in that VPC; prod never creates a network of its own.',
    "The media servers' security group is required: the stack opens their Event Socket to those functions alone.",
    'Example (README "Deploy"): -c vpcId=vpc-0123456789abcdef0 -c availabilityZones=eu-west-1a,eu-west-1b',
    '  -c privateSubnetIds=subnet-0123456789abcdef0,subnet-0fedcba9876543210 -c mediaServerSecurityGroupId=sg-0123456789abcdef0',
    '  -c eslNodes=fs-a=10.0.1.10:8021,fs-b=10.0.2.10:8021',
  ].join('\n');
}

/** Splits a comma-separated context value; empty entries dropped. */
function list(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
}

const PRIVATE_IPV4 = [
  { base: [10, 0, 0, 0], bits: 8 },
  { base: [172, 16, 0, 0], bits: 12 },
  { base: [192, 168, 0, 0], bits: 16 },
  { base: [100, 64, 0, 0], bits: 10 }, // carrier-grade NAT space, used by some private networks
];

/** The address of an IPv4 literal (`10.0.1.10`) as a number; undefined for anything else. */
function ipv4Address(host: string): number | undefined {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  if (!match) return undefined;
  const octets = match.slice(1, 5).map(Number);
  if (octets.some((octet) => octet > 255)) return undefined;
  return octets.reduce((sum, octet) => sum * 256 + octet, 0);
}

/** True when the IPv4 literal `host` is inside the IPv4 block `cidr`. */
function ipv4InCidr(host: string, cidr: string): boolean {
  const [base, bits] = cidr.split('/');
  const address = ipv4Address(host);
  const network = ipv4Address(base ?? '');
  const size = 2 ** (32 - Number(bits));
  if (address === undefined || network === undefined || !(size >= 1)) return false;
  return Math.floor(address / size) === Math.floor(network / size);
}

/** True when `cidr` is an IPv4 block inside the private ranges (RFC 1918, RFC 6598), never /0. */
export function isPrivateIpv4Cidr(cidr: string): boolean {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr);
  if (!match) return false;
  const octets = match.slice(1, 5).map(Number);
  const bits = Number(match[5]);
  if (octets.some((octet) => octet > 255) || bits > 32) return false;
  const address = octets.reduce((sum, octet) => sum * 256 + octet, 0);
  return PRIVATE_IPV4.some((range) => {
    if (bits < range.bits) return false;
    const base = range.base.reduce((sum, octet) => sum * 256 + octet, 0);
    return Math.floor(address / 2 ** (32 - range.bits)) === Math.floor(base / 2 ** (32 - range.bits));
  });
}

/**
 * Reads and checks every setting. Throws one `Error` listing every problem (each names its context
 * key), so a bad deploy fails at synth, never half-way through CloudFormation.
 */
export function deploymentSettings(context: ContextReader): DeploymentSettings {
  const problems: string[] = [];
  const stage = context('stage') ?? 'dev';
  if (!/^[A-Za-z][A-Za-z0-9-]{0,31}$/.test(stage)) {
    problems.push(`stage: "${stage}" must be a letter then letters, digits or dashes (it names the stack)`);
  }
  const prod = stage === 'prod';

  const integer = (key: string, fallback: number, min = 1) => {
    const raw = context(key);
    if (raw === undefined) return fallback;
    const value = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
    if (!(value >= min)) problems.push(`${key}: "${raw}" must be a whole number of at least ${min}`);
    return value;
  };

  if (context('eslHost') !== undefined || context('eslPort') !== undefined) {
    problems.push(`eslHost and eslPort were replaced by eslNodes (${ESL_NODES_FORMAT})`);
  }
  let eslNodes: EslNode[] = [];
  const rawNodes = context('eslNodes') ?? (prod ? undefined : DEFAULT_ESL_NODES);
  if (rawNodes !== undefined) {
    try {
      eslNodes = parseEslNodes(rawNodes);
    } catch (error) {
      problems.push(`eslNodes: ${(error as Error).message}`);
    }
  }

  // Prod never creates a network: every network key, the media servers' group and the fleet must be
  // given, named in one message. (Addresses alone would leave the media servers' inbound side to
  // whatever their group already allows.) Other stages may name the media servers by address only.
  const missing: string[] = NETWORK_KEYS.filter((key) => context(key) === undefined);
  if (prod && context(PROD_MEDIA_SERVER_KEY) === undefined) missing.push(PROD_MEDIA_SERVER_KEY);
  else if (MEDIA_SERVER_KEYS.every((key) => context(key) === undefined)) missing.push(MEDIA_SERVER_CHOICE);
  if (prod && rawNodes === undefined) missing.push('eslNodes');
  const anyGiven = [...NETWORK_KEYS, ...MEDIA_SERVER_KEYS].some((key) => context(key) !== undefined);
  if (prod && missing.length > 0) {
    problems.unshift(prodNetworkRequired(missing));
  } else if (anyGiven && missing.length > 0) {
    problems.push(`${missing.join(', ')}: required too when the network is imported (any of its keys given)`);
  }
  const network = anyGiven && missing.length === 0 ? importedNetwork(context, problems) : undefined;
  // The functions' group reaches the media servers' addresses only inside these blocks: a node given by
  // address outside them would be unreachable (and is most likely a typo).
  if (network && network.mediaServerCidrs.length > 0) {
    for (const node of eslNodes) {
      const literal = ipv4Address(node.host) !== undefined;
      if (literal && !network.mediaServerCidrs.some((cidr) => ipv4InCidr(node.host, cidr))) {
        problems.push(
          `eslNodes: ${node.name}'s address ${node.host} is outside mediaServerCidrs (${network.mediaServerCidrs.join(', ')}); the ESL functions may reach only those blocks`,
        );
      }
    }
  }

  const eslPasswordRevision = integer('eslPasswordRevision', 1);
  const applicationLimit = {
    perSecond: integer('rateLimitPerSecond', 50),
    burst: integer('rateLimitBurst', 100),
  };
  const windowSeconds = integer('wafWindowSeconds', 60);
  const keyAllowance = allowancePerWindow(applicationLimit, windowSeconds);
  const edge: EdgeLimits = {
    perAddress: integer('wafRateLimit', 6000, MIN_WAF_LIMIT),
    anonymousPerAddress: integer('wafAnonymousRateLimit', 300, MIN_WAF_LIMIT),
    perKey: integer('wafKeyRateLimit', Math.ceil(keyAllowance * KEY_LIMIT_HEADROOM), MIN_WAF_LIMIT),
    windowSeconds,
    // Room for 100 applications at their full default allowance at once, within the account's default
    // API Gateway quota (10,000 requests/s, burst 5,000, per region); docs/production-edge.md, "Limits".
    stageRate: integer('throttleRate', 5000),
    stageBurst: integer('throttleBurst', 5000),
  };
  if (!WAF_WINDOWS.includes(edge.windowSeconds)) {
    problems.push(`wafWindowSeconds: must be one of ${WAF_WINDOWS.join(', ')}`);
  }
  if (applicationLimit.burst < applicationLimit.perSecond) {
    problems.push('rateLimitBurst: must be at least rateLimitPerSecond');
  }
  // The stage throttle is shared by every customer: at or below one application's allowance, one busy
  // customer would get everybody's requests answered 429.
  if (edge.stageRate <= applicationLimit.perSecond || edge.stageBurst <= applicationLimit.burst) {
    problems.push(
      "throttleRate and throttleBurst: the stage limit is a global backstop and must stay above one application's allowance (rateLimitPerSecond, rateLimitBurst)",
    );
  }
  // A key within its allowance must never be cut off by WAF: the function answers its excess itself.
  if (edge.perKey < keyAllowance) {
    problems.push(
      `wafKeyRateLimit: ${edge.perKey} per ${edge.windowSeconds} s is below what one application's allowance admits in that window (${applicationLimit.burst} + ${applicationLimit.perSecond}/s × ${edge.windowSeconds} s = ${keyAllowance})`,
    );
  }
  // An address sending one application's whole allowance must not be cut off by WAF first.
  if (edge.perAddress < applicationLimit.perSecond * edge.windowSeconds) {
    problems.push(
      `wafRateLimit: ${edge.perAddress} per ${edge.windowSeconds} s is below one application's allowance (${applicationLimit.perSecond}/s × ${edge.windowSeconds} s)`,
    );
  }

  const runbookUrl = context('runbookUrl');
  if (runbookUrl !== undefined && !isRunbookUrl(runbookUrl)) {
    problems.push(
      `runbookUrl: "${runbookUrl}" must be an https URL without a #fragment (alarms add their own)`,
    );
  }

  if (problems.length > 0) {
    throw new Error(`Cannot synthesize minivoice-recordings-${stage}:\n- ${problems.join('\n- ')}`);
  }
  return {
    stage,
    region: context('region') ?? 'eu-west-1',
    eslNodes,
    ...(network ? { network } : {}),
    ...optional('eslPasswordSecretArn', context('eslPasswordSecretArn')),
    eslPasswordRevision,
    ...optional('recordingPathTemplate', context('recordingPathTemplate')),
    applicationLimit,
    edge,
    ...optional('alarmEmail', context('alarmEmail')),
    ...optional('runbookUrl', runbookUrl),
  };
}

/** An https URL alarm descriptions can append `#<alarm>` to. */
function isRunbookUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' && url.hash === '' && !value.includes('#');
  } catch {
    return false;
  }
}

/** `{ [key]: value }` when the value is set, else nothing (so optional props stay absent). */
function optional<K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, string>);
}

/** The imported network (every required key is given); each malformed value is a problem. */
function importedNetwork(context: ContextReader, problems: string[]): ImportedNetwork | undefined {
  const before = problems.length;
  const vpcId = context('vpcId') ?? '';
  if (vpcId && !/^vpc-[0-9a-f]{8,17}$/.test(vpcId)) problems.push(`vpcId: "${vpcId}" is not a VPC id`);
  const availabilityZones = list(context('availabilityZones'));
  for (const zone of availabilityZones) {
    if (!/^[a-z]{2}(-[a-z]+)+-\d[a-z]$/.test(zone)) {
      problems.push(`availabilityZones: "${zone}" is not an availability zone name`);
    }
  }
  const privateSubnetIds = list(context('privateSubnetIds'));
  for (const id of privateSubnetIds) {
    if (!/^subnet-[0-9a-f]{8,17}$/.test(id)) problems.push(`privateSubnetIds: "${id}" is not a subnet id`);
  }
  if (privateSubnetIds.length > 0 && privateSubnetIds.length !== availabilityZones.length) {
    problems.push('privateSubnetIds and availabilityZones: one zone per subnet, in the same order');
  }
  const group = context('mediaServerSecurityGroupId');
  if (group !== undefined && !/^sg-[0-9a-f]{8,17}$/.test(group)) {
    problems.push(`mediaServerSecurityGroupId: "${group}" is not a security group id`);
  }
  const mediaServerCidrs = list(context('mediaServerCidrs'));
  for (const cidr of mediaServerCidrs) {
    // The Event Socket is full control of the switch: only ever opened to private addresses.
    if (!isPrivateIpv4Cidr(cidr)) {
      problems.push(
        `mediaServerCidrs: "${cidr}" is not a private IPv4 block (10/8, 172.16/12, 192.168/16, 100.64/10)`,
      );
    }
  }
  if (problems.length > before) return undefined;
  return {
    vpcId,
    availabilityZones,
    privateSubnetIds,
    ...(group !== undefined ? { mediaServerSecurityGroupId: group } : {}),
    mediaServerCidrs,
  };
}
