import { PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toRecordingItem } from '../../shared/adapters/dynamodb/item-mappers.ts';
import type { Call } from '../../shared/recordings/types.ts';
import { type SeededTenant, seedCall, seedTenant } from '../support/aws-fixtures.ts';
import { createScriptedProvider } from '../support/fakes/scripted-provider.ts';
import { type ApiAnswer, createServiceHarness, type ServiceHarness } from '../support/service-harness.ts';

// Property-based: every hostile request gets the right 4xx in the JSON envelope, writes nothing and
// crashes nothing. The call used is ended, so even a well-formed command cannot change state.
const RUNS = 150;
const media = createScriptedProvider();
let h: ServiceHarness;
let tenant: SeededTenant;
let ended: Call;
let itemsBefore: number;

// The tenant's request allowance (`RATE#`) is the one item its requests may write, whatever they are.
const countItems = async () =>
  (
    await h.documents.send(
      new ScanCommand({
        TableName: h.table,
        Select: 'COUNT',
        FilterExpression: 'NOT begins_with(pk, :rate)',
        ExpressionAttributeValues: { ':rate': 'RATE#' },
      }),
    )
  ).Count ?? 0;

/** The spec's classification of a body, written independently of the handler. */
function expectedCode(body: string): string {
  if (Buffer.byteLength(body) > 65_536) return 'payload_too_large';
  if (body.trim() === '') return 'active_call_not_found';
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return 'invalid_json';
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return 'invalid_request';
  const hasAction = Object.hasOwn(json, 'action');
  const action = (json as { action?: unknown }).action;
  if (hasAction && typeof action !== 'string') return 'invalid_request';
  if (hasAction && action !== 'start' && action !== 'stop') return 'invalid_action';
  return 'active_call_not_found';
}

const STATUS: Record<string, number> = {
  recording_not_found: 404,
  call_not_found: 404,
  payload_too_large: 413,
  invalid_json: 400,
  invalid_request: 400,
  invalid_action: 400,
  active_call_not_found: 404,
  unauthorized: 401,
  not_found: 404,
};

function expectEnvelope(answer: ApiAnswer, code: string) {
  expect(answer.statusCode).toBe(STATUS[code]);
  expect(answer.headers['Content-Type']).toBe('application/json');
  expect(answer.body).toEqual({ error: { code, message: expect.any(String) } });
}

beforeAll(async () => {
  h = await createServiceHarness({ provider: media.provider });
  tenant = await seedTenant(h.documents, h.table);
  ended = await seedCall(h.documents, h.table, tenant, { status: 'completed' });
  // A completed recording of the ended call, for the read and download routes to find.
  await h.documents.send(
    new PutCommand({
      TableName: h.table,
      Item: toRecordingItem(
        {
          id: `rec_${ended.id}`,
          call_id: ended.id,
          customer_id: ended.customer_id,
          application_id: ended.application_id,
          provider_call_id: ended.provider_call_id ?? '',
          status: 'completed',
          storage_type: 's3',
          file_url: `https://api.test/v1/recordings/rec_${ended.id}/media`,
          duration_seconds: 3,
          size_bytes: 48_044,
          created_at: '2026-11-24T10:00:00Z',
          updated_at: '2026-11-24T10:00:03Z',
        },
        1,
        { end_reason: 'stopped' },
      ),
    }),
  );
  itemsBefore = await countItems();
});

afterAll(async () => {
  // Nothing any hostile request did reached the media server or the table.
  expect(media.commands).toEqual([]);
  expect(await countItems()).toBe(itemsBefore);
  await h.close();
});

const jsonish = fc.oneof(
  fc.string({ unit: 'binary' }),
  fc.json(),
  fc.jsonValue().map((v) => JSON.stringify(v)),
  fc.record({ action: fc.jsonValue() }).map((v) => JSON.stringify(v)),
  fc.record({ action: fc.string({ unit: 'grapheme' }) }).map((v) => JSON.stringify(v)),
  fc.constantFrom(
    '{"__proto__":{"action":"stop"}}',
    '{"constructor":{"prototype":{"action":1}}}',
    '{"action":"start","__proto__":null}',
  ),
);

describe('hostile bodies', () => {
  it('classifies any body exactly as the spec does', async () => {
    await fc.assert(
      fc.asyncProperty(jsonish, async (body) => {
        expectEnvelope(await h.post(ended.id, tenant.apiKey, body), expectedCode(body));
      }),
      { numRuns: RUNS },
    );
  });

  it('refuses bodies just over 64 KiB and deep nesting without crashing', async () => {
    const cases = [
      `{"action":"start","pad":"${'x'.repeat(65_536)}"}`,
      `${'['.repeat(32_000)}${']'.repeat(32_000)}`,
      `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`,
      `{"action":"${'é'.repeat(40_000)}"}`,
    ];
    for (const body of cases) expectEnvelope(await h.post(ended.id, tenant.apiKey, body), expectedCode(body));
  });

  it('leaves Object.prototype untouched', async () => {
    await h.post(
      ended.id,
      tenant.apiKey,
      '{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}',
    );
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
  });

  it('ignores the content type: a JSON body is read as JSON whatever it claims to be', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.constantFrom(
            'text/plain',
            'application/x-www-form-urlencoded',
            'multipart/form-data; boundary=x',
            '',
            'application/json; charset=utf-16',
          ),
          fc.string(),
        ),
        async (contentType) => {
          const answer = await h.request({
            path: `/v1/calls/${ended.id}/recordings`,
            apiKey: tenant.apiKey,
            headers: { 'content-type': contentType },
            body: '{"action":"stop"}',
          });
          expectEnvelope(answer, 'active_call_not_found');
        },
      ),
      { numRuns: 40 },
    );
  });
});

