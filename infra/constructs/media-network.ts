import { type RemovalPolicy, Validations } from 'aws-cdk-lib';
import {
  FlowLogDestination,
  FlowLogTrafficType,
  GatewayVpcEndpointAwsService,
  InterfaceVpcEndpointAwsService,
  IpAddresses,
  type ISecurityGroup,
  type IVpc,
  Peer,
  Port,
  SecurityGroup,
  type SubnetSelection,
  SubnetType,
  Vpc,
} from 'aws-cdk-lib/aws-ec2';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { EslNode } from '../../shared/adapters/freeswitch/esl-nodes.ts';
import type { ImportedNetwork } from '../config/deployment-settings.ts';

/** Where a function that speaks ESL runs: the props a `NodejsFunction` takes for its VPC. */
export interface FunctionPlacement {
  vpc: IVpc;
  vpcSubnets: SubnetSelection;
  securityGroups: ISecurityGroup[];
}

/** What the network is built from. */
export interface MediaNetworkProps {
  /** The media servers' Event Sockets: their ports are the only ones the functions may reach them on. */
  eslNodes: EslNode[];
  /** The media servers' existing network; absent, a network of the stack's own (non-prod stages only). */
  imported?: ImportedNetwork;
  logRetention: RetentionDays;
  removalPolicy: RemovalPolicy;
}

/** The subnet group of a created network where the functions run: no route out of the VPC at all. */
const FUNCTION_SUBNETS = 'functions';
/** The subnet group of a created network for dev media servers (SIP and RTP need the internet). */
const MEDIA_SUBNETS = 'media';
/** The address range of a created network. */
export const CREATED_VPC_CIDR = '10.80.0.0/16';

/**
 * The private network between the functions that speak ESL (recordings, media-events) and the media
 * servers. The functions' security group may reach only the media servers' Event Socket ports and
 * HTTPS; where the stack knows the media servers' security group (created here, or imported), that
 * group lets only the functions' group in on those ports. Nothing opens an Event Socket to the internet.
 *
 * Imported: the operator's VPC and private subnets; their routes to DynamoDB, S3, SQS and Secrets
 * Manager (endpoints or NAT) are the operator's. Created (dev): isolated subnets for the functions (no
 * NAT, no internet route) with VPC endpoints for exactly what they call, public subnets for dev media
 * servers (no public address unless one is assigned), and flow logs.
 */
export class MediaNetwork extends Construct {
  readonly vpc: IVpc;
  /** The functions' security group. */
  readonly eslClients: SecurityGroup;
  /** The media servers' security group, when the stack knows it. */
  readonly mediaServers?: ISecurityGroup;
  /** Where the ESL functions run. */
  readonly placement: FunctionPlacement;

  constructor(scope: Construct, id: string, props: MediaNetworkProps) {
    super(scope, id);
    const imported = props.imported;
    const vpc = imported
      ? Vpc.fromVpcAttributes(this, 'Vpc', {
          vpcId: imported.vpcId,
          availabilityZones: imported.availabilityZones,
          privateSubnetIds: imported.privateSubnetIds,
        })
      : this.createVpc(props);
    this.vpc = vpc;
    if (imported) {
      Validations.of(vpc).acknowledge({
        id: '@aws-cdk/aws-ec2:noSubnetRouteTableId',
        reason:
          "The stack adds no route or gateway endpoint to the imported subnets (their routes are the operator's), so it never needs their route tables.",
      });
    }

    this.eslClients = new SecurityGroup(this, 'EslClients', {
      vpc,
      description:
        'recordings and media-events functions: the Event Socket of the media servers and HTTPS to AWS APIs, nothing else',
      allowAllOutbound: false,
    });
    // DynamoDB and S3 answer on public service addresses even through gateway endpoints, so HTTPS cannot
    // be narrowed by address without an AWS lookup of their prefix lists; the subnets' routes decide
    // where it can go (in a created network: the endpoints only).
    this.eslClients.addEgressRule(
      Peer.anyIpv4(),
      Port.tcp(443),
      'HTTPS to AWS APIs (DynamoDB, S3, SQS, Secrets Manager)',
    );

    const ports = [...new Set(props.eslNodes.map((node) => node.port))].sort((a, b) => a - b);
    const mediaServers = imported
      ? imported.mediaServerSecurityGroupId === undefined
        ? undefined
        : SecurityGroup.fromSecurityGroupId(this, 'MediaServers', imported.mediaServerSecurityGroupId, {
            mutable: true,
          })
      : new SecurityGroup(this, 'MediaServers', {
          vpc,
          description:
            'dev media servers (FreeSWITCH and the media relay): the Event Socket only from the recordings and media-events functions',
          allowAllOutbound: true,
        });
    this.mediaServers = mediaServers;
    for (const port of ports) {
      if (mediaServers) {
        this.eslClients.addEgressRule(mediaServers, Port.tcp(port), 'FreeSWITCH Event Socket');
        mediaServers.addIngressRule(
          this.eslClients,
          Port.tcp(port),
          'FreeSWITCH Event Socket, from the recordings and media-events functions only',
        );
      }
      for (const cidr of imported?.mediaServerCidrs ?? []) {
        this.eslClients.addEgressRule(Peer.ipv4(cidr), Port.tcp(port), 'FreeSWITCH Event Socket');
      }
    }

    this.placement = {
      vpc,
      vpcSubnets: imported ? { subnets: vpc.privateSubnets } : { subnetGroupName: FUNCTION_SUBNETS },
      securityGroups: [this.eslClients],
    };
    if (!imported) this.addEndpoints(vpc as Vpc, mediaServers);
  }

