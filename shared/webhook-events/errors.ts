import { ApiError } from '../kernel/api-error.ts';

/** 404 `webhook_event_not_found`: no such event for this application (or its record has expired). */
export class WebhookEventNotFoundError extends ApiError {
  constructor() {
    super(404, 'webhook_event_not_found', 'no webhook event with this id');
  }
}
