import { describe, expect, it } from 'vitest';
import { parseMediaEvent, serializeMediaEvent } from '../../../shared/media-events/media-event-message.ts';
import type { MediaEvent } from '../../../shared/media-events/types.ts';

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
});
