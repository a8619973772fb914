import type { DynamoDBDocumentClient, UpdateCommandInput } from '@aws-sdk/lib-dynamodb';
import { type AllowancePolicy, gcraOf, gcraStep } from '../../accounts/gcra.ts';
import type { AllowanceDecision, RequestAllowance } from '../../accounts/ports.ts';
import type { Clock } from '../../kernel/clock.ts';
import { documentSdk, dynamodbSdk, marshallSdk } from '../aws/aws-sdk.ts';
import { withDependencyErrors } from '../aws/dependency-errors.ts';
import { keys, TTL_ATTRIBUTE } from './table-schema.ts';

const { ConditionalCheckFailedException } = dynamodbSdk;
const { UpdateCommand } = documentSdk;
const { unmarshall } = marshallSdk;

// Disabling an application writes `application_status = disabled` on this item (in the transaction that
// disables it), so every update below refuses a disabled application whatever the number of its keys.
const NOT_DISABLED = '(attribute_not_exists(application_status) OR application_status <> :disabled)';

// Updates tried per request: the first is a guess; a failed one returns the item as it is (ALL_OLD),
// which says which one can succeed. A third is needed only when others changed it in between.
const MAX_ATTEMPTS = 3;

// An allowance unused this long is full anyway: DynamoDB's TTL may delete its item (never a disabled
// one: a disable removes the item's expiry, and a disabled item is never written here).
const IDLE_EXPIRY_SECONDS = 86_400;

// `tat`s this container saw, per application: which update to try first, and a refusal without a write
// while the remembered `tat` alone refuses (it only grows, so the real one refuses too).
const REMEMBERED = 10_000;

/**
 * The per-application allowance in the single table (item `RATE#<application_id>` / `RATE`), as GCRA:
 * one number, `tat`, changed only by conditional `UpdateItem`s, so every container shares it and no
 * request reads before it writes. An admitted request costs one conditional write (two when this
 * container's guess of the item was stale); a refused one at most one failed conditional write, none
 * while this container already knows the allowance is used up (so a flood does not hammer the item).
 * A refused request changes nothing.
 */
export function createDynamoDbRequestAllowance(
  documents: DynamoDBDocumentClient,
  tableName: string,
  policy: AllowancePolicy,
  clock: Clock,
): RequestAllowance {
  const client = withDependencyErrors(documents, 'storage');
  const gcra = gcraOf(policy);
  const lastTat = new Map<string, number>();

  function remember(applicationId: string, tat: number) {
    lastTat.delete(applicationId);
    if (lastTat.size >= REMEMBERED) lastTat.delete(lastTat.keys().next().value as string);
    lastTat.set(applicationId, tat);
  }

  /** One conditional update: the new `tat`, or the item as it was when the condition failed. */
  async function attempt(
    applicationId: string,
    now: number,
    input: Pick<UpdateCommandInput, 'UpdateExpression' | 'ConditionExpression' | 'ExpressionAttributeValues'>,
  ): Promise<{ ok: true; tat: number } | { ok: false; item: Record<string, unknown> }> {
    try {
      const out = await client.send(
        new UpdateCommand({
          TableName: tableName,
          Key: keys.rate(applicationId),
          ...input,
          ExpressionAttributeNames: { '#expires': TTL_ATTRIBUTE },
          ExpressionAttributeValues: {
            ...input.ExpressionAttributeValues,
            ':disabled': 'disabled',
            ':expires': Math.ceil(now / 1000) + IDLE_EXPIRY_SECONDS,
          },
          ReturnValues: 'UPDATED_NEW',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return { ok: true, tat: Number(out.Attributes?.tat) };
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) {
        return { ok: false, item: error.Item ? unmarshall(error.Item) : {} };
      }
      throw error;
    }
  }

  return {
    async take(applicationId): Promise<AllowanceDecision> {
      const now = clock.now().getTime();
      let step = gcraStep(lastTat.get(applicationId), now, gcra);
      // `tat` never goes back, so what this container saw still refuses. (A disabled application
      // already refused here hears 429 until its Retry-After, then 401.)
      if (step.kind === 'refuse') return { kind: 'limited', retryAfterMs: step.retryAfterMs };
      for (let i = 0; i < MAX_ATTEMPTS; i += 1) {
        const result =
          step.kind === 'restart'
            ? await attempt(applicationId, now, {
                UpdateExpression: 'SET tat = :next, #expires = :expires',
                ConditionExpression: `(attribute_not_exists(tat) OR tat < :now) AND ${NOT_DISABLED}`,
                ExpressionAttributeValues: { ':now': now, ':next': now + gcra.intervalMs },
              })
            : await attempt(applicationId, now, {
                UpdateExpression: 'SET tat = tat + :interval, #expires = :expires',
                ConditionExpression: `tat <= :latest AND ${NOT_DISABLED}`,
                ExpressionAttributeValues: {
                  ':interval': gcra.intervalMs,
                  ':latest': now + gcra.toleranceMs,
                },
              });
        if (result.ok) {
          remember(applicationId, result.tat);
          return { kind: 'allowed' };
        }
        if (result.item.application_status === 'disabled') return { kind: 'disabled' };
        const tat = typeof result.item.tat === 'number' ? result.item.tat : undefined;
        if (tat !== undefined) remember(applicationId, tat);
        const next = gcraStep(tat, now, gcra);
        if (next.kind === 'refuse') return { kind: 'limited', retryAfterMs: next.retryAfterMs };
        step = next;
      }
      // Others kept changing the item under this request: it is busy enough to be refused briefly.
      return { kind: 'limited', retryAfterMs: gcra.intervalMs };
    },
  };
}
