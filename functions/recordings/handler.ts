import { loadRecordingsConfig } from './config.ts';
import { createRecordingsHandler } from './create-handler.ts';
import { createRecordingsDeps } from './deps.ts';

// Composition root: config, clients, secrets and adapters are built once per container, at cold start.
const config = loadRecordingsConfig(process.env);

/** Lambda entry for `POST /v1/calls/{id}/recordings` (and the JSON 404/405 of every other route). */
export const handler = createRecordingsHandler(await createRecordingsDeps(config));
