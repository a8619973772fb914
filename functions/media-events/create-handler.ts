import middy from '@middy/core';
import type { Context, SQSBatchItemFailure, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { withLogContext } from '../../shared/adapters/system/log-context.ts';
import type { ScopedLogger } from '../../shared/kernel/logger.ts';
import { type ApplyMediaEventDeps, applyMediaEvent } from '../../shared/media-events/apply-media-event.ts';
import { parseRelayMessage } from '../../shared/media-events/media-event-message.ts';
import type { UploadsRetrying } from '../../shared/media-events/types.ts';
import type { MessageVisibility } from '../../shared/webhooks/ports.ts';

/** Ports of the `media-events` Lambda. */
export type MediaEventsHandlerDeps = Omit<ApplyMediaEventDeps, 'logger'> & {
  logger: ScopedLogger;
  visibility: MessageVisibility;
};

/**
 * The `media-events` Lambda for any set of adapters: applies the media relay's events one by one, in
 * the order received. An event that must wait (the API's own commit is in flight) is postponed on the
 * queue and reported in `batchItemFailures`; one that can never apply is logged and dropped. A relay's
 * `uploads_retrying` summary touches no table: it is counted (`UploadsRetrying`, which alarms) and
 * logged as a warning. Every line written for a record carries the request id, the message id, and the
 * channel, call and recording the event is about (its log context).
 */
export function createMediaEventsHandler(deps: MediaEventsHandlerDeps) {
  async function processRecord(
    record: SQSRecord,
    requestId: string,
  ): Promise<SQSBatchItemFailure | undefined> {
    const logger = deps.logger.child({ request_id: requestId, message_id: record.messageId });
    const parsed = parseRelayMessage(record.body);
    if (!parsed.ok) {
      logger.error('dropped a message that is not a media event', { reason: parsed.reason });
      return undefined;
    }
    const { message: event } = parsed;
    if (event.kind === 'uploads_retrying') {
      uploadsRetrying(event, logger);
      return undefined;
    }
    const outcome = await applyMediaEvent(event, { ...deps, logger });
    logger.info('media event', {
      kind: event.kind,
      node: event.media_node,
      source: event.source,
      channel_uuid: event.channel_uuid,
      ...('path' in event ? { path: event.path } : {}),
      outcome: outcome.action,
    });
    if (outcome.kind === 'applied') return undefined;
    await deps.visibility.delay(record.receiptHandle, outcome.delaySeconds).catch((error: unknown) => {
      logger.warn('could not postpone media event', { error: String(error) });
    });
    return { itemIdentifier: record.messageId };
  }

  /** A relay whose uploads keep failing: recordings ended by hangup stay `started` until they store. */
  function uploadsRetrying(summary: UploadsRetrying, logger: Pick<ScopedLogger, 'warn'>) {
    deps.metrics.count('UploadsRetrying');
    logger.warn('a media relay keeps failing to store recordings', {
      node: summary.media_node,
      pending: summary.pending,
      oldest_age_ms: summary.oldest_age_ms,
      last_error: summary.last_error,
    });
  }

  /** The ids a record's lines carry: its message, and what its event names (when it is one). */
  function recordFields(record: SQSRecord): Record<string, string> {
    const parsed = parseRelayMessage(record.body);
    if (!parsed.ok || parsed.message.kind === 'uploads_retrying') return { message_id: record.messageId };
    const event = parsed.message;
    const ref = 'path' in event ? deps.files.parsePath(event.path) : undefined;
    return {
      message_id: record.messageId,
      ...(event.channel_uuid ? { channel_uuid: event.channel_uuid } : {}),
      ...(ref ? { call_id: ref.callId, recording_id: ref.recordingId } : {}),
    };
  }

  const handle = middy<SQSEvent, SQSBatchResponse, Error, Context>().handler(async (event, context) => {
    const batchItemFailures: SQSBatchItemFailure[] = [];
    for (const record of event.Records) {
      try {
        const failure = await withLogContext(recordFields(record), () =>
          processRecord(record, context.awsRequestId),
        );
        if (failure) batchItemFailures.push(failure);
      } catch (error) {
        deps.logger.error('media event failed; the queue will retry it', {
          request_id: context.awsRequestId,
          message_id: record.messageId,
          error: String(error),
        });
        batchItemFailures.push({ itemIdentifier: record.messageId });
      }
    }
    return { batchItemFailures };
  });
  return (event: SQSEvent, context: Context): Promise<SQSBatchResponse> =>
    withLogContext({ request_id: context.awsRequestId }, () => handle(event, context));
}
