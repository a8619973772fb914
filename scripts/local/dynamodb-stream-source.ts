import { readFile, writeFile } from 'node:fs/promises';
import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  type DynamoDBStreamsClient,
  ExpiredIteratorException,
  GetRecordsCommand,
  type GetRecordsCommandOutput,
  GetShardIteratorCommand,
  type _Record as StreamRecord,
} from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { localLambdaContext } from './lambda-context.ts';

/** A Lambda handler of DynamoDB stream events. */
export type StreamLambda = (
  event: DynamoDBStreamEvent,
  context: ReturnType<typeof localLambdaContext>,
) => Promise<DynamoDBBatchResponse | undefined>;

/** A Lambda event filter pattern (`FilterCriteria`): leaves are lists of accepted values. */
export type FilterPattern = { [key: string]: readonly string[] | FilterPattern };

/** One shard being read: where to read next, and the last record the handler took. */
interface ShardReader {
  iterator: string | undefined;
  after: string | undefined;
  closed: boolean;
}

/**
 * A stand-in for Lambda's DynamoDB-stream event-source mapping, which nothing local provides: reads the
 * table's stream from DynamoDB Local shard by shard, applies the same filter pattern, hands each batch
 * to the handler as a `DynamoDBStreamEvent`, and honours partial batch failures (the stream is read
 * again from the first failed record). With `checkpointFile`, where each shard was left is kept across
 * restarts (`npm start`), so nothing committed while it was down is skipped.
 */
