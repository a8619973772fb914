import { describe, expect, it } from 'vitest';
import { EslMessageReader } from '../../../shared/adapters/freeswitch/esl-message-reader.ts';

describe('EslMessageReader', () => {
  it('parses a header-only message', () => {
    const reader = new EslMessageReader();

    expect(reader.push(Buffer.from('Content-Type: auth/request\n\n'))).toEqual([
      { headers: { 'Content-Type': 'auth/request' }, body: '' },
    ]);
  });

  it('reads exactly Content-Length bytes of body, even when split across chunks', () => {
    const reader = new EslMessageReader();
    const wire =
      'Content-Type: api/response\nContent-Length: 12\n\n+OK Success\nContent-Type: command/reply\nReply-Text: +OK\n\n';

    const first = reader.push(Buffer.from(wire.slice(0, 50)));
    const rest = reader.push(Buffer.from(wire.slice(50)));

    expect([first, rest]).toEqual([
      [],
      [
        { headers: { 'Content-Type': 'api/response', 'Content-Length': '12' }, body: '+OK Success\n' },
        { headers: { 'Content-Type': 'command/reply', 'Reply-Text': '+OK' }, body: '' },
      ],
    ]);
  });

  it('counts the body in bytes, not characters', () => {
    const reader = new EslMessageReader();
    const body = 'café\n';

    expect(
      reader.push(
        Buffer.from(`Content-Type: api/response\nContent-Length: ${Buffer.byteLength(body)}\n\n${body}`),
      ),
    ).toEqual([{ headers: { 'Content-Type': 'api/response', 'Content-Length': '6' }, body }]);
  });

  it('decodes URL-encoded event header values', () => {
    const reader = new EslMessageReader();

    expect(
      reader.push(Buffer.from('Event-Name: CHANNEL_DATA\nCaller-Caller-ID-Name: Jane%20Doe\n\n'))[0]?.headers,
    ).toEqual({
      'Event-Name': 'CHANNEL_DATA',
      'Caller-Caller-ID-Name': 'Jane Doe',
    });
  });
});
