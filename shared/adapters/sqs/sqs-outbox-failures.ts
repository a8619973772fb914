import { DeleteMessageBatchCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';

/** The time window of the stream records Lambda could not relay, read from the outbox DLQ. */
export interface OutboxFailures {
  /** Earliest and latest arrival of the failed records (ISO 8601), or undefined when the DLQ is empty. */
  window: { since: string; until: string } | undefined;
  /** How many failure records were read. */
  count: number;
  /** Deletes the records read (once their window has been replayed). */
  acknowledge(): Promise<void>;
}

/** Margin around the failed records' arrival times: an event happens shortly before its record arrives. */
const MARGIN_MS = 5 * 60_000;

/**
 * Reads the outbox DLQ: each message is Lambda's record of a stream batch that failed after its retries
 * (`DDBStreamBatchInfo`: shard, sequence numbers, and when the first and last records arrived), not the
 * records themselves. Returns the window covering them all, widened by a few minutes, for a replay from
 * the outbox items still in the table. Messages stay hidden 10 minutes while the replay runs.
 */
export async function readOutboxFailures(client: SQSClient, dlqUrl: string): Promise<OutboxFailures> {
  const receipts: string[] = [];
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  for (;;) {
    const out = await client.send(
      new ReceiveMessageCommand({
        QueueUrl: dlqUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 0,
        VisibilityTimeout: 600,
      }),
    );
    const messages = out.Messages ?? [];
    if (messages.length === 0) break;
    for (const message of messages) {
      receipts.push(message.ReceiptHandle ?? '');
      const info = (JSON.parse(message.Body ?? '{}') as { DDBStreamBatchInfo?: Record<string, string> })
        .DDBStreamBatchInfo;
      const from = Date.parse(info?.approximateArrivalOfFirstRecord ?? '');
      const to = Date.parse(info?.approximateArrivalOfLastRecord ?? '');
      if (Number.isNaN(from) || Number.isNaN(to))
        throw new Error(`not a stream failure record: ${message.Body}`);
      first = Math.min(first, from);
      last = Math.max(last, to);
    }
  }
  return {
    window:
      receipts.length === 0
        ? undefined
        : {
            since: new Date(first - MARGIN_MS).toISOString(),
            until: new Date(last + MARGIN_MS).toISOString(),
          },
    count: receipts.length,
    async acknowledge() {
      for (let i = 0; i < receipts.length; i += 10) {
        await client.send(
          new DeleteMessageBatchCommand({
            QueueUrl: dlqUrl,
            Entries: receipts.slice(i, i + 10).map((handle, j) => ({ Id: String(j), ReceiptHandle: handle })),
          }),
        );
      }
    },
  };
}
