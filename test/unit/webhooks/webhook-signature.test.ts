import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  secretsInForce,
  signWebhook,
  verifyWebhook,
  webhookSignature,
} from '../../../shared/webhooks/signature.ts';

/** The published known answers every verifier is tested against (computed with Python's hmac). */
const VECTORS = JSON.parse(
  readFileSync(join(import.meta.dirname, '../../../packages/webhook-verifier/test-vectors.json'), 'utf8'),
) as {
  signatures: { secret: string; timestamp: number; event_id: string; body: string; v1: string; v2: string }[];
  verifications: {
    name: string;
    secrets: string[];
    headers: Record<string, string>;
    body: string;
    now: number;
    accept_v1?: boolean;
    expected:
      | { ok: true; timestamp: number; event_id: string; scheme: string }
      | { ok: false; reason: string };
  }[];
};
const [first, second] = VECTORS.signatures as [
  (typeof VECTORS.signatures)[0],
  (typeof VECTORS.signatures)[0],
];

describe('webhookSignature', () => {
  it.each(VECTORS.signatures)(
    'matches the known v1 and v2 answers for $event_id signed with $secret',
    (v) => {
      expect([
        webhookSignature('v1', v.secret, v.timestamp, v.event_id, v.body),
        webhookSignature('v2', v.secret, v.timestamp, v.event_id, v.body),
      ]).toEqual([v.v1, v.v2]);
    },
  );

  it('gives the same signature for the body as bytes', () => {
    expect(
      webhookSignature('v2', first.secret, first.timestamp, first.event_id, Buffer.from(first.body)),
    ).toBe(first.v2);
  });
});

describe('signWebhook', () => {
  it('signs with v1 (the contract scheme, for existing receivers) and v2 (covering the event id)', () => {
    expect(signWebhook([first.secret], first.timestamp, first.event_id, first.body)).toBe(
      `v1=${first.v1} v2=${first.v2}`,
    );
  });

  it('signs with every secret in force during a rotation, v1 values first', () => {
    expect(signWebhook([first.secret, second.secret], first.timestamp, first.event_id, first.body)).toBe(
      `v1=${first.v1} v1=${second.v1} v2=${first.v2} v2=${second.v2}`,
    );
  });
});

describe('verifyWebhook (the published Node.js verifier)', () => {
  it.each(VECTORS.verifications)('gives the known answer for $name', (v) => {
    const result = verifyWebhook(v.secrets, v.headers, v.body, 300, v.now, {
      acceptV1: v.accept_v1 ?? false,
    });
    const { eventId, ...rest } = result as { eventId?: string };
    expect(result.ok ? { ...rest, event_id: eventId } : result).toEqual(v.expected);
  });
});

describe('secretsInForce', () => {
  const application = {
    id: 'app_1',
    customer_id: 'cust_1',
    status: 'active' as const,
    webhook_secret: 'whsec_new',
    webhook_secret_previous: 'whsec_old',
    webhook_secret_previous_expires_at: '2026-11-24T11:00:00Z',
  };

  it('is the current secret and the previous one until it expires', () => {
    expect(secretsInForce(application, new Date('2026-11-24T10:59:59Z'))).toEqual(['whsec_new', 'whsec_old']);
  });

  it('is the current secret alone from the moment the previous one expires', () => {
    expect(secretsInForce(application, new Date('2026-11-24T11:00:00Z'))).toEqual(['whsec_new']);
  });
});
