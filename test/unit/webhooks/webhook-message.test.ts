import { describe, expect, it } from 'vitest';
import type { OutboxEvent } from '../../../shared/webhooks/types.ts';
import {
  parseWebhookMessage,
  type ReceivedMessage,
  serializeRedriveRequest,
  serializeWebhookMessage,
} from '../../../shared/webhooks/webhook-message.ts';

const ENVELOPE = '{"event":"recording.started","call":{"id":"call_1"},"data":{}}';

const event: OutboxEvent = {
  event_id: 'evt_1',
  event_type: 'recording.started',
  application_id: 'app_1',
  call_id: 'call_1',
  created_at: '2026-11-24T10:00:00Z',
  occurred_at: '2026-11-24T10:00:00.123Z',
  body: ENVELOPE,
};

/** The message the queue hands over for `event`, as the queue adapter wrote it, changed by `overrides`. */
const received = (overrides: Partial<ReceivedMessage> = {}): ReceivedMessage => ({
  messageId: 'msg_1',
  ...serializeWebhookMessage(event),
  receiveCount: '1',
  ...overrides,
});

/** What the parser answers for a message (of `applicationId`) it cannot read, for `reason`. */
const malformedOf = (applicationId: string | undefined, reason: string) => ({
  kind: 'malformed',
  malformed: { messageId: 'msg_1', applicationId, reason: `malformed message: ${reason}` },
});

/** What the parser answers for a message of `app_1` it cannot read, for `reason`. */
const malformed = (reason: string) => malformedOf('app_1', reason);

describe('serializeWebhookMessage', () => {
  it("puts the exact envelope in the body and the event's routing data in string attributes", () => {
    expect(serializeWebhookMessage(event)).toEqual({
      body: ENVELOPE,
      attributes: {
        kind: 'event',
        event_id: 'evt_1',
        event_type: 'recording.started',
        application_id: 'app_1',
        call_id: 'call_1',
        occurred_at: '2026-11-24T10:00:00.123Z',
      },
    });
  });

  it('marks a redelivery', () => {
    expect(serializeWebhookMessage(event, { redelivery: true }).attributes.redelivery).toBe('true');
  });
});

describe('serializeRedriveRequest', () => {
  it('puts the request in the body and names its kind and application', () => {
    expect(serializeRedriveRequest({ application_id: 'app_1', since: '2026-11-24T00:00:00Z' })).toEqual({
      body: '{"application_id":"app_1","since":"2026-11-24T00:00:00Z"}',
      attributes: { kind: 'redrive', application_id: 'app_1' },
    });
  });
});

describe('parseWebhookMessage', () => {
  it('reads back the event it serialized, with the exact body', () => {
    expect(parseWebhookMessage(received())).toEqual({
      kind: 'event',
      message: {
        eventId: 'evt_1',
        eventType: 'recording.started',
        applicationId: 'app_1',
        callId: 'call_1',
        occurredAt: '2026-11-24T10:00:00.123Z',
        redelivery: false,
        body: ENVELOPE,
        receiveCount: 1,
      },
    });
  });

  it('reads back a redelivery as one', () => {
    const message = { messageId: 'msg_1', ...serializeWebhookMessage(event, { redelivery: true }) };

    expect(parseWebhookMessage({ ...message, receiveCount: '1' })).toMatchObject({
      kind: 'event',
      message: { eventId: 'evt_1', redelivery: true },
    });
  });

  it('reads back the redrive request it serialized', () => {
    const request = { application_id: 'app_1', since: '2026-11-24T00:00:00Z', cursor: 'c_2' };

    expect(
      parseWebhookMessage({ messageId: 'msg_1', ...serializeRedriveRequest(request), receiveCount: '1' }),
    ).toEqual({ kind: 'redrive', request });
  });

  it('reads a message without a kind as an event (queued before the attribute existed)', () => {
    const { kind: _, ...attributes } = serializeWebhookMessage(event).attributes;

    expect(parseWebhookMessage(received({ attributes }))).toEqual(parseWebhookMessage(received()));
  });

  it('reads an event without call and time as one queued before they were added', () => {
    const { call_id: _, occurred_at: __, ...attributes } = serializeWebhookMessage(event).attributes;

    expect(parseWebhookMessage(received({ attributes }))).toMatchObject({
      kind: 'event',
      message: { eventId: 'evt_1', callId: undefined, occurredAt: undefined },
    });
  });

  it('reads the receive count whether the transport gives it as text or as a number', () => {
    const counts = [received({ receiveCount: '3' }), received({ receiveCount: 3 })].map((message) => {
      const parsed = parseWebhookMessage(message);
      return parsed.kind === 'event' ? parsed.message.receiveCount : parsed.kind;
    });

    expect(counts).toEqual([3, 3]);
  });

  it.each([
    ['absent', undefined],
    ['not a number', 'many'],
    ['zero', '0'],
    ['a fraction', '1.5'],
  ])('refuses a receive count that is %s', (_, receiveCount) => {
    expect(parseWebhookMessage(received({ receiveCount }))).toEqual(malformed('receiveCount'));
  });

  it.each([
    ['absent', undefined],
    ['not JSON', 'not json'],
  ])('refuses a body that is %s', (_, body) => {
    expect(parseWebhookMessage(received({ body }))).toEqual(malformed('body is not JSON'));
  });

  it('refuses a JSON body too short to be an envelope', () => {
    expect(parseWebhookMessage(received({ body: '1' }))).toEqual(malformed('body'));
  });

  it('refuses a JSON body that is not a webhook envelope', () => {
    expect(parseWebhookMessage(received({ body: '{"event":"recording.started"}' }))).toEqual(
      malformed('not a webhook envelope'),
    );
  });

  it.each(['event_id', 'event_type', 'application_id'] as const)('refuses an event without %s', (name) => {
    const attributes = { ...serializeWebhookMessage(event).attributes, [name]: '' };

    expect(parseWebhookMessage(received({ attributes }))).toEqual(
      malformedOf(name === 'application_id' ? undefined : 'app_1', `attributes.${name}`),
    );
  });

  it('refuses a redelivery flag that is neither true nor false', () => {
    const attributes = { ...serializeWebhookMessage(event).attributes, redelivery: 'yes' };

    expect(parseWebhookMessage(received({ attributes }))).toEqual(malformed('attributes.redelivery'));
  });

  it('refuses a redrive whose body is not a redrive request', () => {
    const message = received({
      body: '{"since":"2026-11-24T00:00:00Z"}',
      attributes: { kind: 'redrive', application_id: 'app_1' },
    });

    expect(parseWebhookMessage(message)).toEqual(malformed('not a redrive request'));
  });

  it('names no application when the message carries none', () => {
    expect(parseWebhookMessage(received({ body: 'not json', attributes: {} }))).toEqual(
      malformedOf(undefined, 'body is not JSON'),
    );
  });
});
