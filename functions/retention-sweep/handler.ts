import { loadRetentionSweepConfig } from './config.ts';
import { createRetentionSweepHandler } from './create-handler.ts';
import { createRetentionSweepDeps } from './deps.ts';

// Composition root: config, clients and adapters are built once per container.
const config = loadRetentionSweepConfig(process.env);

/** Scheduled Lambda entry: purges recordings past their retention and finishes unfinished deletions. */
export const handler = createRetentionSweepHandler(createRetentionSweepDeps(config));
