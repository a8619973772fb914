import { loadMediaEventsConfig } from './config.ts';
import { createMediaEventsHandler } from './create-handler.ts';
import { createMediaEventsDeps } from './deps.ts';

// Composition root: config, clients, the Event Socket secret and adapters are built once per container.
const config = loadMediaEventsConfig(process.env);

/** SQS-triggered Lambda entry: applies the media relay's events (recording starts and stops, hangups). */
export const handler = createMediaEventsHandler(await createMediaEventsDeps(config));
