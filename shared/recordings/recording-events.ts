import type { OutboxEvent, WebhookEventType } from '../webhooks/types.ts';
import type { Call, Recording } from './types.ts';

/** Builds the outbox event whose body is the spec's webhook envelope, byte for byte. */
export function buildRecordingEvent(
  eventType: WebhookEventType,
  call: Call,
  recording: Recording,
  eventId: string,
  createdAt: string,
): OutboxEvent {
  const envelope = {
    event: eventType,
    created_at: createdAt,
    call: {
      id: call.id,
      customer_id: call.customer_id,
      application_id: call.application_id,
      provider_call_id: call.provider_call_id ?? '',
      status: call.status,
      direction: call.direction,
      from: call.from,
      to: call.to,
    },
    variables: {},
    data: { event_key: `${recording.id}:${eventType}`, recording },
  };
  return {
    event_id: eventId,
    event_type: eventType,
    application_id: call.application_id,
    call_id: call.id,
    created_at: createdAt,
    body: JSON.stringify(envelope),
  };
}
