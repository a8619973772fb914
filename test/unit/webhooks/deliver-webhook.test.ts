import { beforeEach, describe, expect, it } from 'vitest';
import { deliverWebhook } from '../../../shared/webhooks/deliver-webhook.ts';
import { TransportError, type TransportResponse } from '../../../shared/webhooks/ports.ts';
import { DEFAULT_RETRY_POLICY } from '../../../shared/webhooks/retry-policy.ts';
import { signWebhook } from '../../../shared/webhooks/signature.ts';
import type { ApprovedTarget } from '../../../shared/webhooks/target-policy.ts';
import { TargetRefusedError } from '../../../shared/webhooks/target-policy.ts';
import type { DeliveryRecord, OutboxEvent } from '../../../shared/webhooks/types.ts';
import type { ParsedWebhookMessage, WebhookMessage } from '../../../shared/webhooks/webhook-message.ts';
import { createInMemoryOutbox } from '../../support/fakes/in-memory-outbox.ts';
import { createInMemoryState } from '../../support/fakes/in-memory-state.ts';
import { createInMemoryWebhookStore } from '../../support/fakes/in-memory-webhook-store.ts';
import { createManualClock } from '../../support/fakes/manual-clock.ts';
import { createMemoryLogger } from '../../support/fakes/memory-logger.ts';

const URL_OK = 'https://hooks.example.com/minivoice';
const SECRET = 'whsec_unit';
const BODY = '{"event":"recording.completed","call":{"id":"call_1"}}';
const NOW = '2026-11-24T10:00:00Z';

/** A POST the fake transport received. */
interface Sent {
  url: string;
  headers: Record<string, string>;
  body: string;
}

let state: ReturnType<typeof createInMemoryState>;
let posts: Sent[];
let answer: () => Promise<TransportResponse>;
let approve: (url: string) => Promise<ApprovedTarget>;
let deps: Parameters<typeof deliverWebhook>[1];

const message = (overrides: Partial<WebhookMessage> = {}): ParsedWebhookMessage => ({
  ok: true,
  message: {
    eventId: 'evt_1',
    eventType: 'recording.completed',
    applicationId: 'app_1',
    callId: 'call_1',
    body: BODY,
    receiveCount: 1,
    ...overrides,
  },
});
const attempt = (outcome: string, statusCode: number, error?: string) => ({
  at: NOW,
  status_code: statusCode,
  latency_ms: 0,
  ...(error ? { error } : {}),
  outcome,
});
const record = (status: string, attempts: ReturnType<typeof attempt>[]): DeliveryRecord =>
  ({
    event_id: 'evt_1',
    application_id: 'app_1',
    event_type: 'recording.completed',
    status,
    attempts,
    attempt_count: attempts.length,
    first_attempt_at: NOW,
    last_attempt_at: NOW,
    last_status_code: attempts.at(-1)?.status_code ?? 0,
    ...(status === 'delivered' ? { delivered_at: NOW } : {}),
  }) as DeliveryRecord;

beforeEach(() => {
  state = createInMemoryState();
  state.applications.set('app_1', {
    id: 'app_1',
    customer_id: 'cust_1',
    status: 'active',
    webhook_url: URL_OK,
    webhook_secret: SECRET,
    webhook_status: 'active',
  });
  const pending: OutboxEvent = {
    event_id: 'evt_1',
    event_type: 'recording.completed',
    application_id: 'app_1',
    call_id: 'call_1',
    created_at: NOW,
    body: BODY,
  };
  state.outbox.set('evt_1', pending);
  posts = [];
  answer = async () => ({ statusCode: 204, retryAfter: undefined });
  approve = async (url) => ({ url: new URL(url), address: '203.0.113.10', family: 4 });
  deps = {
    store: createInMemoryWebhookStore(state),
    outbox: createInMemoryOutbox(state),
    transport: {
      post: async (target, headers, body) => {
        posts.push({ url: target.url.href, headers, body });
        return answer();
      },
    },
    approveTarget: (url) => approve(url),
    clock: createManualClock(NOW).clock,
    logger: createMemoryLogger(),
    settings: {
      timeoutMs: 1000,
      userAgent: 'MiniVoice-Webhooks/1.0',
      retry: { ...DEFAULT_RETRY_POLICY, maxAttempts: 3 },
      random: () => 0.5,
    },
  };
});

