import middy from '@middy/core';
import type { Context, SQSBatchItemFailure, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { fromLambdaRecord } from '../../shared/adapters/sqs/sqs-webhook-message.ts';
import { withLogContext } from '../../shared/adapters/system/log-context.ts';
import { type DeliverWebhookDeps, deliverWebhook } from '../../shared/webhooks/deliver-webhook.ts';
import type { DeadLetters, MessageVisibility } from '../../shared/webhooks/ports.ts';
import { redriveParked } from '../../shared/webhooks/redrive-parked.ts';
import { parseWebhookMessage } from '../../shared/webhooks/webhook-message.ts';

/** Ports of the `webhook-sender` Lambda: the delivery use case's, the queue's visibility, the DLQ. */
export type WebhookSenderDeps = DeliverWebhookDeps & {
  visibility: MessageVisibility;
  deadLetters: DeadLetters;
};

/**
 * The `webhook-sender` Lambda for any set of adapters. Each record is handled on its own: an event is
 * delivered (records to retry are postponed through message visibility and reported in
 * `batchItemFailures`), a redrive request queues a page of parked events again, and a message that is
 * neither goes to the dead-letter queue for an operator. Records are handled concurrently, each in its
 * own log context: its lines carry the request id, the message id and the event, call and application
 * it is about.
 */
export function createWebhookSenderHandler(deps: WebhookSenderDeps) {
  async function processRecord(record: SQSRecord): Promise<SQSBatchItemFailure | undefined> {
    const received = fromLambdaRecord(record);
    const parsed = parseWebhookMessage(received);
    return withLogContext(recordFields(record.messageId, parsed), () =>
      handleRecord(record, received, parsed),
    );
  }

  async function handleRecord(
    record: SQSRecord,
    received: ReturnType<typeof fromLambdaRecord>,
    parsed: ReturnType<typeof parseWebhookMessage>,
  ): Promise<SQSBatchItemFailure | undefined> {
    if (parsed.kind === 'malformed') {
      deps.logger.error('not a webhook message; moved to the dead-letter queue', {
        message_id: parsed.malformed.messageId,
        reason: parsed.malformed.reason,
      });
      await deps.deadLetters.send({
        body: received.body,
        attributes: Object.fromEntries(
          Object.entries(received.attributes).filter((e): e is [string, string] => e[1] !== undefined),
        ),
      });
      return undefined;
    }
    if (parsed.kind === 'redrive') {
      await redriveParked(parsed.request, deps);
      return undefined;
    }
    const outcome = await deliverWebhook(parsed.message, deps);
    if (outcome.kind === 'done') return undefined;
    try {
      await deps.visibility.delay(record.receiptHandle, outcome.delaySeconds);
    } catch (error) {
      // The queue's own visibility timeout applies instead; the retry still happens.
      deps.logger.warn('could not postpone webhook message', {
        message_id: record.messageId,
        error: String(error),
      });
    }
    return { itemIdentifier: record.messageId };
  }

  const handle = middy<SQSEvent, SQSBatchResponse, Error, Context>().handler(async (event, context) => {
    const results = await Promise.all(
      event.Records.map((record) =>
        processRecord(record).catch((error: unknown) => {
          deps.logger.error('webhook message failed; the queue will retry it', {
            request_id: context.awsRequestId,
            message_id: record.messageId,
            error: String(error),
          });
          return { itemIdentifier: record.messageId };
        }),
      ),
    );
    return { batchItemFailures: results.filter((failure) => failure !== undefined) };
  });
  return (event: SQSEvent, context: Context): Promise<SQSBatchResponse> =>
    withLogContext({ request_id: context.awsRequestId }, () => handle(event, context));
}

/** The ids a record's lines carry: its message, and the event, call and application it names. */
function recordFields(
  messageId: string,
  parsed: ReturnType<typeof parseWebhookMessage>,
): Record<string, string> {
  if (parsed.kind === 'event') {
    const { eventId, callId, applicationId, body } = parsed.message;
    const recordingId = recordingIdOf(body);
    return {
      message_id: messageId,
      event_id: eventId,
      ...(callId ? { call_id: callId } : {}),
      ...(recordingId ? { recording_id: recordingId } : {}),
      application_id: applicationId,
    };
  }
  if (parsed.kind === 'redrive')
    return { message_id: messageId, application_id: parsed.request.application_id };
  return { message_id: messageId };
}

/** The recording a webhook envelope is about (`data.recording.id`), when it names one. */
function recordingIdOf(body: string): string | undefined {
  try {
    const id = (JSON.parse(body) as { data?: { recording?: { id?: unknown } } }).data?.recording?.id;
    return typeof id === 'string' ? id : undefined;
  } catch {
    return undefined;
  }
}
