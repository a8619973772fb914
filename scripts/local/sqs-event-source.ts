import {
  DeleteMessageBatchCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { localLambdaContext } from './lambda-context.ts';

/** An SQS-triggered Lambda handler (as exported by `functions/webhook-sender/handler.ts`). */
export type SqsLambda = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse | undefined>;

/**
 * local-aws-sqs counts a ChangeMessageVisibility as a receive (real SQS does not), so its
 * `ApproximateReceiveCount` runs ahead, and its redrive fires when that count reaches
 * `maxReceiveCount`. Local queues therefore get this `maxReceiveCount` for a wanted number of attempts:
 * each failed attempt (receive + postpone) adds 2, so the DLQ move comes right after attempt N.
 */
export function emulatorMaxReceiveCount(attempts: number): number {
  return 2 * attempts - 1;
}

/** Turns an SQS API message into the record shape Lambda's SQS event source delivers. */
export function toLambdaRecord(message: Message, queueArn: string, receiveCount?: number): SQSRecord {
  const attributes = message.Attributes ?? {};
  return {
    messageId: message.MessageId ?? '',
    receiptHandle: message.ReceiptHandle ?? '',
    body: message.Body ?? '',
    attributes: {
      ApproximateReceiveCount: String(receiveCount ?? attributes.ApproximateReceiveCount ?? '1'),
      SentTimestamp: attributes.SentTimestamp ?? String(Date.now()),
      SenderId: attributes.SenderId ?? 'local',
      ApproximateFirstReceiveTimestamp: attributes.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
    },
    messageAttributes: Object.fromEntries(
      Object.entries(message.MessageAttributes ?? {}).map(([name, value]) => [
        name,
        {
          stringValue: value.StringValue,
          dataType: value.DataType ?? 'String',
          stringListValues: [],
          binaryListValues: [],
        },
      ]),
    ),
    md5OfBody: message.MD5OfBody ?? '',
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: queueArn.split(':')[3] ?? 'eu-west-1',
  };
}

/**
 * Stands in for Lambda's SQS event-source mapping (no emulator invokes Lambdas): receives a batch,
 * invokes the handler with the same event shape, and deletes only what the handler did not report in
 * `batchItemFailures`. A handler that throws fails the whole batch, as in AWS.
 */
export function createSqsEventSource(options: {
  sqs: SQSClient;
  queueUrl: string;
  handler: SqsLambda;
  functionName?: string;
  batchSize?: number;
  waitTimeSeconds?: number;
  /**
   * With `waitTimeSeconds` 0, the pause after a poll that found nothing. (The SQS emulator's long poll
   * does not return when a message arrives, so latency-sensitive pollers poll short and often.)
   */
  emptyPauseMs?: number;
}) {
  const queueArn = `arn:aws:sqs:local:000000000000:${options.queueUrl.split('/').pop()}`;
  let running = false;
  let loop: Promise<void> | undefined;
  // Our own receive count per message, as real SQS reports it (see emulatorMaxReceiveCount).
  const receives = new Map<string, number>();

  /** Receives and processes one batch; returns the handler's answer (undefined when the queue was empty). */
  async function pollOnce(
    waitTimeSeconds = 0,
  ): Promise<{ received: number; response: SQSBatchResponse | undefined } | undefined> {
    const out = await options.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: options.queueUrl,
        MaxNumberOfMessages: options.batchSize ?? 10,
        WaitTimeSeconds: waitTimeSeconds,
        MessageAttributeNames: ['All'],
        // local-aws-sqs ignores MessageSystemAttributeNames; AttributeNames is still accepted by SQS.
        AttributeNames: ['All'],
      }),
    );
    const messages = out.Messages ?? [];
    if (messages.length === 0) return undefined;
    const event: SQSEvent = {
      Records: messages.map((message) => {
        const id = message.MessageId ?? '';
        const count = (receives.get(id) ?? 0) + 1;
        receives.set(id, count);
        return toLambdaRecord(message, queueArn, count);
      }),
    };
    let response: SQSBatchResponse | undefined;
    try {
      response =
        (await options.handler(
          event,
          localLambdaContext(options.functionName ?? 'webhook-sender', 30_000),
        )) ?? undefined;
    } catch {
      return {
        received: messages.length,
        response: { batchItemFailures: messages.map((m) => ({ itemIdentifier: m.MessageId ?? '' })) },
      };
    }
    const failed = new Set((response?.batchItemFailures ?? []).map((failure) => failure.itemIdentifier));
    const done = messages.filter((message) => !failed.has(message.MessageId ?? ''));
    for (const message of done) receives.delete(message.MessageId ?? '');
    if (done.length > 0) {
      await options.sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: options.queueUrl,
          Entries: done.map((message, index) => ({
            Id: String(index),
            ReceiptHandle: message.ReceiptHandle,
          })),
        }),
      );
    }
    return { received: messages.length, response };
  }

  return {
    pollOnce,
    /** Polls continuously (long polling) until `stop()`. Errors are reported and polling goes on. */
    start(onError: (error: unknown) => void = () => undefined) {
      running = true;
      loop = (async () => {
        while (running) {
          try {
            const got = await pollOnce(options.waitTimeSeconds ?? 1);
            if (!got && options.emptyPauseMs) await new Promise((r) => setTimeout(r, options.emptyPauseMs));
          } catch (error) {
            onError(error);
            await new Promise((resolve) => setTimeout(resolve, 500));
          }
        }
      })();
    },
    async stop() {
      running = false;
      await loop;
    },
  };
}
