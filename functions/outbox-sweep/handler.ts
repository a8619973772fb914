import { loadOutboxSweepConfig } from './config.ts';
import { createOutboxSweepHandler } from './create-handler.ts';
import { createOutboxSweepDeps } from './deps.ts';

// Composition root: config, clients and adapters are built once per container.
const config = loadOutboxSweepConfig(process.env);

/** Scheduled Lambda entry: re-queues webhook events stuck in the outbox. */
export const handler = createOutboxSweepHandler(createOutboxSweepDeps(config));
