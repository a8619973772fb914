import { describe, expect, it } from 'vitest';
import { deploymentSettings, isPrivateIpv4Cidr } from '../../infra/config/deployment-settings.ts';
import { type Context, PROD_CONTEXT } from './stack-template.ts';

/** The settings `infra/app.ts` reads from this context. */
function settingsFor(context: Context) {
  return deploymentSettings((key) => context[key]);
}

/** The message a context is refused with. */
function refusalOf(context: Context): string {
  try {
    settingsFor(context);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('the context was accepted');
}

/** A context without these keys. */
function without(context: Context, ...keys: string[]): Context {
  return Object.fromEntries(Object.entries(context).filter(([key]) => !keys.includes(key)));
}

const EXAMPLE = [
  'The functions that speak ESL (recordings, media-events) run in that VPC; prod never creates a network of its own.',
  "The media servers' security group is required: the stack opens their Event Socket to those functions alone.",
  'Example (README "Deploy"): -c vpcId=vpc-0123456789abcdef0 -c availabilityZones=eu-west-1a,eu-west-1b',
  '  -c privateSubnetIds=subnet-0123456789abcdef0,subnet-0fedcba9876543210 -c mediaServerSecurityGroupId=sg-0123456789abcdef0',
  '  -c eslNodes=fs-a=10.0.1.10:8021,fs-b=10.0.2.10:8021',
].join('\n');

describe('deploymentSettings', () => {
  it('refuses prod without network settings, naming every missing context key', () => {
    expect(refusalOf({ stage: 'prod' })).toBe(
      [
        'Cannot synthesize minivoice-recordings-prod:',
        "- Stage prod needs the media servers' private network; missing context keys: vpcId, availabilityZones, privateSubnetIds, mediaServerSecurityGroupId, eslNodes.",
        EXAMPLE,
      ].join('\n'),
    );
  });

  it('refuses prod without the fleet, naming eslNodes', () => {
    expect(refusalOf(without(PROD_CONTEXT, 'eslNodes'))).toContain(
      "Stage prod needs the media servers' private network; missing context keys: eslNodes.",
    );
  });

  it("refuses prod without the media servers' security group, even with their addresses: nothing would manage their inbound side", () => {
    const byAddress = {
      ...without(PROD_CONTEXT, 'mediaServerSecurityGroupId'),
      mediaServerCidrs: '10.0.0.0/16',
    };

    expect(refusalOf(byAddress)).toBe(
      [
        'Cannot synthesize minivoice-recordings-prod:',
        "- Stage prod needs the media servers' private network; missing context keys: mediaServerSecurityGroupId.",
        EXAMPLE,
      ].join('\n'),
    );
  });

  it('refuses a non-prod network that says neither where the media servers are by group nor by address', () => {
    expect(refusalOf({ ...without(PROD_CONTEXT, 'mediaServerSecurityGroupId'), stage: 'staging' })).toContain(
      '- (mediaServerSecurityGroupId or mediaServerCidrs): required too when the network is imported (any of its keys given)',
    );
  });

  it('reads a non-prod network whose media servers are given by address only', () => {
    const settings = settingsFor({
      ...without(PROD_CONTEXT, 'mediaServerSecurityGroupId'),
      stage: 'staging',
      mediaServerCidrs: '10.0.1.0/24,10.0.2.0/24',
    });

    expect(settings.network).toEqual({
      vpcId: 'vpc-0123456789abcdef0',
      availabilityZones: ['eu-west-1a', 'eu-west-1b'],
      privateSubnetIds: ['subnet-0aaaaaaaaaaaaaaa1', 'subnet-0bbbbbbbbbbbbbbb2'],
      mediaServerCidrs: ['10.0.1.0/24', '10.0.2.0/24'],
    });
  });

  it("refuses a node whose address is outside the media servers' blocks, naming it", () => {
    expect(
      refusalOf({
        ...PROD_CONTEXT,
        mediaServerCidrs: '10.0.1.0/24',
        eslNodes: 'fs-a=10.0.1.10:8021,fs-b=10.0.2.10:8021,fs-c=10.0.1.255:8021',
      }),
    ).toBe(
      [
        'Cannot synthesize minivoice-recordings-prod:',
        "- eslNodes: fs-b's address 10.0.2.10 is outside mediaServerCidrs (10.0.1.0/24); the ESL functions may reach only those blocks",
      ].join('\n'),
    );
  });

  it("accepts nodes inside any of the media servers' blocks, and nodes named by host name (which synth cannot resolve)", () => {
    const settings = settingsFor({
      ...PROD_CONTEXT,
      mediaServerCidrs: '10.0.1.0/24,10.0.2.0/23',
      eslNodes: 'fs-a=10.0.1.10:8021,fs-b=10.0.3.254:8021,fs-c=fs-c.media.internal:8021',
    });

    expect(settings.eslNodes.map((node) => node.host)).toEqual([
      '10.0.1.10',
      '10.0.3.254',
      'fs-c.media.internal',
    ]);
  });

  it('reads a prod deployment into an existing network', () => {
    expect(settingsFor(PROD_CONTEXT)).toEqual({
      stage: 'prod',
      region: 'eu-west-1',
      eslNodes: [
        { name: 'fs-a', host: '10.0.1.10', port: 8021 },
        { name: 'fs-b', host: '10.0.2.10', port: 8021 },
      ],
      network: {
        vpcId: 'vpc-0123456789abcdef0',
        availabilityZones: ['eu-west-1a', 'eu-west-1b'],
        privateSubnetIds: ['subnet-0aaaaaaaaaaaaaaa1', 'subnet-0bbbbbbbbbbbbbbb2'],
        mediaServerSecurityGroupId: 'sg-0ccccccccccccccc3',
        mediaServerCidrs: [],
      },
      eslPasswordRevision: 1,
      applicationLimit: { perSecond: 50, burst: 100 },
      edge: {
        perAddress: 6000,
        anonymousPerAddress: 300,
        // 1.2 × the most one application's allowance admits in 60 s: 100 + 50/s × 60 s = 3100.
        perKey: 3720,
        windowSeconds: 60,
        // 100 applications at 50/s.
        stageRate: 5000,
        stageBurst: 5000,
      },
    });
  });

  it('gives a dev stage a network of its own and one media server by the old default host when nothing is set', () => {
    const settings = settingsFor({});

    expect(settings.network).toBeUndefined();
    expect(settings.eslNodes).toEqual([{ name: 'fs-a', host: 'freeswitch.internal', port: 8021 }]);
  });

  it('refuses a partly given network in any stage, naming what is missing', () => {
    expect(refusalOf({ vpcId: 'vpc-0123456789abcdef0' })).toBe(
      [
        'Cannot synthesize minivoice-recordings-dev:',
        '- availabilityZones, privateSubnetIds, (mediaServerSecurityGroupId or mediaServerCidrs): required too when the network is imported (any of its keys given)',
      ].join('\n'),
    );
  });

  it.each([['0.0.0.0/0'], ['203.0.113.0/24'], ['10.0.0.0/7'], ['::/0']])(
    "refuses %s as the media servers' addresses: the Event Socket is only ever opened to private ones",
    (cidr) => {
      expect(refusalOf({ ...PROD_CONTEXT, mediaServerCidrs: cidr })).toBe(
        [
          'Cannot synthesize minivoice-recordings-prod:',
          `- mediaServerCidrs: "${cidr}" is not a private IPv4 block (10/8, 172.16/12, 192.168/16, 100.64/10)`,
        ].join('\n'),
      );
    },
  );

  it('refuses subnets without one availability zone each', () => {
    expect(refusalOf({ ...PROD_CONTEXT, availabilityZones: 'eu-west-1a' })).toContain(
      '- privateSubnetIds and availabilityZones: one zone per subnet, in the same order',
    );
  });

  it('refuses malformed network ids, naming each key', () => {
    const message = refusalOf({
      ...PROD_CONTEXT,
      vpcId: 'my-vpc',
      privateSubnetIds: 'subnet-0aaaaaaaaaaaaaaa1,private-b',
      mediaServerSecurityGroupId: 'media',
    });

    expect(message.split('\n').slice(1)).toEqual([
      '- vpcId: "my-vpc" is not a VPC id',
      '- privateSubnetIds: "private-b" is not a subnet id',
      '- mediaServerSecurityGroupId: "media" is not a security group id',
    ]);
  });

  it('points eslHost and eslPort to eslNodes', () => {
    expect(refusalOf({ eslHost: 'freeswitch.internal', eslPort: '8021' })).toBe(
      [
        'Cannot synthesize minivoice-recordings-dev:',
        '- eslHost and eslPort were replaced by eslNodes (comma-separated name=host:port, e.g. fs-a=10.0.1.10:8021,fs-b=10.0.2.10:8021)',
      ].join('\n'),
    );
  });

  it('refuses a malformed fleet with the reason', () => {
    expect(refusalOf({ eslNodes: 'fs-a=10.0.1.10:8021,fs-a=10.0.2.10:8021' })).toContain(
      '- eslNodes: node fs-a is named twice',
    );
  });

  it("refuses a stage throttle at or below one application's allowance: it is everybody's backstop", () => {
    expect(refusalOf({ throttleRate: '100', throttleBurst: '200', rateLimitPerSecond: '100' })).toContain(
      "- throttleRate and throttleBurst: the stage limit is a global backstop and must stay above one application's allowance (rateLimitPerSecond, rateLimitBurst)",
    );
  });

  it("refuses a per-address WAF limit that would cut off one application's whole allowance", () => {
    expect(refusalOf({ wafRateLimit: '2999' })).toContain(
      "- wafRateLimit: 2999 per 60 s is below one application's allowance (50/s × 60 s)",
    );
  });

  it("refuses a per-key WAF limit below what one application's allowance admits in the window: a key within its allowance is never cut off", () => {
    expect(refusalOf({ wafKeyRateLimit: '3099' })).toContain(
      "- wafKeyRateLimit: 3099 per 60 s is below what one application's allowance admits in that window (100 + 50/s × 60 s = 3100)",
    );
  });

  it("derives the per-key WAF limit from the allowance and window unless given: 1.2 × the allowance's most per window", () => {
    const settings = settingsFor({ rateLimitPerSecond: '20', rateLimitBurst: '40', wafWindowSeconds: '300' });

    expect(settings.edge.perKey).toBe(Math.ceil(1.2 * (40 + 20 * 300)));
  });

  it.each([
    ['http://wiki.example.com/runbook'],
    ['https://wiki.example.com/runbook#alarms'],
    ['docs/runbook.md'],
  ])('refuses a runbookUrl alarms cannot link into: %s', (runbookUrl) => {
    expect(refusalOf({ runbookUrl })).toBe(
      `Cannot synthesize minivoice-recordings-dev:\n- runbookUrl: "${runbookUrl}" must be an https URL without a #fragment (alarms add their own)`,
    );
  });

  it('reads the runbook URL alarms link to', () => {
    expect(
      settingsFor({ runbookUrl: 'https://git.example.com/minivoice/blob/main/docs/runbook.md' }).runbookUrl,
    ).toBe('https://git.example.com/minivoice/blob/main/docs/runbook.md');
  });

  it('refuses a WAF window AWS does not offer', () => {
    expect(refusalOf({ wafWindowSeconds: '30' })).toContain(
      '- wafWindowSeconds: must be one of 60, 120, 300, 600',
    );
  });

  it('reads the limits from context', () => {
    const settings = settingsFor({
      rateLimitPerSecond: '20',
      rateLimitBurst: '40',
      wafRateLimit: '2400',
      wafAnonymousRateLimit: '120',
      wafKeyRateLimit: '3000',
      wafWindowSeconds: '120',
      throttleRate: '500',
      throttleBurst: '800',
    });

    expect({ applicationLimit: settings.applicationLimit, edge: settings.edge }).toEqual({
      applicationLimit: { perSecond: 20, burst: 40 },
      edge: {
        perAddress: 2400,
        anonymousPerAddress: 120,
        perKey: 3000,
        windowSeconds: 120,
        stageRate: 500,
        stageBurst: 800,
      },
    });
  });
});

describe('isPrivateIpv4Cidr', () => {
  it.each([
    ['10.0.1.0/24', true],
    ['10.0.0.0/8', true],
    ['172.31.255.0/24', true],
    ['192.168.10.10/32', true],
    ['100.64.0.0/10', true],
    ['172.32.0.0/16', false],
    ['0.0.0.0/0', false],
    ['8.8.8.8/32', false],
    ['10.0.0.0/7', false],
    ['10.0.0.256/32', false],
    ['fd00::/8', false],
  ])('says %s is private: %s', (cidr, expected) => {
    expect(isPrivateIpv4Cidr(cidr)).toBe(expected);
  });
});
