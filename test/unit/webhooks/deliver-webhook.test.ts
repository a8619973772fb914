import { beforeEach, describe, expect, it } from 'vitest';
import { deliverWebhook } from '../../../shared/webhooks/deliver-webhook.ts';
import {
  type EventQueue,
  type RedriveRequest,
  TransportError,
  type TransportResponse,
} from '../../../shared/webhooks/ports.ts';
import { DEFAULT_RETRY_POLICY } from '../../../shared/webhooks/retry-policy.ts';
import { signWebhook } from '../../../shared/webhooks/signature.ts';
import type { ApprovedTarget } from '../../../shared/webhooks/target-policy.ts';
import { TargetRefusedError } from '../../../shared/webhooks/target-policy.ts';
import type { DeliveryAttempt, DeliveryRecord } from '../../../shared/webhooks/types.ts';
import type { WebhookMessage } from '../../../shared/webhooks/webhook-message.ts';
import { createInMemorySecretSealer } from '../../support/fakes/in-memory-secret-sealer.ts';
import { createInMemoryState } from '../../support/fakes/in-memory-state.ts';
import { createInMemoryWebhookStore } from '../../support/fakes/in-memory-webhook-store.ts';
import { createManualClock } from '../../support/fakes/manual-clock.ts';
import { createMemoryLogger } from '../../support/fakes/memory-logger.ts';
import { createMemoryMetrics } from '../../support/fakes/memory-metrics.ts';

const URL_OK = 'https://hooks.example.com/minivoice';
const SECRET = 'whsec_unit';
const BODY = '{"event":"recording.completed","call":{"id":"call_1"}}';
const NOW = '2026-11-24T10:00:00Z';
const OCCURRED = '2026-11-24T09:59:59.250Z';
const DAY_MS = 86_400_000;

/** A POST the fake transport received. */
interface Sent {
  url: string;
  headers: Record<string, string>;
  body: string;
}

let state: ReturnType<typeof createInMemoryState>;
let posts: Sent[];
let redrives: RedriveRequest[];
let metrics: ReturnType<typeof createMemoryMetrics>;
/** The names of the counters counted so far, in order. */
const counted = () => metrics.points.filter((point) => point.unit === 'Count').map((point) => point.name);
let answer: () => Promise<TransportResponse>;
let approve: (url: string) => Promise<ApprovedTarget>;
let time: ReturnType<typeof createManualClock>;
let sealing: ReturnType<typeof createInMemorySecretSealer>;
let logger: ReturnType<typeof createMemoryLogger>;
let deps: Parameters<typeof deliverWebhook>[1];
/** The stored (sealed) form of a secret, as the admin CLI writes it. */
const seal = (secret: string, applicationId = 'app_1') => sealing.sealer.seal(secret, applicationId);

const message = (overrides: Partial<WebhookMessage> = {}): WebhookMessage => ({
  eventId: 'evt_1',
  eventType: 'recording.completed',
  applicationId: 'app_1',
  callId: 'call_1',
  occurredAt: OCCURRED,
  redelivery: false,
  body: BODY,
  receiveCount: 1,
  ...overrides,
});
const attempt = (
  outcome: DeliveryAttempt['outcome'],
  statusCode: number,
  error?: string,
): DeliveryAttempt => ({
  at: NOW,
  status_code: statusCode,
  latency_ms: 0,
  ...(error ? { error } : {}),
  outcome,
});
/** The delivery record of `evt_1` after these attempts. */
const record = (
  status: DeliveryRecord['status'],
  attempts: DeliveryAttempt[],
  parkedReason?: string,
): DeliveryRecord => ({
  event_id: 'evt_1',
  application_id: 'app_1',
  event_type: 'recording.completed',
  call_id: 'call_1',
  occurred_at: OCCURRED,
  body: BODY,
  status,
  ...(parkedReason ? { parked_reason: parkedReason } : {}),
  attempts,
  attempt_count: attempts.length,
  first_attempt_at: NOW,
  last_attempt_at: NOW,
  last_status_code: attempts.at(-1)?.status_code ?? 0,
  ...(status === 'delivered' ? { delivered_at: NOW } : {}),
});
const application = () => state.applications.get('app_1');

