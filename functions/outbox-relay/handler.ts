import { loadOutboxRelayConfig } from './config.ts';
import { createOutboxRelayHandler } from './create-handler.ts';
import { createOutboxRelayDeps } from './deps.ts';

// Composition root: config, clients and adapters are built once per container.
const config = loadOutboxRelayConfig(process.env);

/** DynamoDB-stream-triggered Lambda entry: moves committed outbox events to the webhook queue. */
export const handler = createOutboxRelayHandler(createOutboxRelayDeps(config));
