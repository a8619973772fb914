import { loadWebhookSenderConfig } from './config.ts';
import { createWebhookSenderHandler } from './create-handler.ts';
import { createWebhookSenderDeps } from './deps.ts';

// Composition root: config, clients and the keep-alive HTTP agents live as long as the container.
const config = loadWebhookSenderConfig(process.env);

/** SQS-triggered Lambda entry: delivers webhook events to applications' endpoints. */
export const handler = createWebhookSenderHandler(createWebhookSenderDeps(config));
