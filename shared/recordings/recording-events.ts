import { toRfc3339Seconds } from '../kernel/time.ts';
import type { OutboxEvent, WebhookEventType } from '../webhooks/types.ts';
import type { Call, DeletionReason, EndReason, FailureReason, Recording, RecordingEnding } from './types.ts';

/** What an event says beyond the recording: its type, place in the recording's life, and why. */
export type RecordingEventDetail =
  | { type: 'recording.started' }
  | { type: 'recording.completed'; end_reason: EndReason }
  | { type: 'recording.failed'; reason: FailureReason }
  | { type: 'recording.deleted'; reason: DeletionReason; after: RecordingEnding | undefined };

/**
 * `data.sequence`: a recording's events in the order of its life. A recording either fails to start
 * (1: failed) or starts (1: started) and then ends (2: completed, or failed empty / storage_failed);
 * its deletion comes last (2 after a failed start, else 3).
 */
function sequenceOf(detail: RecordingEventDetail): number {
  if (detail.type === 'recording.started') return 1;
  if (detail.type === 'recording.failed' && detail.reason === 'start_failed') return 1;
  if (detail.type === 'recording.deleted') {
    const after = detail.after;
    return after && 'failure_reason' in after && after.failure_reason === 'start_failed' ? 2 : 3;
  }
  return 2;
}

/** Builds the outbox event whose body is the spec's webhook envelope, byte for byte. */
export function buildRecordingEvent(
  call: Call,
  recording: Recording,
  detail: RecordingEventDetail,
  meta: { eventId: string; at: Date },
): OutboxEvent {
  const eventType: WebhookEventType = detail.type;
  const why = detail.type === 'recording.deleted' ? { reason: detail.reason } : withoutType(detail);
  const createdAt = toRfc3339Seconds(meta.at);
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
    data: { event_key: `${recording.id}:${eventType}`, recording, ...why, sequence: sequenceOf(detail) },
  };
  return {
    event_id: meta.eventId,
    event_type: eventType,
    application_id: call.application_id,
    call_id: call.id,
    created_at: createdAt,
    occurred_at: meta.at.toISOString(),
    body: JSON.stringify(envelope),
  };
}

function withoutType(detail: Exclude<RecordingEventDetail, { type: 'recording.deleted' }>) {
  const { type: _type, ...why } = detail;
  return why;
}
