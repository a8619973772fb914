import * as z from 'zod/mini';
import type { RedriveRequest } from './ports.ts';
import type { OutboxEvent } from './types.ts';

/**
 * The contract of a message on the webhook queue, shared by everything that writes or reads it (queue
 * adapter, sender, dead-letter tools, local event source, bench). Two kinds:
 * - `event`: the body is the exact webhook envelope; routing data rides in string attributes;
 * - `redrive`: the body is a {@link RedriveRequest} (queue an application's parked events again).
 * Messages without a `kind` attribute are events (as before the attribute existed).
 */
const WEBHOOK_MESSAGE_ATTRIBUTES = [
  'kind',
  'event_id',
  'event_type',
  'application_id',
  'call_id',
  'occurred_at',
  'redelivery',
] as const;

/** Name of one attribute of the contract. */
export type WebhookMessageAttribute = (typeof WEBHOOK_MESSAGE_ATTRIBUTES)[number];

/** A message ready to queue: body plus string attributes. */
export interface SerializedWebhookMessage {
  body: string;
  attributes: Partial<Record<WebhookMessageAttribute, string>>;
}

/** A message as a queue hands it over, whatever the transport's own shape. */
export interface ReceivedMessage {
  messageId: string;
  body: string | undefined;
  attributes: Partial<Record<string, string | undefined>>;
  /** How many times the queue has handed this message out (1 on the first attempt). */
  receiveCount: string | number | undefined;
}

/** One queued webhook event, as the sender needs it. */
export interface WebhookMessage {
  eventId: string;
  eventType: string;
  applicationId: string;
  /** The call the event is about (absent on messages not queued by the recordings service). */
  callId: string | undefined;
  /** When it happened, to the millisecond (absent on messages queued before it was added). */
  occurredAt: string | undefined;
  /** Queued again on request: delivered even if it was delivered before. */
  redelivery: boolean;
  /** The exact envelope bytes to deliver. */
  body: string;
  receiveCount: number;
}

/** A message that can never be delivered, with what is known of it (for the operator's record). */
export interface MalformedWebhookMessage {
  messageId: string;
  applicationId: string | undefined;
  reason: string;
}

/** The outcome of reading a message against the contract. */
export type ParsedWebhookMessage =
  | { kind: 'event'; message: WebhookMessage }
  | { kind: 'redrive'; request: RedriveRequest }
  | { kind: 'malformed'; malformed: MalformedWebhookMessage };

/** The queued form of an event (`redelivery`: asked for again, so delivered even if delivered before). */
export function serializeWebhookMessage(
  event: OutboxEvent,
  options: { redelivery?: boolean } = {},
): SerializedWebhookMessage {
  return {
    body: event.body,
    attributes: {
      kind: 'event',
      event_id: event.event_id,
      event_type: event.event_type,
      application_id: event.application_id,
      call_id: event.call_id,
      occurred_at: event.occurred_at,
      ...(options.redelivery ? { redelivery: 'true' } : {}),
    },
  };
}

/** The queued form of a redrive request. */
export function serializeRedriveRequest(request: RedriveRequest): SerializedWebhookMessage {
  return {
    body: JSON.stringify(request),
    attributes: { kind: 'redrive', application_id: request.application_id },
  };
}

const required = z.string().check(z.minLength(1));
const eventSchema = z.object({
  body: z.string().check(z.minLength(2)),
  receiveCount: z.coerce.number().check(z.int(), z.positive()),
  attributes: z.object({
    event_id: required,
    event_type: required,
    application_id: required,
    call_id: z.optional(required),
    occurred_at: z.optional(required),
    redelivery: z.optional(z.enum(['true', 'false'])),
  }),
});
const redriveSchema = z.object({
  application_id: required,
  since: z.optional(required),
  cursor: z.optional(required),
});

// The body must be the JSON envelope of a MiniVoice event.
const envelopeSchema = z.looseObject({
  event: z.string().check(z.minLength(1)),
  call: z.looseObject({ id: z.string() }),
});

/** Reads a received message as a webhook event or a redrive request, or explains why it is neither. */
export function parseWebhookMessage(received: ReceivedMessage): ParsedWebhookMessage {
  const malformed = (reason: string): ParsedWebhookMessage => ({
    kind: 'malformed',
    malformed: {
      messageId: received.messageId,
      applicationId: received.attributes.application_id || undefined,
      reason: `malformed message: ${reason}`,
    },
  });
  let json: unknown;
  try {
    json = JSON.parse(received.body ?? '');
  } catch {
    return malformed('body is not JSON');
  }
  if (received.attributes.kind === 'redrive') {
    const request = redriveSchema.safeParse(json);
    return request.success ? { kind: 'redrive', request: request.data } : malformed('not a redrive request');
  }
  const parsed = eventSchema.safeParse(received);
  if (!parsed.success) return malformed(parsed.error.issues[0]?.path.join('.') ?? 'unreadable');
  if (!envelopeSchema.safeParse(json).success) return malformed('not a webhook envelope');
  const { attributes: a } = parsed.data;
  return {
    kind: 'event',
    message: {
      eventId: a.event_id,
      eventType: a.event_type,
      applicationId: a.application_id,
      callId: a.call_id,
      occurredAt: a.occurred_at,
      redelivery: a.redelivery === 'true',
      body: parsed.data.body,
      receiveCount: parsed.data.receiveCount,
    },
  };
}
