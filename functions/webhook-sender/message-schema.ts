import type { SQSRecord } from 'aws-lambda';
import * as z from 'zod/mini';
import type { WebhookMessage } from '../../shared/use-cases/deliver-webhook.ts';

const stringAttribute = z.object({ stringValue: z.string().check(z.minLength(1)) });

const recordSchema = z.object({
  body: z.string().check(z.minLength(2)),
  attributes: z.object({ ApproximateReceiveCount: z.coerce.number().check(z.int(), z.positive()) }),
  messageAttributes: z.object({
    event_id: stringAttribute,
    event_type: stringAttribute,
    application_id: stringAttribute,
    call_id: z.optional(stringAttribute),
  }),
});

// The body must be the JSON envelope of a MiniVoice event.
const envelopeSchema = z.looseObject({
  event: z.string().check(z.minLength(1)),
  call: z.looseObject({ id: z.string() }),
});

/** Reads an SQS record as a webhook message, or explains why it can never be delivered. */
export function parseWebhookRecord(
  record: SQSRecord,
): { ok: true; message: WebhookMessage } | { ok: false; reason: string } {
  const parsed = recordSchema.safeParse(record);
  if (!parsed.success)
    return { ok: false, reason: `malformed message: ${parsed.error.issues[0]?.path.join('.')}` };
  let envelope: unknown;
  try {
    envelope = JSON.parse(parsed.data.body);
  } catch {
    return { ok: false, reason: 'malformed message: body is not JSON' };
  }
  if (!envelopeSchema.safeParse(envelope).success)
    return { ok: false, reason: 'malformed message: not a webhook envelope' };
  const { messageAttributes: a } = parsed.data;
  return {
    ok: true,
    message: {
      eventId: a.event_id.stringValue,
      eventType: a.event_type.stringValue,
      applicationId: a.application_id.stringValue,
      callId: a.call_id?.stringValue,
      body: parsed.data.body,
      receiveCount: parsed.data.attributes.ApproximateReceiveCount,
    },
  };
}
