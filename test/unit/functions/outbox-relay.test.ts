import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { createOutboxRelayHandler } from '../../../functions/outbox-relay/create-handler.ts';
import { localLambdaContext } from '../../../scripts/local/lambda-context.ts';
import { toCallItem, toOutboxItem } from '../../../shared/adapters/dynamodb/item-mappers.ts';
import { outboxEventsOf } from '../../../shared/adapters/dynamodb/outbox-stream.ts';
import type { Call } from '../../../shared/recordings/types.ts';
import type { EventQueue } from '../../../shared/webhooks/ports.ts';
import type { OutboxEvent } from '../../../shared/webhooks/types.ts';
import { createManualClock } from '../../support/fakes/manual-clock.ts';
import { createMemoryLogger } from '../../support/fakes/memory-logger.ts';
import { noMetrics } from '../../support/fakes/memory-metrics.ts';

const eventOf = (n: number): OutboxEvent => ({
  event_id: `evt_${n}`,
  event_type: 'recording.started',
  application_id: 'app_1',
  call_id: 'call_1',
  created_at: '2026-11-24T10:00:00Z',
  occurred_at: `2026-11-24T10:00:00.00${n}Z`,
  body: `{"n":${n}}`,
});

const call: Call = {
  id: 'call_1',
  customer_id: 'cust_1',
  application_id: 'app_1',
  status: 'in_progress',
  direction: 'inbound',
  from: '+15551230001',
  to: '+15551230002',
  created_at: '2026-11-24T10:00:00Z',
  recording_seq: 1,
};

/** A record of the table's stream, as Lambda hands it over (its item in DynamoDB's JSON). */
function recordOf(
  sequenceNumber: string,
  eventName: DynamoDBRecord['eventName'],
  item: Record<string, unknown>,
  createdSeconds?: number,
): DynamoDBRecord {
  const image = marshall(item, { removeUndefinedValues: true }) as NonNullable<
    DynamoDBRecord['dynamodb']
  >['NewImage'];
  return {
    eventName,
    dynamodb: {
      SequenceNumber: sequenceNumber,
      ...(eventName === 'REMOVE' ? { OldImage: image } : { NewImage: image }),
      ...(createdSeconds !== undefined ? { ApproximateCreationDateTime: createdSeconds } : {}),
    },
  };
}

/** A queue that takes the first `takes` events of every batch, keeping the ids of those it took. */
function queueTaking(takes: number) {
  const taken: string[] = [];
  const queue: EventQueue = {
    sendAll: async (events) => {
      const took = events.slice(0, takes);
      taken.push(...took.map((e) => e.event_id));
      return took.length;
    },
    requestRedrive: async () => undefined,
  };
  return { queue, taken };
}

/** A batch with three outbox inserts among records the relay must skip. */
const batch = (): DynamoDBRecord[] => [
  recordOf('100', 'INSERT', toOutboxItem(eventOf(1)), 1_795_600_000),
  recordOf('101', 'MODIFY', toCallItem(call)),
  recordOf('102', 'INSERT', toOutboxItem(eventOf(2))),
  recordOf('103', 'REMOVE', toOutboxItem(eventOf(0))),
  recordOf('104', 'INSERT', toCallItem(call)),
  recordOf('105', 'INSERT', toOutboxItem(eventOf(3))),
];

describe('outboxEventsOf', () => {
  it('reads the inserted outbox items in stream order, skipping every other record', () => {
    expect(outboxEventsOf(batch())).toEqual([
      { sequenceNumber: '100', event: eventOf(1), recordedAt: 1_795_600_000_000 },
      { sequenceNumber: '102', event: eventOf(2), recordedAt: undefined },
      { sequenceNumber: '105', event: eventOf(3), recordedAt: undefined },
    ]);
  });

  it('skips a modified outbox item (the event was relayed when it was inserted)', () => {
    expect(outboxEventsOf([recordOf('200', 'MODIFY', toOutboxItem(eventOf(1)))])).toEqual([]);
  });
});

describe('the outbox-relay handler', () => {
  const handlerWith = (queue: EventQueue) =>
    createOutboxRelayHandler({
      queue,
      logger: createMemoryLogger(),
      metrics: noMetrics,
      clock: createManualClock('2026-11-24T10:00:01Z').clock,
    });
  const context = () => localLambdaContext('outbox-relay', 30_000);

  it('queues the outbox events in order and reports no failure when the queue took them all', async () => {
    const { queue, taken } = queueTaking(10);

    const response = await handlerWith(queue)({ Records: batch() }, context());

    expect([response, taken]).toEqual([{ batchItemFailures: [] }, ['evt_1', 'evt_2', 'evt_3']]);
  });

  it('reports the first event the queue did not take, by its stream record, so the stream resumes there', async () => {
    const { queue, taken } = queueTaking(1);

    const response = await handlerWith(queue)({ Records: batch() }, context());

    expect([response, taken]).toEqual([{ batchItemFailures: [{ itemIdentifier: '102' }] }, ['evt_1']]);
  });

  it('reports the first outbox event when the queue throws', async () => {
    const queue: EventQueue = {
      sendAll: async () => {
        throw new Error('queue unreachable');
      },
      requestRedrive: async () => undefined,
    };

    const response = await handlerWith(queue)({ Records: batch() }, context());

    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: '100' }] });
  });

  it('reports no failure for a batch without outbox events, and queues nothing', async () => {
    const { queue, taken } = queueTaking(10);

    const response = await handlerWith(queue)(
      { Records: [recordOf('300', 'MODIFY', toCallItem(call))] },
      context(),
    );

    expect([response, taken]).toEqual([{ batchItemFailures: [] }, []]);
  });
});
