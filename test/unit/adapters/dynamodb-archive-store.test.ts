import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { lostToConcurrentChange } from '../../../shared/adapters/dynamodb/dynamodb-archive-store.ts';

const cancelled = (codes: string[]) =>
  new TransactionCanceledException({
    message: 'Transaction cancelled',
    $metadata: {},
    CancellationReasons: codes.map((Code) => ({ Code })),
  });

describe('lostToConcurrentChange', () => {
  it('takes a failed condition, or another transaction on the same item, for a concurrent change', () => {
    expect([
      lostToConcurrentChange(cancelled(['ConditionalCheckFailed', 'None'])),
      lostToConcurrentChange(cancelled(['TransactionConflict', 'None'])),
    ]).toEqual([true, true]);
  });

  it('does not take throttling or an unrelated failure for one', () => {
    expect([
      lostToConcurrentChange(cancelled(['ThrottlingError', 'None'])),
      lostToConcurrentChange(new Error('socket hang up')),
    ]).toEqual([false, false]);
  });
});