beforeEach(async () => {
  state = createInMemoryState();
  sealing = createInMemorySecretSealer();
  logger = createMemoryLogger();
  state.applications.set('app_1', {
    id: 'app_1',
    customer_id: 'cust_1',
    status: 'active',
    webhook_url: URL_OK,
    webhook_secret: await seal(SECRET),
    webhook_status: 'active',
  });
  posts = [];
  redrives = [];
  metrics = createMemoryMetrics();
  answer = async () => ({ statusCode: 204, retryAfter: undefined });
  approve = async (url) => ({ url: new URL(url), address: '203.0.113.10', family: 4 });
  time = createManualClock(NOW);
  const queue: EventQueue = {
    sendAll: async () => {
      throw new Error('the sender queues no events');
    },
    requestRedrive: async (request) => {
      redrives.push(request);
    },
  };
  deps = {
    store: createInMemoryWebhookStore(state),
    queue,
    transport: {
      post: async (target, headers, body) => {
        posts.push({ url: target.url.href, headers, body });
        return answer();
      },
    },
    approveTarget: (url) => approve(url),
    secrets: sealing.sealer,
    clock: time.clock,
    logger,
    metrics,
    settings: {
      timeoutMs: 1000,
      userAgent: 'MiniVoice-Webhooks/1.0',
      disableAfterMs: 5 * DAY_MS,
      retry: { ...DEFAULT_RETRY_POLICY, maxAttempts: 3 },
      random: () => 0.5,
    },
  };
});

