import * as z from 'zod/mini';
import type { ReceivedMediaEvent, ReceivedRelayMessage, RelayMessage } from './types.ts';

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
 * Version 3 also carries the relay's `uploads_retrying` summary: a new kind, not a new version, because
 * nothing about the other kinds changed. A function older than that kind drops the summary (logged as
 * not a media event, nothing else lost): deploy the functions before the relays.
 */
const VERSION = 3;
/**
 * Version 2 (relays older than the fleet) named the media server `node`: the relay's host name by
 * default, not a name of `ESL_NODES`. Such messages may still wait on the queue after an upgrade; they
 * are read as naming no media server.
 */
const PREVIOUS_VERSION = 2;
const text = z.string().check(z.minLength(1));

/** The body of one version: `server` is how it names the media server (its fields, merged in). */
function schemaOf<V extends number, S extends z.core.$ZodLooseShape>(version: V, server: S) {
  const base = {
    v: z.literal(version),
    ...server,
    core_uuid: z.string(),
    at: text,
    source: z.enum(['event', 'reconcile', 'scan']),
  };
  return z.discriminatedUnion('kind', [
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
}

const current = schemaOf(VERSION, { media_node: text });
const count = z.number().check(z.int(), z.nonnegative());
/** The relay's uploads summary (version 3 only): no `source`, it is about the relay, not a channel. */
const uploadsRetrying = z.object({
  v: z.literal(VERSION),
  kind: z.literal('uploads_retrying'),
  media_node: text,
  core_uuid: z.string(),
  at: text,
  pending: count,
  oldest_age_ms: count,
  last_error: z.string(),
});
// Its `node` is read and left aside: it cannot name a node of ESL_NODES.
const previous = schemaOf(PREVIOUS_VERSION, { node: z.optional(z.string()) });

/** The queued body of a media event (or of the relay's uploads summary). */
export function serializeMediaEvent(event: RelayMessage): string {
  return JSON.stringify({ v: VERSION, ...event });
}

/**
 * Reads a queued body as whatever a relay sends: a media event or its uploads summary; or says why it
 * is neither.
 */
export function parseRelayMessage(
  body: string,
): { ok: true; message: ReceivedRelayMessage } | { ok: false; reason: string } {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return { ok: false, reason: 'body is not JSON' };
  }
  if ((json as { kind?: unknown } | null)?.kind === 'uploads_retrying') {
    const parsed = uploadsRetrying.safeParse(json);
    if (!parsed.success) {
      return { ok: false, reason: `not a media event: ${parsed.error.issues[0]?.path.join('.') ?? '?'}` };
    }
    const { v: _version, ...message } = parsed.data;
    return { ok: true, message };
  }
  const event = parseMediaEvent(body);
  return event.ok ? { ok: true, message: event.event } : event;
}

/**
 * Reads a queued body as a media event, or says why it is not one. A version 2 body names no media
 * server (`media_node` undefined): commands about it go where a call naming none goes.
 */
export function parseMediaEvent(
  body: string,
): { ok: true; event: ReceivedMediaEvent } | { ok: false; reason: string } {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return { ok: false, reason: 'body is not JSON' };
  }
  const isPrevious = (json as { v?: unknown } | null)?.v === PREVIOUS_VERSION;
  const parsed = isPrevious ? previous.safeParse(json) : current.safeParse(json);
  if (!parsed.success) {
    return { ok: false, reason: `not a media event: ${parsed.error.issues[0]?.path.join('.') ?? '?'}` };
  }
  const { v: _version, ...fields } = parsed.data;
  const { node: _node, ...rest } = fields as typeof fields & { node?: string };
  const event = { ...rest, media_node: 'media_node' in rest ? rest.media_node : undefined };
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
