import { loadRecordingsConfig } from './config.ts';
import { createRecordingsHandler } from './create-handler.ts';
import { createRecordingsDeps } from './deps.ts';

// Composition root: config, clients, secrets and adapters are built once per container, at cold start.
const config = loadRecordingsConfig(process.env);

/** Lambda entry for every API route (and the JSON 404/405 of anything else). */
export const handler = createRecordingsHandler(await createRecordingsDeps(config));
