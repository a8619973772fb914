import * as z from 'zod/mini';
import type { MediaEvent } from './types.ts';

/**
 * Receives of a media event before its queue parks it in the dead-letter queue: an event waiting for an
 * API commit is applied again every 2 s, and a claim is settled within its lease (10 s), so 10 receives
 * leave room for that and for a few transient failures.
 */
export const MEDIA_EVENT_MAX_RECEIVES = 10;

/**
 * The contract of a media event on the media-events queue, shared by the relay that sends it and the
 * function that applies it: the body is this JSON, versioned (2: a stopped file is reported once it is
 * stored, or known not storable; 3: the media server is named `media_node`, a name of `ESL_NODES`).
 */
const VERSION = 3;
/** Version 2 named the media server `node`; such messages may still wait on the queue after an upgrade. */
const PREVIOUS_VERSION = 2;
const base = {
  v: z.literal(VERSION),
  media_node: z.string().check(z.minLength(1)),
  core_uuid: z.string(),
  at: z.string().check(z.minLength(1)),
  source: z.enum(['event', 'reconcile', 'scan']),
};
const text = z.string().check(z.minLength(1));

const schema = z.discriminatedUnion('kind', [
  z.object({ ...base, kind: z.literal('recording_started'), channel_uuid: text, path: text }),
  z.object({
    ...base,
    kind: z.literal('recording_stopped'),
    channel_uuid: z.optional(text),
    path: text,
    file: z.discriminatedUnion('kind', [
      z.object({
        kind: z.literal('stored'),
        duration_ms: z.number().check(z.int(), z.nonnegative()),
        size_bytes: z.number().check(z.int(), z.nonnegative()),
      }),
      z.object({ kind: z.literal('discarded') }),
      z.object({ kind: z.literal('storage_failed') }),
    ]),
    channel_ended: z.optional(z.boolean()),
  }),
  z.object({
    ...base,
    kind: z.literal('channel_hangup'),
    channel_uuid: text,
    hangup_cause: z.optional(z.string()),
  }),
]);

/** The queued body of a media event. */
export function serializeMediaEvent(event: MediaEvent): string {
  return JSON.stringify({ v: VERSION, ...event });
}

/** Reads a queued body as a media event, or says why it is not one. */
export function parseMediaEvent(
  body: string,
): { ok: true; event: MediaEvent } | { ok: false; reason: string } {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return { ok: false, reason: 'body is not JSON' };
  }
  const parsed = schema.safeParse(upgraded(json));
  if (!parsed.success) {
    return { ok: false, reason: `not a media event: ${parsed.error.issues[0]?.path.join('.') ?? '?'}` };
  }
  const { v: _version, ...event } = parsed.data;
  // Optional fields arrive absent; the domain type names them explicitly.
  if (event.kind === 'recording_stopped') {
    return {
      ok: true,
      event: { ...event, channel_uuid: event.channel_uuid, channel_ended: event.channel_ended },
    };
  }
  if (event.kind === 'channel_hangup')
    return { ok: true, event: { ...event, hangup_cause: event.hangup_cause } };
  return { ok: true, event };
}

/** A version 2 body read as version 3 (its `node` is the media server's name); anything else as it is. */
function upgraded(json: unknown): unknown {
  if (typeof json !== 'object' || json === null) return json;
  const { v, node, ...rest } = json as Record<string, unknown>;
  return v === PREVIOUS_VERSION ? { ...rest, v: VERSION, media_node: node } : json;
}
