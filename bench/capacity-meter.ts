import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

/** DynamoDB capacity consumed, in units, split into reads and writes (indexes included). */
export interface ConsumedUnits {
  read: number;
  write: number;
}

const READS = /^(Get|BatchGet|TransactGet|Query|Scan)/;

/**
 * Asks DynamoDB for the capacity every request of this client consumes (`ReturnConsumedCapacity:
 * INDEXES`, so index writes count) and adds it up. An SDK middleware: the adapters stay unchanged.
 */
export function createCapacityMeter(client: DynamoDBClient) {
  let units: ConsumedUnits = { read: 0, write: 0 };
  client.middlewareStack.add(
    ((
      next: (args: { input: Record<string, unknown> }) => Promise<{ output: Record<string, unknown> }>,
      context: { commandName?: string },
    ) =>
      async (args: { input: Record<string, unknown> }) => {
        args.input.ReturnConsumedCapacity = 'INDEXES';
        const result = await next(args);
        const consumed = [result.output.ConsumedCapacity ?? []].flat() as { CapacityUnits?: number }[];
        const total = consumed.reduce((sum, c) => sum + (c.CapacityUnits ?? 0), 0);
        if (READS.test(context.commandName ?? '')) units.read += total;
        else units.write += total;
        return result;
      }) as never,
    { step: 'initialize', name: 'capacityMeter' },
  );
  return {
    read: (): ConsumedUnits => ({ ...units }),
    reset() {
      units = { read: 0, write: 0 };
    },
  };
}
