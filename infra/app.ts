import { App } from 'aws-cdk-lib';
import { RecordingsStack } from './recordings-stack.ts';

// Stage and region come from context (`-c stage=prod`) or the environment; nothing here needs AWS access.
const app = new App();
const stage = String(app.node.tryGetContext('stage') ?? 'dev');
new RecordingsStack(app, `minivoice-recordings-${stage}`, {
  stage,
  env: { region: process.env.CDK_DEFAULT_REGION ?? 'eu-west-1', account: process.env.CDK_DEFAULT_ACCOUNT },
});
