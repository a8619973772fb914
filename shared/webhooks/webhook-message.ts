import * as z from 'zod/mini';
import type { OutboxEvent } from './types.ts';

/**
 * The contract of a webhook event on the queue, shared by everything that writes or reads it (queue
 * adapter, sender, dead-letter tools, local event source, bench): the body is the exact webhook
 * envelope, and the routing data rides in these string attributes.
 */
const WEBHOOK_MESSAGE_ATTRIBUTES = ['event_id', 'event_type', 'application_id', 'call_id'] as const;

/** Name of one attribute of the contract. */
export type WebhookMessageAttribute = (typeof WEBHOOK_MESSAGE_ATTRIBUTES)[number];

/** A webhook event ready to queue: body plus string attributes. */
export interface SerializedWebhookMessage {
  body: string;
  attributes: Record<WebhookMessageAttribute, string>;
}

/** A message as a queue hands it over, whatever the transport's own shape. */
export interface ReceivedMessage {
  messageId: string;
  body: string | undefined;
  attributes: Partial<Record<WebhookMessageAttribute, string>>;
  /** How many times the queue has handed this message out (1 on the first attempt). */
  receiveCount: string | number | undefined;
}

/** One queued webhook event, as the sender needs it. */
export interface WebhookMessage {
  eventId: string;
  eventType: string;
  applicationId: string;
  /** The call whose outbox holds the event (absent on messages not queued by the recordings service). */
  callId: string | undefined;
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
  | { ok: true; message: WebhookMessage }
  | { ok: false; malformed: MalformedWebhookMessage };

/** The queued form of an outbox event. */
export function serializeWebhookMessage(event: OutboxEvent): SerializedWebhookMessage {
  return {
    body: event.body,
    attributes: {
      event_id: event.event_id,
      event_type: event.event_type,
      application_id: event.application_id,
      call_id: event.call_id,
    },
  };
}

const required = z.string().check(z.minLength(1));
const messageSchema = z.object({
  body: z.string().check(z.minLength(2)),
  receiveCount: z.coerce.number().check(z.int(), z.positive()),
  attributes: z.object({
    event_id: required,
    event_type: required,
    application_id: required,
    call_id: z.optional(required),
  }),
});

// The body must be the JSON envelope of a MiniVoice event.
const envelopeSchema = z.looseObject({
  event: z.string().check(z.minLength(1)),
  call: z.looseObject({ id: z.string() }),
});

/** Reads a received message as a webhook event, or explains why it can never be delivered. */
export function parseWebhookMessage(received: ReceivedMessage): ParsedWebhookMessage {
  const malformed = (reason: string): ParsedWebhookMessage => ({
    ok: false,
    malformed: {
      messageId: received.messageId,
      applicationId: received.attributes.application_id || undefined,
      reason: `malformed message: ${reason}`,
    },
  });
  const parsed = messageSchema.safeParse(received);
  if (!parsed.success) return malformed(parsed.error.issues[0]?.path.join('.') ?? 'unreadable');
  let envelope: unknown;
  try {
    envelope = JSON.parse(parsed.data.body);
  } catch {
    return malformed('body is not JSON');
  }
  if (!envelopeSchema.safeParse(envelope).success) return malformed('not a webhook envelope');
  const { attributes: a } = parsed.data;
  return {
    ok: true,
    message: {
      eventId: a.event_id,
      eventType: a.event_type,
      applicationId: a.application_id,
      callId: a.call_id,
      body: parsed.data.body,
      receiveCount: parsed.data.receiveCount,
    },
  };
}
