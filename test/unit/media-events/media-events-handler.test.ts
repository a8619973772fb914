import type { SQSRecord } from 'aws-lambda';
import { beforeEach, describe, expect, it } from 'vitest';
import { createMediaEventsHandler } from '../../../functions/media-events/create-handler.ts';
import { localLambdaContext } from '../../../scripts/local/lambda-context.ts';
import { serializeMediaEvent } from '../../../shared/media-events/media-event-message.ts';
import type { UploadsRetrying } from '../../../shared/media-events/types.ts';
import { createRecordingFixture } from '../../support/recording-use-case-fixture.ts';

// The media-events Lambda over the use cases' in-memory fakes: what it does with a relay's
// `uploads_retrying` summary.

let f: ReturnType<typeof createRecordingFixture>;
beforeEach(() => {
  f = createRecordingFixture();
});

const summary: UploadsRetrying = {
  kind: 'uploads_retrying',
  media_node: 'fs-a',
  core_uuid: 'core-1',
  at: '2026-11-24T10:02:00.000Z',
  pending: 2,
  oldest_age_ms: 125_000,
  last_error: 'AccessDenied: not authorized to perform kms:GenerateDataKey',
};

/** One SQS record carrying `body`, as the event source hands it over. */
const recordOf = (body: string) => ({ messageId: 'msg-1', receiptHandle: 'rh-1', body }) as SQSRecord;

/** Runs the handler on one record; returns its answer, and the delays it asked of the queue. */
async function handle(body: string) {
  const delays: [string, number][] = [];
  const handler = createMediaEventsHandler({
    ...f.applyDeps,
    logger: f.logger,
    visibility: { delay: async (receiptHandle, seconds) => void delays.push([receiptHandle, seconds]) },
  });
  const context = localLambdaContext('media-events', 30_000);
  const answer = await handler({ Records: [recordOf(body)] }, context);
  return { answer, delays, requestId: context.awsRequestId };
}

describe('the media-events function: a relay whose uploads keep failing', () => {
  it('counts UploadsRetrying once per summary, in the service dimension only', async () => {
    await handle(serializeMediaEvent(summary));

    expect(f.metrics.points).toEqual([{ name: 'UploadsRetrying', value: 1, unit: 'Count', dimensions: {} }]);
  });

  it('logs a warning naming the node, the pending files, the oldest age and the last error', async () => {
    const { requestId } = await handle(serializeMediaEvent(summary));

    expect(f.logger.lines.map((line) => JSON.parse(line))).toEqual([
      {
        level: 'warn',
        message: 'a media relay keeps failing to store recordings',
        request_id: requestId,
        message_id: 'msg-1',
        node: 'fs-a',
        pending: 2,
        oldest_age_ms: 125_000,
        last_error: 'AccessDenied: not authorized to perform kms:GenerateDataKey',
      },
    ]);
  });

  it('touches no call or recording, asks the media server nothing, and takes the message off the queue', async () => {
    const before = structuredClone(f.state);

    const { answer, delays } = await handle(serializeMediaEvent(summary));

    expect([answer, delays]).toEqual([{ batchItemFailures: [] }, []]);
    expect(f.state).toEqual(before);
    expect(f.media.commands).toEqual([]);
  });
});
