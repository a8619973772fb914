import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { systemResolver } from '../../shared/adapters/http/http-webhook-transport.ts';
import { approveWebhookTarget, type HostResolver } from '../../shared/webhooks/target-policy.ts';

const production = { allowInsecureLocalTargets: false };
const noDns: HostResolver = async () => {
  throw new Error('no DNS for IP literals');
};

async function verdict(url: string, resolve: HostResolver = noDns): Promise<string> {
  try {
    await approveWebhookTarget(url, production, resolve);
    return 'approved';
  } catch (error) {
    return (error as Error).message;
  }
}

const octet = fc.integer({ min: 0, max: 255 });
/** IPv4 addresses in every non-public range we refuse. */
const privateV4 = fc.oneof(
  fc.tuple(fc.constant(10), octet, octet, octet),
  fc.tuple(fc.constant(127), octet, octet, octet),
  fc.tuple(fc.constant(169), fc.constant(254), octet, octet),
  fc.tuple(fc.constant(172), fc.integer({ min: 16, max: 31 }), octet, octet),
  fc.tuple(fc.constant(192), fc.constant(168), octet, octet),
  fc.tuple(fc.constant(100), fc.integer({ min: 64, max: 127 }), octet, octet),
  fc.tuple(fc.constant(0), octet, octet, octet),
  fc.tuple(fc.integer({ min: 224, max: 255 }), octet, octet, octet),
);
/** The same address written the ways a URL parser accepts: dotted, one decimal number, hex, octal. */
const spellings = (parts: number[]) => {
  const n = parts.reduce((acc, p) => acc * 256 + p, 0);
  return [
    parts.join('.'),
    String(n),
    `0x${n.toString(16)}`,
    parts.map((p) => `0${p.toString(8)}`).join('.'),
    `[::ffff:${parts.join('.')}]`,
  ];
};

describe('webhook SSRF policy in production mode', () => {
  it('refuses every spelling of every private, loopback, link-local, CGNAT and reserved IPv4 address', async () => {
    await fc.assert(
      fc.asyncProperty(privateV4, async (parts) => {
        for (const host of spellings(parts)) {
          expect(await verdict(`https://${host}/hook`)).toMatch(
            /resolves to a (loopback|non-public) address$/,
          );
        }
      }),
      { numRuns: 200 },
    );
  });

  it('refuses IPv6 unique-local, link-local, loopback, multicast and mapped addresses', async () => {
    const hex = fc.integer({ min: 0, max: 0xffff }).map((n) => n.toString(16));
    const v6 = fc.oneof(
      fc
        .tuple(fc.integer({ min: 0xfc00, max: 0xfdff }), hex, hex)
        .map(([a, b, c]) => `${a.toString(16)}:${b}::${c}`),
      fc.tuple(fc.integer({ min: 0xfe80, max: 0xfebf }), hex).map(([a, b]) => `${a.toString(16)}::${b}`),
      fc.tuple(fc.integer({ min: 0xff00, max: 0xffff }), hex).map(([a, b]) => `${a.toString(16)}::${b}`),
      fc.constantFrom('::1', '::', 'fd00:ec2::254', '::ffff:a9fe:a9fe', '64:ff9b::7f00:1'),
    );
    await fc.assert(
      fc.asyncProperty(v6, async (address) => {
        expect(await verdict(`https://[${address}]/hook`)).toMatch(
          /resolves to a (loopback|non-public) address$/,
        );
      }),
      { numRuns: 200 },
    );
  });

  it('refuses host names that resolve to private addresses, including through real DNS', async () => {
    const evil: HostResolver = async (host) =>
      host === 'rebind.example.com'
        ? [
            { address: '203.0.113.9', family: 4 },
            { address: '169.254.169.254', family: 4 },
          ]
        : [];
    expect(await verdict('https://rebind.example.com/hook', evil)).toBe(
      'webhook_url resolves to a non-public address',
    );
    expect(await verdict('https://localhost/hook', systemResolver)).toMatch(
      /resolves to a (loopback|non-public) address$/,
    );
  });

  it('refuses plain http even to a public address', async () => {
    expect(await verdict('http://93.184.216.34/hook')).toBe('webhook_url must use https');
  });
});
