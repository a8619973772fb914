import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../..');

/** Each function of the stack (its construct id) and the `functions/` directory its bundle comes from. */
const FUNCTIONS = {
  MediaEvents: 'media-events',
  OutboxRelay: 'outbox-relay',
  Recordings: 'recordings',
  RetentionSweep: 'retention-sweep',
  WebhookSender: 'webhook-sender',
};

/** The environment minus every AWS credential, region and endpoint: a fresh clone on a laptop. */
function withoutAws(): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith('AWS_') && !name.startsWith('CDK_')),
  );
}

/** The context of a prod deployment into an existing network, as `-c` arguments. */
const PROD_NETWORK = [
  'stage=prod',
  'vpcId=vpc-0123456789abcdef0',
  'availabilityZones=eu-west-1a,eu-west-1b',
  'privateSubnetIds=subnet-0aaaaaaaaaaaaaaa1,subnet-0bbbbbbbbbbbbbbb2',
  'mediaServerSecurityGroupId=sg-0ccccccccccccccc3',
  'eslNodes=fs-a=10.0.1.10:8021,fs-b=10.0.2.10:8021',
];

/**
 * Runs `npm run synth` into `outdir` with these context values; resolves to its exit code and
 * everything it printed.
 */
function synth(outdir: string, context: string[] = []) {
  return new Promise<{ code: number | null; output: string }>((resolve) => {
    const args = ['run', 'synth', '--', '--output', outdir, ...context.flatMap((value) => ['-c', value])];
    const child = spawn('npm', args, { cwd: ROOT, env: withoutAws() });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.on('exit', (code) => resolve({ code, output }));
  });
}

/** The Lambda functions of a synthesized template: construct id → the asset directory of its code. */
function functionAssets(template: { Resources: Record<string, { Type: string; Properties: unknown }> }) {
  return Object.fromEntries(
    Object.entries(template.Resources)
      .filter(([, resource]) => resource.Type === 'AWS::Lambda::Function')
      .map(([id, resource]) => {
        const { S3Key } = (resource.Properties as { Code: { S3Key: string } }).Code;
        return [id.replace(/Function[0-9A-F]{8}$/, ''), `asset.${S3Key.replace(/\.zip$/, '')}`];
      }),
  );
}

type SynthesizedTemplate = {
  Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
};

let outdir: string;
let prodOutdir: string;
let result: { code: number | null; output: string };
let prodRefusal: { code: number | null; output: string };
let prodResult: { code: number | null; output: string };
let assets: Record<string, string>;
let prodTemplate: SynthesizedTemplate;
beforeAll(async () => {
  outdir = await mkdtemp(join(tmpdir(), 'minivoice-cdk-'));
  prodOutdir = await mkdtemp(join(tmpdir(), 'minivoice-cdk-prod-'));
  // The refusal stops before bundling, so it can run beside the dev synth; the two bundling ones cannot
  // share the machine's two cores well.
  [result, prodRefusal] = await Promise.all([synth(outdir), synth(prodOutdir, ['stage=prod'])]);
  prodResult = await synth(prodOutdir, PROD_NETWORK);
  if (result.code === 0) {
    const template = JSON.parse(
      await readFile(join(outdir, 'minivoice-recordings-dev.template.json'), 'utf8'),
    );
    assets = functionAssets(template);
  }
  if (prodResult.code === 0) {
    prodTemplate = JSON.parse(
      await readFile(join(prodOutdir, 'minivoice-recordings-prod.template.json'), 'utf8'),
    );
  }
}, 240_000);
afterAll(async () => {
  if (outdir) await rm(outdir, { recursive: true, force: true });
  if (prodOutdir) await rm(prodOutdir, { recursive: true, force: true });
});

describe('npm run synth', () => {
  it('synthesizes the stack offline without credentials', () => {
    expect(result.code, result.output).toBe(0);
  });

  it('bundles each function as minified ESM with a source map', async () => {
    const bundles = Object.fromEntries(
      await Promise.all(
        Object.entries(assets).map(async ([name, asset]) => [
          name,
          (await readdir(join(outdir, asset))).sort(),
        ]),
      ),
    );

    expect(bundles).toEqual(
      Object.fromEntries(Object.keys(FUNCTIONS).map((name) => [name, ['index.mjs', 'index.mjs.map']])),
    );
  });

  it("bundles each function from its own directory's handler (the outbox relay included, no outbox sweep)", async () => {
    const services = Object.fromEntries(
      await Promise.all(
        Object.entries(assets).map(async ([name, asset]) => {
          const code = await readFile(join(outdir, asset, 'index.mjs'), 'utf8');
          return [name, /service:"([a-z-]+)"/.exec(code)?.[1]];
        }),
      ),
    );

    expect(services).toEqual(FUNCTIONS);
  });

  it('refuses stage prod without its network settings, naming the missing context keys and nothing else', () => {
    const printed = prodRefusal.output.split('\n');

    expect(prodRefusal.code).not.toBe(0);
    expect(printed).toContain(
      "- Stage prod needs the media servers' private network; missing context keys: vpcId, availabilityZones, privateSubnetIds, mediaServerSecurityGroupId, eslNodes.",
    );
    // The message, not a stack trace.
    expect(prodRefusal.output).not.toMatch(/^\s+at /m);
  });

  it('synthesizes prod with its network settings: the ESL functions in the imported subnets, the Event Socket open to them alone', () => {
    expect(prodResult.code, prodResult.output).toBe(0);
    const resources = Object.entries(prodTemplate.Resources);
    const vpcConfigs = resources
      .filter(([, resource]) => resource.Type === 'AWS::Lambda::Function' && resource.Properties.VpcConfig)
      .map(([id, resource]) => [id.replace(/Function[0-9A-F]{8}$/, ''), resource.Properties.VpcConfig]);
    const ingress = resources
      .filter(([, resource]) => resource.Type === 'AWS::EC2::SecurityGroupIngress')
      .map(([, resource]) => resource.Properties);
    const eslClients = resources.find(([id]) => id.startsWith('MediaNetworkEslClients'))?.[0];

    expect(Object.fromEntries(vpcConfigs)).toEqual({
      Recordings: {
        SecurityGroupIds: [{ 'Fn::GetAtt': [eslClients, 'GroupId'] }],
        SubnetIds: ['subnet-0aaaaaaaaaaaaaaa1', 'subnet-0bbbbbbbbbbbbbbb2'],
      },
      MediaEvents: {
        SecurityGroupIds: [{ 'Fn::GetAtt': [eslClients, 'GroupId'] }],
        SubnetIds: ['subnet-0aaaaaaaaaaaaaaa1', 'subnet-0bbbbbbbbbbbbbbb2'],
      },
    });
    expect(ingress).toEqual([
      {
        Description: 'FreeSWITCH Event Socket, from the recordings and media-events functions only',
        GroupId: 'sg-0ccccccccccccccc3',
        IpProtocol: 'tcp',
        FromPort: 8021,
        ToPort: 8021,
        SourceSecurityGroupId: { 'Fn::GetAtt': [eslClients, 'GroupId'] },
      },
    ]);
  });

  it('synthesizes prod without warnings', () => {
    expect(prodResult.output).not.toMatch(/WARNING/);
  });

  it('leaves no CDK feature flag unset (cdk.json sets each to its recommended value)', () => {
    expect(
      [result.output, prodResult.output].filter((output) => /feature flags are not configured/.test(output)),
    ).toEqual([]);
  });
});
