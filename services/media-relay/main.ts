// The media relay: runs beside each FreeSWITCH (systemd unit or container in ./deploy), relays its
// recording and hangup events to the media-events queue, and reconciles after any gap.
import { createAwsClients } from '../../shared/adapters/aws/aws-clients.ts';
import { createJsonLogger } from '../../shared/adapters/system/json-logger.ts';
import { loadMediaRelayConfig } from './config.ts';
import { createRelay } from './create-relay.ts';

const config = loadMediaRelayConfig(process.env);
const logger = createJsonLogger({ service: 'media-relay', node: config.MEDIA_NODE });
const relay = createRelay(config, createAwsClients().sqs(), logger);

for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => relay.stop());
await relay.run();
logger.info('media relay stopped');
process.exit(0);
