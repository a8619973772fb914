import { describe, expect, it } from 'vitest';
import {
  parseMediaEvent,
  parseRelayMessage,
  serializeMediaEvent,
} from '../../../shared/media-events/media-event-message.ts';
import type { MediaEvent, UploadsRetrying } from '../../../shared/media-events/types.ts';

const hangup: MediaEvent = {
  media_node: 'fs-b',
  core_uuid: 'core-b',
  at: '2026-11-24T10:00:07.000Z',
  source: 'event',
  kind: 'channel_hangup',
  channel_uuid: 'chan-1',
  hangup_cause: 'NORMAL_CLEARING',
};

describe('the media event message', () => {
  it('carries the media server it came from as media_node (version 3)', () => {
    const body = serializeMediaEvent(hangup);

    expect(JSON.parse(body)).toEqual({ v: 3, ...hangup });
    expect(parseMediaEvent(body)).toEqual({ ok: true, event: hangup });
  });

  it('reads a version 2 message still on the queue after an upgrade as naming no media server', () => {
    const { media_node: _, ...rest } = hangup;
    // Its node was the relay's host name, not a name of ESL_NODES.
    const body = JSON.stringify({ v: 2, node: 'ip-10-0-1-10', ...rest });

    expect(parseMediaEvent(body)).toEqual({ ok: true, event: { ...rest, media_node: undefined } });
  });

  it('reads a version 2 start without its node, whatever the node said', () => {
    const body = JSON.stringify({
      v: 2,
      node: 'fs-b',
      core_uuid: 'core-b',
      at: '2026-11-24T10:00:07.000Z',
      source: 'scan',
      kind: 'recording_started',
      channel_uuid: 'chan-1',
      path: '/rec/cust_1/call_1/rec_call_1.wav',
    });

    expect(parseMediaEvent(body)).toEqual({
      ok: true,
      event: {
        media_node: undefined,
        core_uuid: 'core-b',
        at: '2026-11-24T10:00:07.000Z',
        source: 'scan',
        kind: 'recording_started',
        channel_uuid: 'chan-1',
        path: '/rec/cust_1/call_1/rec_call_1.wav',
      },
    });
  });

  it('refuses a message that names no media server', () => {
    const { media_node: _, ...rest } = hangup;

    expect(parseMediaEvent(JSON.stringify({ v: 3, ...rest }))).toEqual({
      ok: false,
      reason: 'not a media event: media_node',
    });
  });

  it('reads a media event as a relay message too', () => {
    expect(parseRelayMessage(serializeMediaEvent(hangup))).toEqual({ ok: true, message: hangup });
  });
});

describe("the relay's uploads summary", () => {
  const summary: UploadsRetrying = {
    kind: 'uploads_retrying',
    media_node: 'fs-b',
    core_uuid: 'core-b',
    at: '2026-11-24T10:02:00.000Z',
    pending: 3,
    oldest_age_ms: 180_000,
    last_error: 'AccessDenied: not authorized to perform kms:GenerateDataKey',
  };

  it('is a version 3 message that reads back as it was sent', () => {
    const body = serializeMediaEvent(summary);

    expect(JSON.parse(body)).toEqual({ v: 3, ...summary });
    expect(parseRelayMessage(body)).toEqual({ ok: true, message: summary });
  });

  it('is not a media event to a reader of media events only', () => {
    expect(parseMediaEvent(serializeMediaEvent(summary))).toEqual({
      ok: false,
      reason: 'not a media event: kind',
    });
  });

  it('refuses a summary with a count that is not a whole number', () => {
    expect(parseRelayMessage(JSON.stringify({ v: 3, ...summary, pending: 1.5 }))).toEqual({
      ok: false,
      reason: 'not a media event: pending',
    });
  });
});
