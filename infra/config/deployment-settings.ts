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
  /** The media servers' security group: the stack lets the functions' group (only) reach ESL on it. */
  mediaServerSecurityGroupId?: string;
  /** The media servers' private addresses, when their security group is not given (or as well). */
  mediaServerCidrs: string[];
}

/** The edge's limits: the per-address WAF rules and the stage's global backstop. */
export interface EdgeLimits {
  /** Requests one source address may send per window, any request. */
  perAddress: number;
  /** Requests one source address may send per window without a Bearer key at all. */
  anonymousPerAddress: number;
  /** The window WAF counts over, in seconds (60, 120, 300 or 600). */
  windowSeconds: number;
  /** The stage's throttle: far above one application's allowance, so it only guards the account. */
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
}

/** The context keys of the imported network, as the prod refusal names them. */
export const NETWORK_KEYS = ['vpcId', 'availabilityZones', 'privateSubnetIds'] as const;
/** One of these says where the media servers are (both may be given). */
export const MEDIA_SERVER_KEYS = ['mediaServerSecurityGroupId', 'mediaServerCidrs'] as const;
/** How a missing choice of {@link MEDIA_SERVER_KEYS} is named. */
export const MEDIA_SERVER_CHOICE = `(${MEDIA_SERVER_KEYS.join(' or ')})`;

/** The default fleet of a non-prod stage: one node by the old default host name. */
export const DEFAULT_ESL_NODES = 'fs-a=freeswitch.internal:8021';

const WAF_WINDOWS = [60, 120, 300, 600];
// AWS WAF's own floor for a rate-based rule's limit is lower; below 100 a busy office NAT trips it.
const MIN_WAF_LIMIT = 100;

/**
 * The message `cdk synth -c stage=prod` fails with when the network settings are missing; `missing`
 * names the keys not given.
 */
export function prodNetworkRequired(missing: string[]): string {
  return [
    `Stage prod needs the media servers' private network; missing context keys: ${missing.join(', ')}.`,
    'The functions that speak ESL (recordings, media-events) run in that VPC; prod never creates a network of its own.',
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

  // Prod never creates a network: every network key (and the fleet) must be given, named in one message.
  const missing: string[] = NETWORK_KEYS.filter((key) => context(key) === undefined);
  if (MEDIA_SERVER_KEYS.every((key) => context(key) === undefined)) missing.push(MEDIA_SERVER_CHOICE);
  if (prod && rawNodes === undefined) missing.push('eslNodes');
  const anyGiven = [...NETWORK_KEYS, ...MEDIA_SERVER_KEYS].some((key) => context(key) !== undefined);
  if (prod && missing.length > 0) {
    problems.unshift(prodNetworkRequired(missing));
  } else if (anyGiven && missing.length > 0) {
    problems.push(`${missing.join(', ')}: required too when the network is imported (any of its keys given)`);
  }
  const network = anyGiven && missing.length === 0 ? importedNetwork(context, problems) : undefined;

  const eslPasswordRevision = integer('eslPasswordRevision', 1);
  const applicationLimit = {
    perSecond: integer('rateLimitPerSecond', 50),
    burst: integer('rateLimitBurst', 100),
  };
  const edge: EdgeLimits = {
    perAddress: integer('wafRateLimit', 6000, MIN_WAF_LIMIT),
    anonymousPerAddress: integer('wafAnonymousRateLimit', 300, MIN_WAF_LIMIT),
    windowSeconds: integer('wafWindowSeconds', 60),
    stageRate: integer('throttleRate', 1000),
    stageBurst: integer('throttleBurst', 2000),
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
  // An address sending one application's whole allowance must not be cut off by WAF first.
  if (edge.perAddress < applicationLimit.perSecond * edge.windowSeconds) {
    problems.push(
      `wafRateLimit: ${edge.perAddress} per ${edge.windowSeconds} s is below one application's allowance (${applicationLimit.perSecond}/s × ${edge.windowSeconds} s)`,
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
  };
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
