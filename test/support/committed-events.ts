import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { fromOutboxItem } from '../../shared/adapters/dynamodb/item-mappers.ts';
import { keys } from '../../shared/adapters/dynamodb/table-schema.ts';
import type { OutboxEvent } from '../../shared/webhooks/types.ts';
import type { InMemoryState } from './fakes/in-memory-state.ts';

/**
 * Reads the outbox events committed for a call: what the table's stream carries to the outbox relay.
 * Test-only (production never reads them back); lets the contract suites check that a state change and
 * its event were written together.
 */
export interface CommittedEvents {
  ofCall(callId: string): Promise<OutboxEvent[]>;
}

/** By when they happened, then by id. */
const inOrder = (a: OutboxEvent, b: OutboxEvent) =>
  a.occurred_at.localeCompare(b.occurred_at) || a.event_id.localeCompare(b.event_id);

/** The events in the call's partition of the DynamoDB table (`EVT#<event id>` items). */
export function dynamoDbCommittedEvents(
  documents: DynamoDBDocumentClient,
  tableName: string,
): CommittedEvents {
  return {
    async ofCall(callId) {
      const out = await documents.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :evt)',
          ExpressionAttributeValues: { ':pk': keys.outboxEvent(callId, '').pk, ':evt': 'EVT#' },
          ConsistentRead: true,
        }),
      );
      return (out.Items ?? []).map(fromOutboxItem).sort(inOrder);
    },
  };
}

/** The events the in-memory fakes committed for the call. */
export function inMemoryCommittedEvents(state: InMemoryState): CommittedEvents {
  return {
    async ofCall(callId) {
      return [...state.outbox.values()]
        .filter((event) => event.call_id === callId)
        .map((event) => structuredClone(event))
        .sort(inOrder);
    },
  };
}