export function createDynamoDbStreamSource(options: {
  dynamodb: DynamoDBClient;
  streams: DynamoDBStreamsClient;
  tableName: string;
  handler: StreamLambda;
  filter: FilterPattern;
  functionName: string;
  checkpointFile?: string;
  batchSize?: number;
  emptyPauseMs?: number;
}) {
  const shards = new Map<string, ShardReader>();
  let streamArn: string | undefined;
  let checkpoints: Record<string, string> | undefined;
  let running = false;
  let loop: Promise<void> | undefined;

  async function loadCheckpoints(): Promise<Record<string, string>> {
    if (checkpoints) return checkpoints;
    checkpoints = {};
    if (options.checkpointFile) {
      checkpoints = JSON.parse(await readFile(options.checkpointFile, 'utf8').catch(() => '{}'));
    }
    return checkpoints as Record<string, string>;
  }

  async function iteratorFor(shardId: string, after: string | undefined, at?: string) {
    const out = await options.streams.send(
      new GetShardIteratorCommand({
        StreamArn: streamArn,
        ShardId: shardId,
        ...(at
          ? { ShardIteratorType: 'AT_SEQUENCE_NUMBER', SequenceNumber: at }
          : after
            ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: after }
            : { ShardIteratorType: 'TRIM_HORIZON' }),
      }),
    );
    return out.ShardIterator;
  }

  /** Finds the stream and any shard not read yet (a new shard starts where its checkpoint says). */
  async function discoverShards() {
    if (!streamArn) {
      const table = await options.dynamodb.send(new DescribeTableCommand({ TableName: options.tableName }));
      streamArn = table.Table?.LatestStreamArn;
      if (!streamArn) throw new Error(`table ${options.tableName} has no stream`);
    }
    const saved = await loadCheckpoints();
    let start: string | undefined;
    do {
      const out = await options.streams.send(
        new DescribeStreamCommand({
          StreamArn: streamArn,
          ...(start ? { ExclusiveStartShardId: start } : {}),
        }),
      );
      for (const shard of out.StreamDescription?.Shards ?? []) {
        const id = shard.ShardId ?? '';
        if (shards.has(id)) continue;
        const after = saved[id];
        shards.set(id, { iterator: await iteratorFor(id, after), after, closed: false });
      }
      start = out.StreamDescription?.LastEvaluatedShardId;
    } while (start);
  }

  function matches(value: unknown, pattern: FilterPattern | readonly string[]): boolean {
    if (Array.isArray(pattern)) return typeof value === 'string' && pattern.includes(value);
    if (typeof value !== 'object' || value === null) return false;
    return Object.entries(pattern).every(([key, inner]) =>
      matches((value as Record<string, unknown>)[key], inner as FilterPattern),
    );
  }

  function toLambdaRecord(record: StreamRecord): DynamoDBRecord {
    const created = record.dynamodb?.ApproximateCreationDateTime;
    return {
      eventID: record.eventID ?? '',
      eventName: record.eventName as DynamoDBRecord['eventName'],
      eventVersion: record.eventVersion ?? '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: record.awsRegion ?? 'local',
      eventSourceARN: streamArn ?? '',
      dynamodb: {
        ...(record.dynamodb as DynamoDBRecord['dynamodb']),
        ApproximateCreationDateTime: created ? Math.floor(new Date(created).getTime() / 1000) : 0,
      },
    };
  }

  async function saveCheckpoint(shardId: string, sequenceNumber: string) {
    const saved = await loadCheckpoints();
    saved[shardId] = sequenceNumber;
    if (options.checkpointFile) await writeFile(options.checkpointFile, JSON.stringify(saved));
  }

  /** Passes begun so far, and who waits for a clean empty pass begun after they asked. */
  let passesBegun = 0;
  const waiters: { from: number; resolve: () => void }[] = [];

  /**
   * Reads each shard once and hands the matching records to the handler. Says how many records it read,
   * how many it handed over, and whether the handler failed any (they are read again next time).
   */
  async function pass(): Promise<{ read: number; handed: number; failed: boolean }> {
    const index = ++passesBegun;
    let result: Awaited<ReturnType<typeof readShards>>;
    try {
      result = await readShards();
    } catch (error) {
      // DynamoDB unreachable or restarted: find the stream again and go on from each shard's checkpoint.
      shards.clear();
      streamArn = undefined;
      throw error;
    }
    if (result.read === 0 && !result.failed) {
      for (const waiter of waiters.filter((w) => index >= w.from)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
    return result;
  }

  async function readShards(): Promise<{ read: number; handed: number; failed: boolean }> {
    await discoverShards();
    let handed = 0;
    let read = 0;
    let failed = false;
    for (const [shardId, shard] of shards) {
      if (shard.closed || !shard.iterator) continue;
      let out: GetRecordsCommandOutput;
      try {
        out = await options.streams.send(
          new GetRecordsCommand({ ShardIterator: shard.iterator, Limit: options.batchSize ?? 100 }),
        );
      } catch (error) {
        if (!(error instanceof ExpiredIteratorException)) throw error;
        shard.iterator = await iteratorFor(shardId, shard.after);
        continue;
      }
      const records = out.Records ?? [];
      read += records.length;
      const batch = records.filter((r) => matches(r, options.filter)).map(toLambdaRecord);
      let failedAt: string | undefined;
      if (batch.length > 0) {
        try {
          const response = await options.handler(
            { Records: batch },
            localLambdaContext(options.functionName, 60_000),
          );
          failedAt = response?.batchItemFailures?.[0]?.itemIdentifier;
        } catch {
          failedAt = batch[0]?.dynamodb?.SequenceNumber;
        }
        handed += batch.length;
      }
      if (failedAt) {
        failed = true;
        // As Lambda does: read again from the first record that failed.
        shard.iterator = await iteratorFor(shardId, shard.after, failedAt);
        continue;
      }
      const last = records.at(-1)?.dynamodb?.SequenceNumber;
      if (last) {
        shard.after = last;
        await saveCheckpoint(shardId, last);
      }
      shard.iterator = out.NextShardIterator;
      if (!out.NextShardIterator) shard.closed = true;
    }
    return { read, handed, failed };
  }

  return {
    /** Reads each shard once; returns how many records the handler was given. */
    async pollOnce(): Promise<number> {
      return (await pass()).handed;
    },
    /** Polls continuously until `stop()`; errors are reported and polling goes on. */
    start(onError: (error: unknown) => void = () => undefined) {
      running = true;
      loop = (async () => {
        while (running) {
          let busy = false;
          try {
            const result = await pass();
            busy = result.read > 0 && !result.failed; // a failed batch is retried after a pause
          } catch (error) {
            onError(error);
          }
          if (!busy) await new Promise((r) => setTimeout(r, options.emptyPauseMs ?? 50));
        }
      })();
    },
    /**
     * Resolves once everything written to the table before the call has been handed over: when a pass
     * begun after the call finds nothing new and no failure. Polls itself when not started.
     */
    async caughtUp(timeoutMs = 10_000): Promise<void> {
      const reached = new Promise<void>((resolve) => waiters.push({ from: passesBegun + 1, resolve }));
      const deadline = Date.now() + timeoutMs;
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`stream of ${options.tableName} not caught up in ${timeoutMs} ms`)),
          timeoutMs,
        );
      });
      try {
        if (!running) {
          let done = false;
          void reached.then(() => {
            done = true;
          });
          while (!done && Date.now() < deadline) {
            const failed = await pass().then(
              (result) => result.failed,
              () => true,
            );
            await new Promise((resolve) => setTimeout(resolve, failed ? 100 : 0));
          }
        }
        await Promise.race([reached, timedOut]);
      } finally {
        clearTimeout(timer);
      }
    },
    async stop() {
      running = false;
      await loop;
    },
  };
}
