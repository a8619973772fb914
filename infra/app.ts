import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { RecordingsStack } from './recordings-stack.ts';

// Everything comes from context (`-c key=value` or cdk.json) or the environment; no AWS lookups, so
// `cdk synth` works offline and without credentials.
const app = new App();
const context = (key: string, fallback?: string) => {
  const value = app.node.tryGetContext(key) ?? fallback;
  return value === undefined ? undefined : String(value);
};
const stage = context('stage', 'dev') ?? 'dev';

new RecordingsStack(app, `minivoice-recordings-${stage}`, {
  stage,
  env: {
    region: process.env.CDK_DEFAULT_REGION ?? context('region', 'eu-west-1'),
    account: process.env.CDK_DEFAULT_ACCOUNT,
  },
  eslHost: context('eslHost', 'freeswitch.internal') ?? '',
  eslPort: Number(context('eslPort', '8021')),
  eslPasswordSecretArn: context('eslPasswordSecretArn'),
  recordingPathTemplate: context('recordingPathTemplate'),
  throttle: {
    rateLimit: Number(context('throttleRate', '100')),
    burstLimit: Number(context('throttleBurst', '200')),
  },
  alarmEmail: context('alarmEmail'),
});
Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
