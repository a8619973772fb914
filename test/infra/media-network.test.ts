import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { CREATED_VPC_CIDR } from '../../infra/constructs/media-network.ts';
import {
  attOf,
  build,
  type Context,
  environmentOf,
  functionOf,
  PROD_CONTEXT,
  resourceOf,
  synth,
} from './stack-template.ts';

/**
 * A non-prod stage in an existing network with the media servers given by address only, on two Event
 * Socket ports (prod also needs their security group).
 */
const STAGING_BY_ADDRESS: Context = {
  ...Object.fromEntries(Object.entries(PROD_CONTEXT).filter(([key]) => key !== 'mediaServerSecurityGroupId')),
  stage: 'staging',
  mediaServerCidrs: '10.0.1.0/24,10.0.2.0/24',
  eslNodes: 'fs-a=10.0.1.10:8021,fs-b=10.0.2.10:8022',
};

let dev: Template;
let prod: Template;
let stagingByAddress: Template;
beforeAll(() => {
  dev = synth();
  prod = synth(PROD_CONTEXT);
  stagingByAddress = synth(STAGING_BY_ADDRESS);
});

const ESL_CLIENTS = /^MediaNetworkEslClients[0-9A-F]{8}$/;
const MEDIA_SERVERS = /^MediaNetworkMediaServers[0-9A-F]{8}$/;

/** A security group rule, inline or a resource of its own, with the group it belongs to. */
interface Rule {
  direction: 'ingress' | 'egress';
  group: unknown;
  IpProtocol: string;
  FromPort?: number;
  ToPort?: number;
  CidrIp?: string;
  CidrIpv6?: string;
  SourceSecurityGroupId?: unknown;
  DestinationSecurityGroupId?: unknown;
  Description?: string;
}

/** Every security group rule of the template: groups' inline rules and the standalone rule resources. */
function rulesOf(source: Template): Rule[] {
  const inline = Object.entries(source.findResources('AWS::EC2::SecurityGroup')).flatMap(([id, group]) =>
    (['SecurityGroupIngress', 'SecurityGroupEgress'] as const).flatMap((key) =>
      ((group.Properties[key] ?? []) as Omit<Rule, 'direction' | 'group'>[]).map((rule) => ({
        ...rule,
        direction: key === 'SecurityGroupIngress' ? ('ingress' as const) : ('egress' as const),
        group: { 'Fn::GetAtt': [id, 'GroupId'] },
      })),
    ),
  );
  const standalone = (['AWS::EC2::SecurityGroupIngress', 'AWS::EC2::SecurityGroupEgress'] as const).flatMap(
    (type) =>
      Object.values(source.findResources(type)).map(({ Properties: { GroupId, ...rule } }) => ({
        ...rule,
        direction: type === 'AWS::EC2::SecurityGroupIngress' ? ('ingress' as const) : ('egress' as const),
        group: GroupId,
      })),
  );
  return [...inline, ...standalone] as Rule[];
}

/** Rules in one order whatever their keys' order, so two lists of rules compare as sets. */
function sorted<T extends object>(rules: T[]): T[] {
  const canonical = (rule: T) => JSON.stringify(Object.entries(rule).sort(([a], [b]) => a.localeCompare(b)));
  return [...rules].sort((a, b) => canonical(a).localeCompare(canonical(b)));
}

/** The rules of one group, without the group and descriptions, in {@link sorted} order. */
function rulesOfGroup(source: Template, group: unknown) {
  return sorted(
    rulesOf(source)
      .filter((rule) => JSON.stringify(rule.group) === JSON.stringify(group))
      .map(({ group: _group, Description: _description, ...rule }) => rule),
  );
}

/** True when the rule covers this TCP port. */
function coversPort(rule: Rule, port: number) {
  return (
    rule.IpProtocol === '-1' ||
    (rule.FromPort !== undefined && rule.FromPort <= port && port <= (rule.ToPort ?? port))
  );
}

const eslClients = (source: Template) => attOf(source, 'AWS::EC2::SecurityGroup', ESL_CLIENTS, 'GroupId');

