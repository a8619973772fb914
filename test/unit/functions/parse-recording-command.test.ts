import { describe, expect, it } from 'vitest';
import { parseRecordingCommand } from '../../../functions/recordings/request-schema.ts';

const parse = (body: string | undefined) => {
  // The REST API passes no body as null.
  const result = parseRecordingCommand({ body: body ?? null, isBase64Encoded: false });
  return result.ok ? result : { ok: false, code: result.error.code, syntax: result.syntax };
};

describe('parseRecordingCommand', () => {
  it.each([
    ['no body', undefined, { ok: true, action: 'start' }],
    ['whitespace', ' \n', { ok: true, action: 'start' }],
    ['{}', '{}', { ok: true, action: 'start' }],
    ['start', '{"action":"start"}', { ok: true, action: 'start' }],
    ['stop', '{"action":"stop"}', { ok: true, action: 'stop' }],
    ['unknown fields', '{"action":"stop","note":1}', { ok: true, action: 'stop' }],
    ['a __proto__ key', '{"__proto__":{"action":"stop"}}', { ok: true, action: 'start' }],
    ['broken JSON', '{"action"', { ok: false, code: 'invalid_json', syntax: true }],
    ['a number', '42', { ok: false, code: 'invalid_request', syntax: false }],
    ['an array', '[{"action":"stop"}]', { ok: false, code: 'invalid_request', syntax: false }],
    ['an object action', '{"action":{"x":1}}', { ok: false, code: 'invalid_request', syntax: false }],
    ['an unknown action', '{"action":"pause"}', { ok: false, code: 'invalid_action', syntax: false }],
    ['a padded action', '{"action":" stop"}', { ok: false, code: 'invalid_action', syntax: false }],
  ])('reads %s', (_name, body, expected) => {
    expect(parse(body)).toEqual(expected);
  });

  it('refuses a body over 64 KiB before parsing it', () => {
    expect(parse(`{"action":"start","pad":"${'x'.repeat(65_536)}"}`)).toEqual({
      ok: false,
      code: 'payload_too_large',
      syntax: true,
    });
  });

  it('accepts exactly 64 KiB', () => {
    const body = `{"action":"stop","pad":"${'x'.repeat(65_536 - 26)}"}`;
    expect([Buffer.byteLength(body), parse(body)]).toEqual([65_536, { ok: true, action: 'stop' }]);
  });

  it('survives deeply nested JSON within the size limit', () => {
    expect(parse(`${'['.repeat(30_000)}${']'.repeat(30_000)}`)).toEqual({
      ok: false,
      code: 'invalid_request',
      syntax: false,
    });
  });
});