describe('deliverWebhook', () => {
  it('delivers on 2xx, signed with v1 and v2, with the exact body and when it happened', async () => {
    expect(await deliverWebhook(message(), deps)).toEqual({ kind: 'done', status: 'delivered' });
    const timestamp = Date.parse(NOW) / 1000;
    expect(posts).toEqual([
      {
        url: URL_OK,
        headers: {
          'Content-Type': 'application/json',
          'User-Agent': 'MiniVoice-Webhooks/1.0',
          'X-MiniVoice-Event-Id': 'evt_1',
          'X-MiniVoice-Timestamp': String(timestamp),
          'X-MiniVoice-Event-Time': OCCURRED,
          'X-MiniVoice-Signature': signWebhook([SECRET], timestamp, 'evt_1', BODY),
        },
        body: BODY,
      },
    ]);
  });

  it('records the delivery with the event and its body', async () => {
    await deliverWebhook(message(), deps);

    expect(state.deliveries.get('evt_1')).toEqual(record('delivered', [attempt('delivered', 204)]));
  });

  it('signs with both secrets while a rotation is in force', async () => {
    Object.assign(application() ?? {}, {
      webhook_secret: await seal('whsec_new'),
      webhook_secret_previous: await seal(SECRET),
      webhook_secret_previous_expires_at: '2026-11-24T11:00:00Z',
    });

    await deliverWebhook(message(), deps);

    expect(posts[0]?.headers['X-MiniVoice-Signature']).toBe(
      signWebhook(['whsec_new', SECRET], Date.parse(NOW) / 1000, 'evt_1', BODY),
    );
  });

  it('signs with the new secret only once the previous one has expired', async () => {
    Object.assign(application() ?? {}, {
      webhook_secret: await seal('whsec_new'),
      webhook_secret_previous: await seal(SECRET),
      webhook_secret_previous_expires_at: NOW,
    });

    await deliverWebhook(message(), deps);

    expect(posts[0]?.headers['X-MiniVoice-Signature']).toBe(
      signWebhook(['whsec_new'], Date.parse(NOW) / 1000, 'evt_1', BODY),
    );
  });

  it('sends no signature when the application has no secret', async () => {
    delete application()?.webhook_secret;

    await deliverWebhook(message(), deps);

    expect(posts[0]?.headers['X-MiniVoice-Signature']).toBeUndefined();
  });

  it('retries later, sending nothing and not blaming the endpoint, while the secret is stored in plaintext', async () => {
    Object.assign(application() ?? {}, { webhook_secret: SECRET });
    const reason = 'the webhook secret is not sealed yet (an operator runs seal-webhook-secrets)';

    expect(await deliverWebhook(message(), deps)).toEqual({ kind: 'retry', delaySeconds: 30 });
    expect(posts).toEqual([]);
    expect(state.deliveries.get('evt_1')).toEqual(record('failing', [attempt('retry', 0, reason)]));
    expect(application()?.webhook_failing_since).toBeUndefined();
    expect(counted()).toEqual(['WebhookSecretsUnsealed', 'WebhookAttempts']);
  });

  it('retries later while a rotated-out secret in force is stored in plaintext', async () => {
    Object.assign(application() ?? {}, {
      webhook_secret_previous: SECRET,
      webhook_secret_previous_expires_at: '2026-11-24T11:00:00Z',
    });

    expect(await deliverWebhook(message(), deps)).toEqual({ kind: 'retry', delaySeconds: 30 });
    expect(posts).toEqual([]);
  });

  it('parks the event after the last attempt while the secret is still in plaintext', async () => {
    Object.assign(application() ?? {}, { webhook_secret: SECRET });
    const reason = 'the webhook secret is not sealed yet (an operator runs seal-webhook-secrets)';

    expect(await deliverWebhook(message({ receiveCount: 3 }), deps)).toEqual({
      kind: 'done',
      status: 'parked',
    });
    expect(state.deliveries.get('evt_1')).toEqual(record('parked', [attempt('parked', 0, reason)], reason));
  });

  it('parks, sending nothing, an event whose secret was sealed for another application', async () => {
    Object.assign(application() ?? {}, { webhook_secret: await seal(SECRET, 'app_other') });
    const reason = 'the webhook secret cannot be decrypted; set the webhook secret again to resume';

    expect(await deliverWebhook(message(), deps)).toEqual({ kind: 'done', status: 'parked' });
    expect(posts).toEqual([]);
    expect(state.deliveries.get('evt_1')).toEqual(record('parked', [attempt('parked', 0, reason)], reason));
    expect(counted()).toEqual(['WebhookSecretsUnreadable', 'WebhookAttempts', 'WebhookEventsParked']);
  });

  it('throws when the key service fails, leaving the retry to the queue, with nothing sent or recorded', async () => {
    deps.secrets = {
      isSealed: sealing.sealer.isSealed,
      open: async () => {
        throw new Error('KMS is unavailable');
      },
    };

    await expect(deliverWebhook(message(), deps)).rejects.toThrow('KMS is unavailable');
    expect([posts, state.deliveries.get('evt_1')]).toEqual([[], undefined]);
  });

  it('names neither the secret nor its sealed form in any log line', async () => {
    const sealed = await seal(SECRET, 'app_other');
    Object.assign(application() ?? {}, { webhook_secret: sealed });

    await deliverWebhook(message(), deps);

    expect(logger.lines.map((line) => JSON.parse(line).message)).toContain(
      'webhook secret cannot be decrypted',
    );
    expect(JSON.stringify(logger.lines)).not.toMatch(new RegExp(`${SECRET}|${sealed}`));
  });

  it('skips an event already delivered, without a request', async () => {
    state.deliveries.set('evt_1', record('delivered', [attempt('delivered', 200)]));

    expect(await deliverWebhook(message(), deps)).toEqual({ kind: 'done', status: 'delivered' });
    expect(posts).toEqual([]);
  });

  it('delivers a delivered event again when it is a redelivery', async () => {
    state.deliveries.set('evt_1', record('delivered', [attempt('delivered', 200)]));

    await deliverWebhook(message({ redelivery: true }), deps);

    expect(posts).toHaveLength(1);
    expect(state.deliveries.get('evt_1')?.attempt_count).toBe(2);
  });

  it('parks an event of an unknown application, with its body', async () => {
    state.applications.clear();

    expect(await deliverWebhook(message(), deps)).toEqual({ kind: 'done', status: 'parked' });
    expect(state.deliveries.get('evt_1')).toEqual(
      record(
        'parked',
        [attempt('parked', 0, 'the application does not exist')],
        'the application does not exist',
      ),
    );
    expect(posts).toEqual([]);
  });

  it('parks an event of an application without a webhook_url', async () => {
    delete application()?.webhook_url;

    expect(await deliverWebhook(message(), deps)).toEqual({ kind: 'done', status: 'parked' });
    expect(state.deliveries.get('evt_1')?.parked_reason).toBe('the application has no webhook_url');
  });

  it('parks an event for an endpoint that answered 410 before', async () => {
    Object.assign(application() ?? {}, { webhook_status: 'gone' });

    expect(await deliverWebhook(message(), deps)).toEqual({ kind: 'done', status: 'parked' });
    expect(state.deliveries.get('evt_1')?.parked_reason).toBe(
      'the endpoint answered 410 Gone earlier; set the webhook again to resume',
    );
    expect(posts).toEqual([]);
  });

  it('parks an event for a disabled endpoint, saying why it was disabled', async () => {
    Object.assign(application() ?? {}, { webhook_status: 'disabled', webhook_disabled_reason: 'failing' });

    expect(await deliverWebhook(message(), deps)).toEqual({ kind: 'done', status: 'parked' });
    expect(state.deliveries.get('evt_1')?.parked_reason).toBe(
      'the endpoint is disabled (failing); set the webhook again to resume',
    );
  });

  it('parks an event whose target the policy refuses', async () => {
    approve = async () => {
      throw new TargetRefusedError('webhook_url resolves to a non-public address');
    };

    expect(await deliverWebhook(message(), deps)).toEqual({ kind: 'done', status: 'parked' });
    expect(state.deliveries.get('evt_1')?.attempts).toEqual([
      attempt('parked', 0, 'webhook_url resolves to a non-public address'),
    ]);
  });

  it('retries when the target cannot be resolved now', async () => {
    approve = async () => {
      throw new Error('cannot resolve hooks.example.com');
    };

    expect(await deliverWebhook(message(), deps)).toEqual({ kind: 'retry', delaySeconds: 30 });
    expect(state.deliveries.get('evt_1')?.status).toBe('failing');
  });

  it('retries a 5xx with the backoff of its attempt number', async () => {
    answer = async () => ({ statusCode: 503, retryAfter: undefined });

    expect(await deliverWebhook(message({ receiveCount: 2 }), deps)).toEqual({
      kind: 'retry',
      delaySeconds: 60,
    });
    expect(state.deliveries.get('evt_1')).toEqual(record('failing', [attempt('retry', 503, 'HTTP 503')]));
  });

  it("waits at least the receiver's Retry-After", async () => {
    answer = async () => ({ statusCode: 429, retryAfter: '600' });

    expect(await deliverWebhook(message(), deps)).toEqual({ kind: 'retry', delaySeconds: 600 });
  });

  it("waits no longer than the policy's longest delay when Retry-After asks for days", async () => {
    answer = async () => ({ statusCode: 503, retryAfter: String(3 * 86_400) });

    expect(await deliverWebhook(message(), deps)).toEqual({ kind: 'retry', delaySeconds: 7200 });
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

  it('parks the event after the last attempt, instead of letting it go', async () => {
    answer = async () => ({ statusCode: 500, retryAfter: undefined });

    expect(await deliverWebhook(message({ receiveCount: 3 }), deps)).toEqual({
      kind: 'done',
      status: 'parked',
    });
    const reason = 'no attempt succeeded in 3 tries (last: HTTP 500)';
    expect(state.deliveries.get('evt_1')).toEqual(record('parked', [attempt('parked', 500, reason)], reason));
  });

  it('starts the failure clock of the endpoint on its first failure', async () => {
    answer = async () => ({ statusCode: 500, retryAfter: undefined });

    await deliverWebhook(message(), deps);

    expect(application()?.webhook_failing_since).toBe('2026-11-24T10:00:00.000Z');
  });

  it('disables an endpoint that has failed for 5 days, parks the event, and counts it', async () => {
    answer = async () => ({ statusCode: 500, retryAfter: undefined });
    await deliverWebhook(message(), deps);
    time.advance(5 * DAY_MS);

    expect(await deliverWebhook(message({ receiveCount: 2 }), deps)).toEqual({
      kind: 'done',
      status: 'parked',
    });
    expect(application()).toMatchObject({
      webhook_status: 'disabled',
      webhook_disabled_at: '2026-11-29T10:00:00.000Z',
      webhook_disabled_reason: 'every attempt failed for 5 days (last: HTTP 500)',
    });
    expect(state.deliveries.get('evt_1')?.parked_reason).toBe(
      'the endpoint was disabled: every attempt failed for 5 days (last: HTTP 500)',
    );
    expect(counted()).toEqual([
      'WebhookAttempts',
      'WebhookEndpointsDisabled',
      'WebhookAttempts',
      'WebhookEventsParked',
    ]);
  });

  it('keeps retrying an endpoint that has failed for less than 5 days', async () => {
    answer = async () => ({ statusCode: 500, retryAfter: undefined });
    await deliverWebhook(message(), deps);
    time.advance(5 * DAY_MS - 1000);

    expect((await deliverWebhook(message({ receiveCount: 2 }), deps)).kind).toBe('retry');
    expect(application()?.webhook_status).toBe('active');
  });

  it('requests the redrive of what was parked when a failing endpoint delivers again', async () => {
    Object.assign(application() ?? {}, { webhook_failing_since: '2026-11-24T08:00:00Z' });

    await deliverWebhook(message(), deps);

    expect(redrives).toEqual([{ application_id: 'app_1' }]);
    expect(application()?.webhook_failing_since).toBeUndefined();
  });

  it('requests no redrive when the endpoint was not failing', async () => {
    await deliverWebhook(message(), deps);

    expect(redrives).toEqual([]);
  });

  it('stops on 410: marks the endpoint gone and parks the event', async () => {
    answer = async () => ({ statusCode: 410, retryAfter: undefined });

    expect(await deliverWebhook(message(), deps)).toEqual({ kind: 'done', status: 'parked' });
    expect(state.deliveries.get('evt_1')?.attempts).toEqual([
      attempt('parked', 410, 'the endpoint answered 410 Gone; set the webhook again to resume'),
    ]);
    expect(application()?.webhook_status).toBe('gone');
  });

  it('lets a crash of the transport reach the handler, which retries the message', async () => {
    answer = async () => {
      throw new Error('bug');
    };

    await expect(deliverWebhook(message(), deps)).rejects.toThrow('bug');
  });
});

describe('deliverWebhook metrics', () => {
  const slowly = (answer: () => Promise<TransportResponse>) => async () => {
    time.advance(120);
    return answer();
  };

  it('records a delivery: the receiver’s answer time, the attempt, and how long after the event it was delivered', async () => {
    answer = slowly(async () => ({ statusCode: 204, retryAfter: undefined }));

    await deliverWebhook(message(), deps);

    expect(metrics.points).toEqual([
      { name: 'WebhookLatency', value: 120, unit: 'Milliseconds', dimensions: { result: '2xx' } },
      { name: 'WebhookAttempts', value: 1, unit: 'Count', dimensions: { outcome: 'delivered' } },
      // 09:59:59.250 → 10:00:00.120
      { name: 'WebhookDeliveryAge', value: 870, unit: 'Milliseconds', dimensions: {} },
    ]);
  });

  it('records a failed attempt by the class of the answer, and one without an answer by why', async () => {
    answer = slowly(async () => ({ statusCode: 503, retryAfter: undefined }));
    await deliverWebhook(message(), deps);
    answer = slowly(async () => {
      throw new TransportError('no response within 1000 ms', 'timeout');
    });
    await deliverWebhook(message({ receiveCount: 2 }), deps);

    expect(metrics.points).toEqual([
      { name: 'WebhookLatency', value: 120, unit: 'Milliseconds', dimensions: { result: '5xx' } },
      { name: 'WebhookAttempts', value: 1, unit: 'Count', dimensions: { outcome: 'retry' } },
      { name: 'WebhookLatency', value: 120, unit: 'Milliseconds', dimensions: { result: 'timeout' } },
      { name: 'WebhookAttempts', value: 1, unit: 'Count', dimensions: { outcome: 'retry' } },
    ]);
  });

  it('counts a parked event, and no latency when nothing was sent', async () => {
    delete application()?.webhook_url;

    await deliverWebhook(message(), deps);

    expect(metrics.points).toEqual([
      { name: 'WebhookAttempts', value: 1, unit: 'Count', dimensions: { outcome: 'parked' } },
      { name: 'WebhookEventsParked', value: 1, unit: 'Count', dimensions: {} },
    ]);
  });
});
