import { join } from 'node:path';
import type { Duration, RemovalPolicy } from 'aws-cdk-lib';
import {
  ApplicationLogLevel,
  Architecture,
  LoggingFormat,
  Runtime,
  SystemLogLevel,
  Tracing,
} from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { FunctionPlacement } from './media-network.ts';

const ROOT = join(import.meta.dirname, '../..');

/** What differs between our functions; everything else is fixed here. */
export interface ServiceFunctionProps {
  /** Directory under `functions/`, e.g. `recordings`. */
  name: string;
  timeout: Duration;
  memorySize?: number;
  environment: Record<string, string>;
  logRetention: RetentionDays;
  removalPolicy: RemovalPolicy;
  /** Runs it in a VPC (the functions that speak ESL); elsewhere it has Lambda's own network. */
  placement?: FunctionPlacement;
}

/**
 * A Lambda function of this service: Node.js 24 (current LTS) on arm64, bundled locally by esbuild (no
 * Docker) into a minified ESM file with source maps, JSON logs in a log group with fixed retention,
 * X-Ray active tracing (Lambda's own segments; the AWS SDK passes the trace header on to SQS, whose
 * consumers' traces link to it; docs/observability.md says why the SDK clients are not instrumented).
 */
export class ServiceFunction extends Construct {
  readonly fn: NodejsFunction;

  constructor(scope: Construct, id: string, props: ServiceFunctionProps) {
    super(scope, id);
    const logGroup = new LogGroup(this, 'Logs', {
      retention: props.logRetention,
      removalPolicy: props.removalPolicy,
    });
    this.fn = new NodejsFunction(this, 'Function', {
      entry: join(ROOT, 'functions', props.name, 'handler.ts'),
      handler: 'handler',
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout,
      environment: { NODE_OPTIONS: '--enable-source-maps', ...props.environment },
      logGroup,
      loggingFormat: LoggingFormat.JSON,
      applicationLogLevelV2: ApplicationLogLevel.INFO,
      systemLogLevelV2: SystemLogLevel.WARN,
      tracing: Tracing.ACTIVE,
      ...props.placement,
      projectRoot: ROOT,
      depsLockFilePath: join(ROOT, 'package-lock.json'),
      bundling: {
        format: OutputFormat.ESM,
        target: 'node24',
        minify: true,
        sourceMap: true,
        sourcesContent: false,
        mainFields: ['module', 'main'],
        // The Lambda runtime ships the AWS SDK v3; bundling it again only adds cold-start time.
        externalModules: ['@aws-sdk/*'],
        // Some dependencies are CommonJS and call require(); give ESM bundles one.
        banner:
          "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
        forceDockerBundling: false,
      },
    });
  }
}