describe('RecordingsStack media network', () => {
  it('runs the recordings and media-events functions, and only them, in the VPC with the ESL clients group', () => {
    const placed = ['Recordings', 'MediaEvents', 'OutboxRelay', 'RetentionSweep', 'WebhookSender'].map(
      (name) => [name, functionOf(dev, name).VpcConfig],
    );

    expect(Object.fromEntries(placed)).toEqual({
      Recordings: {
        SecurityGroupIds: [eslClients(dev)],
        SubnetIds: [
          { Ref: expect.stringMatching(/^MediaNetworkVpcfunctionsSubnet1/) },
          { Ref: expect.stringMatching(/^MediaNetworkVpcfunctionsSubnet2/) },
        ],
      },
      MediaEvents: {
        SecurityGroupIds: [eslClients(dev)],
        SubnetIds: [
          { Ref: expect.stringMatching(/^MediaNetworkVpcfunctionsSubnet1/) },
          { Ref: expect.stringMatching(/^MediaNetworkVpcfunctionsSubnet2/) },
        ],
      },
      // The sender must reach customers' public endpoints; the others call only AWS APIs.
      OutboxRelay: undefined,
      RetentionSweep: undefined,
      WebhookSender: undefined,
    });
  });

  it('runs the ESL functions in the imported private subnets in prod, creating no network', () => {
    expect(functionOf(prod, 'Recordings').VpcConfig).toEqual({
      SecurityGroupIds: [eslClients(prod)],
      SubnetIds: ['subnet-0aaaaaaaaaaaaaaa1', 'subnet-0bbbbbbbbbbbbbbb2'],
    });
    expect(functionOf(prod, 'MediaEvents').VpcConfig).toEqual(functionOf(prod, 'Recordings').VpcConfig);
    prod.resourceCountIs('AWS::EC2::VPC', 0);
    prod.resourceCountIs('AWS::EC2::VPCEndpoint', 0);
    prod.hasResourceProperties('AWS::EC2::SecurityGroup', { VpcId: 'vpc-0123456789abcdef0' });
  });

  it("lets the ESL clients reach only the media servers' Event Socket and HTTPS, and lets nothing in", () => {
    const mediaServers = attOf(dev, 'AWS::EC2::SecurityGroup', MEDIA_SERVERS, 'GroupId');

    expect(rulesOfGroup(dev, eslClients(dev))).toEqual(
      sorted([
        { direction: 'egress', IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIp: '0.0.0.0/0' },
        {
          direction: 'egress',
          IpProtocol: 'tcp',
          FromPort: 8021,
          ToPort: 8021,
          DestinationSecurityGroupId: mediaServers,
        },
      ]),
    );
  });

  it('lets the dev media servers take the Event Socket from the ESL clients alone', () => {
    const mediaServers = attOf(dev, 'AWS::EC2::SecurityGroup', MEDIA_SERVERS, 'GroupId');

    expect(rulesOfGroup(dev, mediaServers).filter((rule) => rule.direction === 'ingress')).toEqual([
      {
        direction: 'ingress',
        IpProtocol: 'tcp',
        FromPort: 8021,
        ToPort: 8021,
        SourceSecurityGroupId: eslClients(dev),
      },
    ]);
  });

  it("adds to the imported media servers' group only the Event Socket from the ESL clients", () => {
    expect(rulesOfGroup(prod, 'sg-0ccccccccccccccc3')).toEqual([
      {
        direction: 'ingress',
        IpProtocol: 'tcp',
        FromPort: 8021,
        ToPort: 8021,
        SourceSecurityGroupId: eslClients(prod),
      },
    ]);
    expect(rulesOfGroup(prod, eslClients(prod))).toEqual(
      sorted([
        { direction: 'egress', IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIp: '0.0.0.0/0' },
        {
          direction: 'egress',
          IpProtocol: 'tcp',
          FromPort: 8021,
          ToPort: 8021,
          DestinationSecurityGroupId: 'sg-0ccccccccccccccc3',
        },
      ]),
    );
  });

  it("lets the ESL clients reach each media servers' block on each fleet port when only addresses are given", () => {
    expect(rulesOfGroup(stagingByAddress, eslClients(stagingByAddress))).toEqual(
      sorted([
        { direction: 'egress', IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIp: '0.0.0.0/0' },
        { direction: 'egress', IpProtocol: 'tcp', FromPort: 8021, ToPort: 8021, CidrIp: '10.0.1.0/24' },
        { direction: 'egress', IpProtocol: 'tcp', FromPort: 8021, ToPort: 8021, CidrIp: '10.0.2.0/24' },
        { direction: 'egress', IpProtocol: 'tcp', FromPort: 8022, ToPort: 8022, CidrIp: '10.0.1.0/24' },
        { direction: 'egress', IpProtocol: 'tcp', FromPort: 8022, ToPort: 8022, CidrIp: '10.0.2.0/24' },
      ]),
    );
  });

  it.each([
    ['dev', () => dev],
    ['prod', () => prod],
    ['staging by address', () => stagingByAddress],
  ])('opens no Event Socket port to the internet (%s)', (_name, source) => {
    const open = rulesOf(source()).filter(
      (rule) =>
        rule.direction === 'ingress' &&
        (rule.CidrIp === '0.0.0.0/0' || rule.CidrIpv6 === '::/0') &&
        [8021, 8022].some((port) => coversPort(rule, port)),
    );
    const anyPublicIngress = rulesOf(source()).filter(
      (rule) => rule.direction === 'ingress' && (rule.CidrIp !== undefined || rule.CidrIpv6 !== undefined),
    );

    expect(open).toEqual([]);
    // No group of the stack takes anything from an address range at all: only from other groups.
    expect(anyPublicIngress).toEqual([]);
  });

  it('gives the ESL functions the fleet as ESL_NODES, never a single host', () => {
    const esl = ['Recordings', 'MediaEvents'].map((name) => {
      const { ESL_NODES, ESL_HOST, ESL_PORT } = environmentOf(prod, name);
      return { ESL_NODES, ESL_HOST, ESL_PORT };
    });

    expect(esl).toEqual([
      { ESL_NODES: 'fs-a=10.0.1.10:8021,fs-b=10.0.2.10:8021', ESL_HOST: undefined, ESL_PORT: undefined },
      { ESL_NODES: 'fs-a=10.0.1.10:8021,fs-b=10.0.2.10:8021', ESL_HOST: undefined, ESL_PORT: undefined },
    ]);
  });

  it("changes both ESL functions' configuration when the password revision is bumped, so Lambda replaces their containers", () => {
    const rotated = synth({ ...PROD_CONTEXT, eslPasswordRevision: '2' });
    const revisions = (source: Template) =>
      ['Recordings', 'MediaEvents'].map((name) => environmentOf(source, name).ESL_PASSWORD_REVISION);

    expect({ before: revisions(prod), after: revisions(rotated) }).toEqual({
      before: ['1', '1'],
      after: ['2', '2'],
    });
  });

  it('refuses to build prod without a network, naming the context keys', () => {
    expect(() => build({}, { stage: 'prod' })).toThrow(
      "Stage prod needs the media servers' private network; missing context keys: vpcId, availabilityZones, privateSubnetIds, mediaServerSecurityGroupId.",
    );
  });

  it("refuses to build prod into a network without the media servers' security group", () => {
    expect(() => build(STAGING_BY_ADDRESS, { stage: 'prod' })).toThrow(
      "Stage prod needs the media servers' private network; missing context keys: mediaServerSecurityGroupId.",
    );
  });
});