  /** A network of the stack's own: isolated subnets for the functions, public ones for dev media servers. */
  private createVpc(props: MediaNetworkProps): Vpc {
    const flowLogs = new LogGroup(this, 'FlowLogs', {
      retention: props.logRetention,
      removalPolicy: props.removalPolicy,
    });
    return new Vpc(this, 'Vpc', {
      ipAddresses: IpAddresses.cidr(CREATED_VPC_CIDR),
      maxAzs: 2,
      natGateways: 0,
      subnetConfiguration: [
        { name: FUNCTION_SUBNETS, subnetType: SubnetType.PRIVATE_ISOLATED, cidrMask: 24 },
        { name: MEDIA_SUBNETS, subnetType: SubnetType.PUBLIC, cidrMask: 24, mapPublicIpOnLaunch: false },
      ],
      // Restricting the unused default group takes a custom-resource Lambda; nothing is ever put in it.
      restrictDefaultSecurityGroup: false,
      // Every flow (accepted or rejected), so who reached an Event Socket can be answered afterwards.
      flowLogs: {
        all: {
          destination: FlowLogDestination.toCloudWatchLogs(flowLogs),
          trafficType: FlowLogTrafficType.ALL,
        },
      },
    });
  }

  /**
   * VPC endpoints for exactly what the ESL functions call: DynamoDB and S3 (gateway endpoints, free),
   * SQS (recordings queues redeliveries; media-events changes message visibility) and Secrets Manager
   * (the ESL password at cold start). KMS is not needed: S3 decrypts for the presigned download itself,
   * and neither function calls KMS. Interface endpoints accept HTTPS only from the functions (and, for
   * SQS, from the dev media servers' relay: private DNS sends the whole VPC's SQS calls there).
   */
  private addEndpoints(vpc: Vpc, mediaServers: ISecurityGroup | undefined) {
    const subnets = { subnetGroupName: FUNCTION_SUBNETS };
    vpc.addGatewayEndpoint('DynamoDbEndpoint', {
      service: GatewayVpcEndpointAwsService.DYNAMODB,
      subnets: [subnets],
    });
    vpc.addGatewayEndpoint('S3Endpoint', { service: GatewayVpcEndpointAwsService.S3, subnets: [subnets] });
    const endpointGroup = (name: string, description: string) =>
      new SecurityGroup(this, name, { vpc, description, allowAllOutbound: false });
    const sqsGroup = endpointGroup(
      'SqsEndpointGroup',
      'SQS endpoint: HTTPS from the ESL functions and the dev media servers',
    );
    const secretsGroup = endpointGroup(
      'SecretsEndpointGroup',
      'Secrets Manager endpoint: HTTPS from the ESL functions',
    );
    sqsGroup.addIngressRule(this.eslClients, Port.tcp(443), 'the recordings and media-events functions');
    if (mediaServers)
      sqsGroup.addIngressRule(mediaServers, Port.tcp(443), 'the media relay on dev media servers');
    secretsGroup.addIngressRule(this.eslClients, Port.tcp(443), 'the recordings and media-events functions');
    vpc.addInterfaceEndpoint('SqsEndpoint', {
      service: InterfaceVpcEndpointAwsService.SQS,
      subnets,
      securityGroups: [sqsGroup],
      open: false,
      privateDnsEnabled: true,
    });
    vpc.addInterfaceEndpoint('SecretsManagerEndpoint', {
      service: InterfaceVpcEndpointAwsService.SECRETS_MANAGER,
      subnets,
      securityGroups: [secretsGroup],
      open: false,
      privateDnsEnabled: true,
    });
  }
}
