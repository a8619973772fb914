import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { type DeploymentSettings, deploymentSettings } from './config/deployment-settings.ts';
import { RecordingsStack } from './recordings-stack.ts';

// Everything comes from context (`-c key=value` or cdk.json) or the environment; no AWS lookups, so
// `cdk synth` works offline and without credentials. Settings are checked before any construct is
// built: a bad or incomplete set (prod without its network) fails here, naming the context keys.
const app = new App();
let settings: DeploymentSettings;
try {
  settings = deploymentSettings((key) => {
    const value = app.node.tryGetContext(key);
    return value === undefined ? undefined : String(value);
  });
} catch (error) {
  // The message names every wrong or missing context key; a stack trace would only bury it.
  console.error((error as Error).message);
  process.exit(1);
}
const { region, ...props } = settings;

new RecordingsStack(app, `minivoice-recordings-${settings.stage}`, {
  ...props,
  env: {
    region: process.env.CDK_DEFAULT_REGION ?? region,
    account: process.env.CDK_DEFAULT_ACCOUNT,
  },
});
Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