describe('RecordingsStack dev network', () => {
  it('has isolated subnets for the functions, public ones for dev media servers, and no NAT gateway', () => {
    const [, vpc] = resourceOf(dev, 'AWS::EC2::VPC', /^MediaNetworkVpc/);
    const subnets = Object.entries(dev.findResources('AWS::EC2::Subnet')).map(([id, subnet]) => [
      id.replace(/Subnet(\d)Subnet[0-9A-F]{8}$/, ' $1'),
      subnet.Properties.MapPublicIpOnLaunch,
    ]);

    expect(vpc.Properties.CidrBlock).toBe(CREATED_VPC_CIDR);
    expect(subnets.sort()).toEqual([
      ['MediaNetworkVpcfunctions 1', false],
      ['MediaNetworkVpcfunctions 2', false],
      ['MediaNetworkVpcmedia 1', false],
      ['MediaNetworkVpcmedia 2', false],
    ]);
    dev.resourceCountIs('AWS::EC2::NatGateway', 0);
  });

  it("gives the functions' subnets no route out of the VPC but the gateway endpoints", () => {
    const functionTables = Object.keys(dev.findResources('AWS::EC2::RouteTable')).filter((id) =>
      id.startsWith('MediaNetworkVpcfunctions'),
    );
    const routes = Object.values(dev.findResources('AWS::EC2::Route')).filter((route) =>
      functionTables.includes(route.Properties.RouteTableId.Ref),
    );

    expect(functionTables).toHaveLength(2);
    expect(routes).toEqual([]);
  });

  it('logs every flow of the network', () => {
    const [, log] = resourceOf(dev, 'AWS::EC2::FlowLog', /^MediaNetworkVpc/);

    expect(log.Properties).toMatchObject({
      ResourceType: 'VPC',
      TrafficType: 'ALL',
      LogDestinationType: 'cloud-watch-logs',
      LogGroupName: { Ref: expect.stringMatching(/^MediaNetworkFlowLogs/) },
    });
  });

  it("reaches DynamoDB and S3 through gateway endpoints on the functions' route tables", () => {
    const gateways = Object.values(
      dev.findResources('AWS::EC2::VPCEndpoint', { Properties: { VpcEndpointType: 'Gateway' } }),
    );
    const services = gateways.map((endpoint) => JSON.stringify(endpoint.Properties.ServiceName));

    expect(services.sort()).toEqual([expect.stringContaining('.dynamodb'), expect.stringContaining('.s3')]);
    for (const endpoint of gateways) {
      expect(endpoint.Properties.RouteTableIds).toEqual([
        { Ref: expect.stringMatching(/^MediaNetworkVpcfunctionsSubnet1RouteTable/) },
        { Ref: expect.stringMatching(/^MediaNetworkVpcfunctionsSubnet2RouteTable/) },
      ]);
    }
  });

  it('reaches SQS and Secrets Manager through private-DNS interface endpoints that take HTTPS from the ESL clients', () => {
    const sqsGroup = attOf(dev, 'AWS::EC2::SecurityGroup', /^MediaNetworkSqsEndpointGroup/, 'GroupId');
    const secretsGroup = attOf(
      dev,
      'AWS::EC2::SecurityGroup',
      /^MediaNetworkSecretsEndpointGroup/,
      'GroupId',
    );
    const mediaServers = attOf(dev, 'AWS::EC2::SecurityGroup', MEDIA_SERVERS, 'GroupId');
    const interfaces = Object.values(
      dev.findResources('AWS::EC2::VPCEndpoint', { Properties: { VpcEndpointType: 'Interface' } }),
    ).map((endpoint) => ({
      service: endpoint.Properties.ServiceName,
      privateDns: endpoint.Properties.PrivateDnsEnabled,
      groups: endpoint.Properties.SecurityGroupIds,
    }));
    const ingress = (group: unknown) =>
      rulesOfGroup(dev, group).filter((rule) => rule.direction === 'ingress');

    expect(interfaces).toEqual([
      { service: 'com.amazonaws.eu-west-1.sqs', privateDns: true, groups: [sqsGroup] },
      { service: 'com.amazonaws.eu-west-1.secretsmanager', privateDns: true, groups: [secretsGroup] },
    ]);
    expect(ingress(secretsGroup)).toEqual([
      {
        direction: 'ingress',
        IpProtocol: 'tcp',
        FromPort: 443,
        ToPort: 443,
        SourceSecurityGroupId: eslClients(dev),
      },
    ]);
    // Private DNS sends the whole VPC's SQS calls there, the dev media servers' relay included.
    expect(ingress(sqsGroup)).toEqual(
      sorted([
        {
          direction: 'ingress',
          IpProtocol: 'tcp',
          FromPort: 443,
          ToPort: 443,
          SourceSecurityGroupId: eslClients(dev),
        },
        {
          direction: 'ingress',
          IpProtocol: 'tcp',
          FromPort: 443,
          ToPort: 443,
          SourceSecurityGroupId: mediaServers,
        },
      ]),
    );
  });

  it('outputs the network and both groups, so dev media servers can be placed in it', () => {
    expect(
      Object.keys(dev.findOutputs('*'))
        .filter((name) => /Vpc|SecurityGroup/.test(name))
        .sort(),
    ).toEqual(['EslClientsSecurityGroupId', 'MediaServerSecurityGroupId', 'VpcId']);
  });
});
