import { readFileSync } from 'node:fs';
import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import { API_RESOURCES } from '../../../functions/recordings/http/routes.ts';
import { OPERATIONS } from '../../../openapi/api-operations.ts';
import { deletionReasonSchema, endReasonSchema, failureReasonSchema } from '../../../openapi/api-schemas.ts';
import { OPENAPI_FILE } from '../../../openapi/document-file.ts';
import { renderOpenApiDocument } from '../../../openapi/render-document.ts';
import {
  buildRecordingEvent,
  type RecordingEventDetail,
} from '../../../shared/recordings/recording-events.ts';
import type { Call, Recording } from '../../../shared/recordings/types.ts';
import { createOpenApiValidator } from '../../support/openapi-validator.ts';

// biome-ignore lint/suspicious/noExplicitAny: the document is read as JSON.
const document: any = JSON.parse(readFileSync(OPENAPI_FILE, 'utf8'));
const validator = createOpenApiValidator(document);

describe('openapi/openapi.json', () => {
  it('is what the generator makes of the schemas (run `npm run openapi` after changing them)', () => {
    expect(readFileSync(OPENAPI_FILE, 'utf8')).toBe(renderOpenApiDocument());
  });

  it('is a valid OpenAPI 3.1 document', async () => {
    const result = await new Validator().validate(structuredClone(document));
    expect(result).toEqual({ valid: true });
  });

  it('describes exactly the routes and methods the handler answers', () => {
    const documented = Object.entries(document.paths as Record<string, object>)
      .map(
        ([path, item]) =>
          `${path.replace(/\{[^}]+\}/g, '{id}')} ${Object.keys(item)
            .map((m) => m.toUpperCase())
            .sort()}`,
      )
      .sort();
    const answered = API_RESOURCES.map(
      ({ resource, methods }) => `${resource} ${[...methods].sort()}`,
    ).sort();
    expect(documented).toEqual(answered);
  });

  it('lists a webhook for every event the service sends', () => {
    expect(Object.keys(document.webhooks).sort()).toEqual([
      'recording.completed',
      'recording.deleted',
      'recording.failed',
      'recording.started',
    ]);
  });

  it('has every example valid against the schema beside it', () => {
    const problems: string[] = [];
    let checked = 0;
    const visit = (node: unknown, path: string[]) => {
      if (typeof node !== 'object' || node === null) return;
      const media = node as { schema?: unknown; examples?: Record<string, { value: unknown }> };
      if (media.schema && media.examples) {
        const at = [...path, 'schema'].map((k) => k.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');
        for (const [name, example] of Object.entries(media.examples)) {
          checked += 1;
          for (const problem of validator.checkValue(at, example.value))
            problems.push(`${at} ${name}: ${problem}`);
        }
      }
      for (const [key, value] of Object.entries(node)) visit(value, [...path, key]);
    };
    visit(document, []);
    expect(problems).toEqual([]);
    // At least one example per route's success and per webhook were among them.
    expect(checked).toBeGreaterThan(OPERATIONS.length + 4);
  });

  it('documents for each route the 401 of authentication and the gateway answers', () => {
    for (const { path, method } of OPERATIONS) {
      const responses = document.paths[path][method].responses;
      expect(Object.keys(responses), `${method} ${path}`).toEqual(
        expect.arrayContaining(['401', '403', '413', '429', '500', '502', '503', '504']),
      );
    }
  });
});

describe('the webhooks section', () => {
  const call: Call = {
    id: 'call_abc',
    customer_id: 'cust_1',
    application_id: 'app_1',
    provider_call_id: 'c0ffee',
    status: 'in-progress',
    direction: 'inbound',
    from: '+15551230001',
    to: '+15551230002',
    created_at: '2026-05-29T12:00:00Z',
    recording_seq: 1,
  };
  const recording = (status: Recording['status']): Recording => ({
    id: 'rec_call_abc',
    call_id: call.id,
    customer_id: call.customer_id,
    application_id: call.application_id,
    provider_call_id: 'c0ffee',
    status,
    storage_type: status === 'completed' ? 's3' : 'local',
    file_url: status === 'completed' ? 'https://api.minivoice.test/v1/recordings/rec_call_abc/media' : '',
    duration_seconds: status === 'completed' ? 3 : 0,
    size_bytes: status === 'completed' ? 48_044 : 0,
    created_at: '2026-05-29T12:00:00Z',
    updated_at: '2026-05-29T12:00:03Z',
  });
  // Every kind of event the service builds: each end reason, failure reason and deletion reason.
  const details: [RecordingEventDetail, Recording['status']][] = [
    [{ type: 'recording.started' }, 'started'],
    ...endReasonSchema.options.map((end_reason): [RecordingEventDetail, Recording['status']] => [
      { type: 'recording.completed', end_reason },
      'completed',
    ]),
    ...failureReasonSchema.options.map((reason): [RecordingEventDetail, Recording['status']] => [
      { type: 'recording.failed', reason },
      'failed',
    ]),
    ...deletionReasonSchema.options.map((reason): [RecordingEventDetail, Recording['status']] => [
      { type: 'recording.deleted', reason, after: { end_reason: 'stopped' } },
      'deleted',
    ]),
  ];

  it.each(details.map(([detail, status]) => ({ detail, status, name: JSON.stringify(detail) })))(
    'describes the payload of $name',
    ({ detail, status }) => {
      const event = buildRecordingEvent(call, recording(status), detail, {
        eventId: 'evt_1',
        at: new Date('2026-05-29T12:00:03.250Z'),
      });
      const problems = validator.checkDelivery(detail.type, {
        headers: {
          'content-type': 'application/json',
          'user-agent': 'MiniVoice-Webhooks/1.0',
          'x-minivoice-event-id': event.event_id,
          'x-minivoice-event-time': event.occurred_at,
          'x-minivoice-timestamp': '1780056003',
        },
        body: event.body,
      });
      expect(problems).toEqual([]);
    },
  );

  it('refuses a payload with a key the document does not name', () => {
    const event = buildRecordingEvent(
      call,
      recording('started'),
      { type: 'recording.started' },
      {
        eventId: 'evt_1',
        at: new Date('2026-05-29T12:00:03.250Z'),
      },
    );
    const body = JSON.parse(event.body);
    body.data.extra = 1;
    expect(validator.checkValue('components/schemas/RecordingStartedWebhook', body)).toEqual([
      expect.stringContaining('must NOT have additional properties'),
    ]);
  });
});
