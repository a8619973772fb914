// The media relay: runs beside each FreeSWITCH (systemd unit or container in ./deploy), relays its
// recording and hangup events to the media-events queue, and reconciles after any gap.
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { awsClientConfig, s3ClientConfig } from '../../shared/adapters/aws/aws-client-config.ts';
import { createJsonLogger } from '../../shared/adapters/system/json-logger.ts';
import { loadMediaRelayConfig, type MediaRelayConfig } from './config.ts';
import { createRelay } from './create-relay.ts';

let config: MediaRelayConfig;
try {
  config = loadMediaRelayConfig(process.env);
} catch (error) {
  // A configuration mistake is one clear line (systemd shows it), not a stack trace.
  console.error(`media relay: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(2);
}
const logger = createJsonLogger({ service: 'media-relay', node: config.MEDIA_NODE });
// Region and credentials come from the environment or the instance profile (the MediaRelayRole). The
// clients follow the one recipe's settings, but are built here from static imports: the relay ships as
// one bundle with no node_modules beside it, where createAwsClients' require() would find no SDK.
const s3 = new S3Client(s3ClientConfig({ s3PathStyle: config.S3_FORCE_PATH_STYLE }));
const relay = createRelay(config, { sqs: new SQSClient(awsClientConfig({}, 'sqs')), s3 }, logger);

for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => relay.stop());
logger.info('media relay starting', { esl: `${config.ESL_HOST}:${config.ESL_PORT}` });
await relay.run();
logger.info('media relay stopped');
process.exit(0);