describe('deliverWebhook', () => {
  it('delivers on 2xx, signed, with the exact body, and acknowledges the outbox', async () => {
    expect(await deliverWebhook(message(), deps)).toEqual({ kind: 'done', status: 'delivered' });
    expect(posts).toEqual([
      {
        url: URL_OK,
        headers: {
          'Content-Type': 'application/json',
          'User-Agent': 'MiniVoice-Webhooks/1.0',
          'X-MiniVoice-Event-Id': 'evt_1',
          'X-MiniVoice-Timestamp': String(Date.parse(NOW) / 1000),
          'X-MiniVoice-Signature': signWebhook(SECRET, Date.parse(NOW) / 1000, BODY),
        },
        body: BODY,
      },
    ]);
    expect(state.deliveries.get('evt_1')).toEqual(record('delivered', [attempt('delivered', 204)]));
    expect(state.outbox.size).toBe(0);
  });

  it('sends no signature when the application has no secret', async () => {
    delete state.applications.get('app_1')?.webhook_secret;

    await deliverWebhook(message(), deps);

    expect(Object.keys(posts[0]?.headers ?? {})).not.toContain('X-MiniVoice-Signature');
  });

  it('leaves the outbox alone for a message that names no call', async () => {
    await deliverWebhook(message({ callId: undefined }), deps);

    expect([...state.outbox.keys()]).toEqual(['evt_1']);
  });

  it('skips an event already delivered, without a request', async () => {
    state.deliveries.set('evt_1', record('delivered', [attempt('delivered', 200)]));

    expect(await deliverWebhook(message(), deps)).toEqual({ kind: 'done', status: 'delivered' });
    expect(posts).toEqual([]);
  });

  it('records an unknown application as undeliverable', async () => {
    state.applications.clear();

    expect(await deliverWebhook(message(), deps)).toEqual({ kind: 'done', status: 'undeliverable' });
    expect(state.deliveries.get('evt_1')).toEqual(
      record('undeliverable', [attempt('undeliverable', 0, 'application not found')]),
    );
  });

  it('records an application without a webhook_url as undeliverable', async () => {
    delete state.applications.get('app_1')?.webhook_url;

    expect(await deliverWebhook(message(), deps)).toEqual({ kind: 'done', status: 'undeliverable' });
    expect(state.deliveries.get('evt_1')?.attempts).toEqual([
      attempt('undeliverable', 0, 'application has no webhook_url'),
    ]);
  });

  it('records an endpoint that answered 410 before as undeliverable', async () => {
    const application = state.applications.get('app_1');
    if (application) application.webhook_status = 'gone';

    expect(await deliverWebhook(message(), deps)).toEqual({ kind: 'done', status: 'undeliverable' });
    expect(state.deliveries.get('evt_1')?.attempts).toEqual([
      attempt('undeliverable', 0, 'endpoint answered 410 Gone earlier'),
    ]);
    expect(posts).toEqual([]);
  });

  it('records a refused target as undeliverable', async () => {
    approve = async () => {
      throw new TargetRefusedError('webhook_url resolves to a non-public address');
    };

    expect(await deliverWebhook(message(), deps)).toEqual({ kind: 'done', status: 'undeliverable' });
    expect(state.deliveries.get('evt_1')?.attempts).toEqual([
      attempt('undeliverable', 0, 'webhook_url resolves to a non-public address'),
    ]);
  });

  it('retries when the target cannot be resolved now', async () => {
    approve = async () => {
      throw new Error('cannot resolve hooks.example.com');
    };

    expect(await deliverWebhook(message(), deps)).toEqual({ kind: 'retry', delaySeconds: 30 });
    expect(state.deliveries.get('evt_1')).toEqual(
      record('pending', [attempt('retry', 0, 'cannot resolve hooks.example.com')]),
    );
  });

  it('retries a 5xx with the backoff of its attempt number', async () => {
    answer = async () => ({ statusCode: 503, retryAfter: undefined });

    expect(await deliverWebhook(message({ receiveCount: 2 }), deps)).toEqual({
      kind: 'retry',
      delaySeconds: 60,
    });
    expect(state.deliveries.get('evt_1')?.attempts).toEqual([attempt('retry', 503, 'HTTP 503')]);
  });

  it("waits at least the receiver's Retry-After", async () => {
    answer = async () => ({ statusCode: 429, retryAfter: '600' });

    expect(await deliverWebhook(message(), deps)).toEqual({ kind: 'retry', delaySeconds: 600 });
  });

  it('treats a redirect as a failed attempt', async () => {
    answer = async () => ({ statusCode: 302, retryAfter: undefined });

    expect(await deliverWebhook(message(), deps)).toEqual({ kind: 'retry', delaySeconds: 30 });
    expect(state.deliveries.get('evt_1')?.attempts).toEqual([
      attempt('retry', 302, 'redirects are not followed'),
    ]);
  });

  it('retries a timeout or network error', async () => {
    answer = async () => {
      throw new TransportError('no response within 1000 ms', 'timeout');
    };

    expect(await deliverWebhook(message(), deps)).toEqual({ kind: 'retry', delaySeconds: 30 });
    expect(state.deliveries.get('evt_1')?.attempts).toEqual([
      attempt('retry', 0, 'no response within 1000 ms'),
    ]);
  });

  it('lets the queue dead-letter the message after the last attempt', async () => {
    answer = async () => ({ statusCode: 500, retryAfter: undefined });

    expect(await deliverWebhook(message({ receiveCount: 3 }), deps)).toEqual({
      kind: 'retry',
      delaySeconds: 0,
    });
    expect(state.deliveries.get('evt_1')).toEqual(
      record('dead_lettered', [attempt('dead_lettered', 500, 'HTTP 500')]),
    );
  });

  it('stops on 410 and marks the endpoint gone', async () => {
    answer = async () => ({ statusCode: 410, retryAfter: undefined });

    expect(await deliverWebhook(message(), deps)).toEqual({ kind: 'done', status: 'gone' });
    expect(state.deliveries.get('evt_1')?.attempts).toEqual([
      attempt('gone', 410, 'endpoint answered 410 Gone'),
    ]);
    expect(state.applications.get('app_1')?.webhook_status).toBe('gone');
  });

  it('records a message that is not a webhook event under its queue message id, and drops it', async () => {
    const malformed: ParsedWebhookMessage = {
      ok: false,
      malformed: { messageId: 'm-1', applicationId: 'app_1', reason: 'malformed message: body is not JSON' },
    };

    expect(await deliverWebhook(malformed, deps)).toEqual({ kind: 'done', status: 'undeliverable' });
    expect(state.deliveries.get('sqs:m-1')).toEqual({
      ...record('undeliverable', [attempt('undeliverable', 0, 'malformed message: body is not JSON')]),
      event_id: 'sqs:m-1',
      event_type: 'unknown',
    });
    expect(posts).toEqual([]);
  });

  it('lets a crash of the transport reach the handler, which retries the message', async () => {
    answer = async () => {
      throw new Error('bug');
    };

    await expect(deliverWebhook(message(), deps)).rejects.toThrow('bug');
  });
});
