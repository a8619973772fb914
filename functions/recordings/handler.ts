import { createAwsClients } from '../../shared/composition/aws-clients.ts';
import { createRecordingDeps, resolveEslPassword } from '../../shared/composition/recording-deps.ts';
import { loadRecordingsConfig } from '../../shared/config.ts';
import { createRecordingsHandler } from './create-handler.ts';

// Composition root: config, clients, secrets and adapters are built once per container, at cold start.
const config = loadRecordingsConfig(process.env);
const eslPassword = await resolveEslPassword(config);

/** Lambda entry for `POST /v1/calls/{id}/recordings` (and the JSON 404/405 of every other route). */
export const handler = createRecordingsHandler(createRecordingDeps(config, createAwsClients(), eslPassword));
