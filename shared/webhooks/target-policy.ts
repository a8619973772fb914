import { BlockList, isIP } from 'node:net';

/** Whether webhook targets may be plain-http loopback servers (local development and tests only). */
export interface TargetPolicy {
  allowInsecureLocalTargets: boolean;
}

/** A webhook URL that passed the policy, with the address to connect to (pinned against DNS rebinding). */
export interface ApprovedTarget {
  url: URL;
  address: string;
  family: 4 | 6;
}

/** Resolves a host name to every address it has (like `dns.promises.lookup(host, { all: true })`). */
export type HostResolver = (hostname: string) => Promise<{ address: string; family: number }[]>;

/** Thrown when a webhook URL may never be delivered to; the message says why (no secrets in it). */
export class TargetRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TargetRefusedError';
  }
}

const loopback = new BlockList();
loopback.addSubnet('127.0.0.0', 8, 'ipv4');
loopback.addAddress('::1', 'ipv6');

// Everything that is not the public internet: private, loopback, link-local (incl. the 169.254.169.254
// and fd00:ec2::254 metadata services), CGNAT, documentation, benchmarking, multicast and reserved ranges.
const nonPublic = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  nonPublic.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 96], // unspecified, loopback and IPv4-compatible
  ['64:ff9b::', 96], // NAT64: may reach any IPv4 address
  ['64:ff9b:1::', 48],
  ['100::', 64], // discard
  ['2001::', 23], // IETF protocol assignments (Teredo, ORCHID…)
  ['2001:db8::', 32], // documentation
  ['2002::', 16], // 6to4: embeds an IPv4 address
  ['fc00::', 7], // unique local (fd00:ec2::254 is AWS's IPv6 metadata service)
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated)
  ['ff00::', 8], // multicast
] as const) {
  nonPublic.addSubnet(network, prefix, 'ipv6');
}

/** Judges one IP address; an IPv4-mapped IPv6 address is judged as the IPv4 address it carries. */
export function classifyAddress(address: string): 'public' | 'loopback' | 'non-public' {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  const ip = mapped ?? address;
  const family = isIP(ip) === 6 ? 'ipv6' : 'ipv4';
  if (loopback.check(ip, family)) return 'loopback';
  if (nonPublic.check(ip, family)) return 'non-public';
  // ::ffff:7f00:1 style (hex-written mapped IPv4) and other odd spellings: refuse anything IPv4-mapped.
  if (family === 'ipv6' && /^::ffff:/i.test(ip)) return 'non-public';
  return 'public';
}

/**
 * Checks a webhook URL before each delivery: https only (http to loopback only when local targets are
 * allowed), and every address the host resolves to must be public (or loopback, when allowed).
 * Returns the address to connect to, so a second DNS answer cannot swap in a private one.
 */
export async function approveWebhookTarget(
  rawUrl: string,
  policy: TargetPolicy,
  resolve: HostResolver,
): Promise<ApprovedTarget> {
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    throw new TargetRefusedError('webhook_url is not a valid URL');
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && policy.allowInsecureLocalTargets)) {
    throw new TargetRefusedError('webhook_url must use https');
  }
  if (url.username || url.password) throw new TargetRefusedError('webhook_url must not carry credentials');
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const addresses = isIP(host) ? [{ address: host, family: isIP(host) }] : await resolveAll(resolve, host);
  // No address is a DNS answer that may change (a record being replaced): temporary, like a lookup error.
  if (addresses.length === 0) throw new Error(`${host} has no address`);
  for (const { address } of addresses) {
    const kind = classifyAddress(address);
    const allowed = kind === 'public' || (kind === 'loopback' && policy.allowInsecureLocalTargets);
    if (!allowed) throw new TargetRefusedError(`webhook_url resolves to a ${kind} address`);
  }
  if (url.protocol === 'http:' && addresses.some(({ address }) => classifyAddress(address) !== 'loopback')) {
    throw new TargetRefusedError('webhook_url must use https');
  }
  const [first] = addresses as [{ address: string; family: number }];
  return { url, address: first.address, family: first.family === 6 ? 6 : 4 };
}

async function resolveAll(resolve: HostResolver, host: string) {
  try {
    return await resolve(host);
  } catch {
    // Treated as a temporary failure by the caller: DNS may come back.
    throw new Error(`cannot resolve ${host}`);
  }
}
