import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { deploymentSettings } from '../../infra/config/deployment-settings.ts';
import { RecordingsStack, type RecordingsStackProps } from '../../infra/recordings-stack.ts';

/** A context as `-c key=value` gives it. */
export type Context = Record<string, string>;

/** The context of a prod deployment into an existing network (two nodes, the media servers' group). */
export const PROD_CONTEXT: Context = {
  stage: 'prod',
  vpcId: 'vpc-0123456789abcdef0',
  availabilityZones: 'eu-west-1a,eu-west-1b',
  privateSubnetIds: 'subnet-0aaaaaaaaaaaaaaa1,subnet-0bbbbbbbbbbbbbbb2',
  mediaServerSecurityGroupId: 'sg-0ccccccccccccccc3',
  eslNodes: 'fs-a=10.0.1.10:8021,fs-b=10.0.2.10:8021',
};

/** The stack's props for this context, read exactly as `infra/app.ts` reads them. */
export function propsFor(context: Context): RecordingsStackProps {
  const { region, ...settings } = deploymentSettings((key) => context[key]);
  return { ...settings, env: { region } };
}

/**
 * The feature flags of cdk.json (its context minus the deployment settings, which tests give apart), so
 * that the stack tests build is the stack `cdk synth` builds.
 */
export const FEATURE_FLAGS: Record<string, unknown> = Object.fromEntries(
  Object.entries(
    (JSON.parse(readFileSync(join(import.meta.dirname, '../../cdk.json'), 'utf8')) as { context: object })
      .context,
  ).filter(([key]) => key.startsWith('@aws-cdk')),
);

/**
 * Builds the stack without bundling (bundling is covered by the `npm run synth` test), with cdk.json's
 * feature flags. cdk-nag runs only where a test asks for it, so a nag finding fails that test rather
 * than every test of the file.
 */
export function build(
  context: Context = {},
  overrides: Partial<RecordingsStackProps> = {},
  options: { nag?: boolean } = {},
) {
  const app = new App({ context: { ...FEATURE_FLAGS, 'aws:cdk:bundling-stacks': [] } });
  if (options.nag) Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  const stack = new RecordingsStack(app, 'test-stack', { ...propsFor(context), ...overrides });
  return { app, stack };
}

/** The synthesized template of the stack for this context. */
export function synth(context: Context = {}, overrides: Partial<RecordingsStackProps> = {}): Template {
  return Template.fromStack(build(context, overrides).stack);
}

type Resource = { Type: string; Properties: Record<string, unknown>; DeletionPolicy?: string };

/** The logical id and resource of the one resource of this type whose logical id matches. */
export function resourceOf(source: Template, type: string, logicalId: RegExp): [string, Resource] {
  const matches = Object.entries(source.findResources(type)).filter(([id]) => logicalId.test(id));
  if (matches.length !== 1) throw new Error(`${matches.length} ${type} match ${logicalId}`);
  return matches[0] as [string, Resource];
}

/** The logical id of the function with this construct id (`Recordings`, `WebhookSender`, …). */
export function functionId(source: Template, name: string): string {
  return resourceOf(source, 'AWS::Lambda::Function', new RegExp(`^${name}Function[0-9A-F]{8}$`))[0];
}

/** The properties of the function with this construct id. */
export function functionOf(source: Template, name: string): Record<string, unknown> {
  return resourceOf(source, 'AWS::Lambda::Function', new RegExp(`^${name}Function[0-9A-F]{8}$`))[1]
    .Properties;
}

/** The environment variables of the function with this construct id. */
export function environmentOf(source: Template, name: string): Record<string, unknown> {
  return (functionOf(source, name).Environment as { Variables: Record<string, unknown> }).Variables;
}

/** An IAM statement as a policy holds it (Action and Resource may be one value or a list). */
export interface Statement {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

/** The statements of the policy attached to the role of the function with this construct id. */
export function statementsOf(source: Template, name: string): Statement[] {
  const [, policy] = resourceOf(source, 'AWS::IAM::Policy', new RegExp(`^${name}FunctionServiceRole`));
  const { Statement: statements } = policy.Properties.PolicyDocument as { Statement: Statement[] };
  // Action order depends on feature flags; compare them sorted.
  return statements.map((statement) => ({ ...statement, Action: [statement.Action].flat().sort() }));
}

/** Every statement of every identity policy (function roles, managed policies), with its policy's id. */
export function identityStatements(source: Template): (Statement & { policy: string; actions: string[] })[] {
  return ['AWS::IAM::Policy', 'AWS::IAM::ManagedPolicy'].flatMap((type) =>
    Object.entries(source.findResources(type)).flatMap(([id, policy]) =>
      (policy.Properties.PolicyDocument.Statement as Statement[]).map((statement) => ({
        ...statement,
        policy: id,
        actions: [statement.Action].flat(),
      })),
    ),
  );
}

/** `{ Ref }` of the one resource of this type whose logical id matches. */
export function refOf(source: Template, type: string, logicalId: RegExp) {
  return { Ref: resourceOf(source, type, logicalId)[0] };
}

/** `Fn::GetAtt` of an attribute of the one resource of this type whose logical id matches. */
export function attOf(source: Template, type: string, logicalId: RegExp, attribute: string) {
  return { 'Fn::GetAtt': [resourceOf(source, type, logicalId)[0], attribute] };
}
