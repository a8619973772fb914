import { describe, expect, it } from 'vitest';
import {
  approveWebhookTarget,
  classifyAddress,
  type HostResolver,
} from '../../../shared/webhooks/target-policy.ts';

const production = { allowInsecureLocalTargets: false };
const local = { allowInsecureLocalTargets: true };
const resolver =
  (table: Record<string, string[]>): HostResolver =>
  async (host) =>
    (table[host] ?? []).map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
const publicDns = resolver({ 'hooks.example.com': ['93.184.216.34'] });

async function refusal(url: string, policy = production, resolve: HostResolver = publicDns): Promise<string> {
  try {
    await approveWebhookTarget(url, policy, resolve);
  } catch (error) {
    return (error as Error).message;
  }
  return 'approved';
}

describe('approveWebhookTarget in production', () => {
  it('approves a public https URL and pins its address', async () => {
    const target = await approveWebhookTarget('https://hooks.example.com/minivoice', production, publicDns);
    expect([target.url.href, target.address, target.family]).toEqual([
      'https://hooks.example.com/minivoice',
      '93.184.216.34',
      4,
    ]);
  });

  it('refuses plain http', async () => {
    expect(await refusal('http://hooks.example.com/minivoice')).toBe('webhook_url must use https');
  });

  it.each([
    'https://127.0.0.1/',
    'https://127.1/',
    'https://2130706433/',
    'https://0x7f000001/',
    'https://0177.0.0.1/',
    'https://[::1]/',
    'https://[::ffff:127.0.0.1]/',
    'https://[::ffff:7f00:1]/',
  ])('refuses loopback %s', async (url) => {
    expect(await refusal(url)).toMatch(/^webhook_url resolves to a (loopback|non-public) address$/);
  });

  it.each([
    'https://10.0.0.5/',
    'https://172.16.0.1/',
    'https://192.168.1.1/',
    'https://100.64.0.1/',
    'https://169.254.169.254/latest/meta-data/',
    'https://[fd00:ec2::254]/',
    'https://[fe80::1]/',
    'https://[fc00::1]/',
    'https://0.0.0.0/',
    'https://[::]/',
    'https://224.0.0.1/',
    'https://[::ffff:10.0.0.1]/',
    'https://[64:ff9b::a9fe:a9fe]/',
    'https://[2002:a9fe:a9fe::1]/',
  ])('refuses non-public %s', async (url) => {
    expect(await refusal(url)).toBe('webhook_url resolves to a non-public address');
  });

  it('refuses a name that resolves to a private address', async () => {
    const rebinding = resolver({ 'evil.example.com': ['93.184.216.34', '10.0.0.7'] });
    expect(await refusal('https://evil.example.com/', production, rebinding)).toBe(
      'webhook_url resolves to a non-public address',
    );
  });

  it('refuses a name that resolves to the metadata service', async () => {
    const metadata = resolver({ 'metadata.example.com': ['169.254.169.254'] });
    expect(await refusal('https://metadata.example.com/', production, metadata)).toBe(
      'webhook_url resolves to a non-public address',
    );
  });

  it('refuses credentials in the URL', async () => {
    expect(await refusal('https://user:pw@hooks.example.com/')).toBe(
      'webhook_url must not carry credentials',
    );
  });

  it('refuses something that is not a URL', async () => {
    expect(await refusal('not a url')).toBe('webhook_url is not a valid URL');
  });
});

describe('approveWebhookTarget with local targets allowed', () => {
  it('approves a plain-http loopback receiver', async () => {
    expect(await refusal('http://127.0.0.1:3000/_local/webhooks', local)).toBe('approved');
  });

  it('still refuses private networks', async () => {
    expect(await refusal('http://192.168.1.10/', local)).toBe('webhook_url resolves to a non-public address');
  });

  it('still refuses plain http to a public host', async () => {
    expect(await refusal('http://hooks.example.com/', local)).toBe('webhook_url must use https');
  });
});

describe('classifyAddress', () => {
  it.each([
    ['8.8.8.8', 'public'],
    ['2606:4700:4700::1111', 'public'],
    ['127.0.0.53', 'loopback'],
    ['::1', 'loopback'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['169.254.170.2', 'non-public'],
  ])('judges %s as %s', (address, kind) => {
    expect(classifyAddress(address)).toBe(kind);
  });
});