describe('hostile paths', () => {
  it('answers odd, long or encoded call ids with 400 invalid_request or 404', async () => {
    const segment = fc.oneof(
      fc.string({ unit: 'grapheme', minLength: 1, maxLength: 80 }),
      fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }),
      fc.constantFrom(
        `call_${'a'.repeat(5000)}`,
        'call_%00',
        '%E0%A4%A',
        'call_1%2F..%2F..',
        '..',
        'call_１２３',
        'call_\u202Eevil',
      ),
    );
    await fc.assert(
      fc.asyncProperty(segment, async (raw) => {
        const encoded = raw.split('/').map(encodeURIComponent).join('/');
        const answer = await h.request({
          path: `/v1/calls/${encoded}/recordings`,
          apiKey: tenant.apiKey,
          body: '{}',
        });
        const looksValid = /^call_[A-Za-z0-9]{1,64}$/.test(raw);
        const code =
          raw.includes('/') || raw === ''
            ? 'not_found'
            : looksValid
              ? 'active_call_not_found'
              : 'invalid_request';
        expectEnvelope(answer, code);
      }),
      { numRuns: RUNS },
    );
  });
});

describe('hostile Authorization headers', () => {
  it('answers 401 to anything but a well-formed key of ours, without reading the body', async () => {
    const header = fc.oneof(
      fc.string({ unit: 'binary' }),
      fc.string().map((s) => `Bearer ${s}`),
      fc.constantFrom(
        `Bearer ${tenant.apiKey}\r\nX-Injected: 1`,
        `Bearer ${tenant.apiKey} extra`,
        `Bearer\t${tenant.apiKey}`,
        `Basic ${Buffer.from(`${tenant.apiKey}:`).toString('base64')}`,
        `Bearer ${tenant.apiKey.toUpperCase()}`,
        `Bearer ${tenant.apiKey.slice(0, -1)}`,
        'Bearer mv_live_',
        `Bearer ${'mv_live_'.padEnd(5000, 'a')}`,
        'Bearer $MINIVOICE_API_KEY',
      ),
    );
    await fc.assert(
      fc.asyncProperty(
        header,
        fc.oneof(fc.constant('{'), fc.constant('{"action":"start"}')),
        async (authorization, body) => {
          const answer = await h.request({
            path: `/v1/calls/${ended.id}/recordings`,
            headers: { authorization },
            body,
          });
          expectEnvelope(answer, 'unauthorized');
          expect(Object.keys(answer.headers).sort()).toEqual([
            'Cache-Control',
            'Content-Type',
            'WWW-Authenticate',
          ]);
        },
      ),
      { numRuns: RUNS },
    );
  });
});

describe('hostile reads, downloads and deletions', () => {
  const idSegment = fc.oneof(
    fc.string({ unit: 'grapheme', minLength: 1, maxLength: 80 }),
    fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }),
    fc.constantFrom(
      'rec_call_%00',
      'rec_call_x_0',
      'rec_call_x_01',
      `rec_${'a'.repeat(5000)}`,
      '..',
      'rec_call_１',
    ),
  );
  const queryValue = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 30 }),
    fc.integer({ min: -10_000, max: 10_000 }).map(String),
    fc.constantFrom('', '60', '3600', '300.0', '1e3', ' 60', '0x3c', '60,70'),
  );
  const raw = (name: string, value: string) => `${name}=${encodeURIComponent(value)}`;
  const integerIn = (value: string, min: number, max: number) =>
    /^[0-9]{1,9}$/.test(value) && Number(value) >= min && Number(value) <= max;

  it('answers any recording id with 400 invalid_request or 404, on every recording route', async () => {
    await fc.assert(
      fc.asyncProperty(idSegment, fc.constantFrom('GET', 'DELETE', 'GET media'), async (id, route) => {
        const encoded = id.split('/').map(encodeURIComponent).join('/');
        const path = route === 'GET media' ? `/v1/recordings/${encoded}/media` : `/v1/recordings/${encoded}`;
        const answer = await h.request({ method: route.split(' ')[0], path, apiKey: tenant.apiKey });
        const canonical = /^rec_call_[A-Za-z0-9]{1,64}(_([2-9]|[1-9][0-9]+))?$/.test(id);
        const code =
          id.includes('/') || id === '' ? 'not_found' : canonical ? 'recording_not_found' : 'invalid_request';
        expectEnvelope(answer, code);
      }),
      { numRuns: RUNS },
    );
  });

  it('answers any expires_in with a redirect when it is 60 to 3600, else 400', async () => {
    await fc.assert(
      fc.asyncProperty(queryValue, async (value) => {
        const answer = await h.request({
          method: 'GET',
          path: `/v1/recordings/rec_${ended.id}/media`,
          rawQueryString: raw('expires_in', value),
          apiKey: tenant.apiKey,
        });
        if (integerIn(value, 60, 3600)) expect(answer.statusCode).toBe(302);
        else expectEnvelope(answer, 'invalid_request');
      }),
      { numRuns: RUNS },
    );
  });

  it('answers any limit and cursor with a page when both are good, else 400', async () => {
    await fc.assert(
      fc.asyncProperty(queryValue, fc.option(queryValue), async (limit, cursor) => {
        const answer = await h.request({
          method: 'GET',
          path: `/v1/calls/${ended.id}/recordings`,
          rawQueryString: [raw('limit', limit), ...(cursor === null ? [] : [raw('cursor', cursor)])].join(
            '&',
          ),
          apiKey: tenant.apiKey,
        });
        if (integerIn(limit, 1, 100) && cursor === null) expect(answer.statusCode).toBe(200);
        else expectEnvelope(answer, 'invalid_request');
      }),
      { numRuns: RUNS },
    );
  });
});
