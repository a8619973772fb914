import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { INDEX_KEYS, ITEM_KEYS } from '../../infra/constructs/grants.ts';
import {
  deliveryIndexKeys,
  GSI1,
  GSI2,
  keys,
  purgeIndexKeys,
} from '../../shared/adapters/dynamodb/table-schema.ts';
import {
  attOf,
  environmentOf,
  identityStatements,
  PROD_CONTEXT,
  resourceOf,
  type Statement,
  statementsOf,
  synth,
} from './stack-template.ts';

let template: Template;
let prod: Template;
beforeAll(() => {
  template = synth();
  prod = synth(PROD_CONTEXT);
});

const FUNCTIONS = ['Recordings', 'MediaEvents', 'OutboxRelay', 'RetentionSweep', 'WebhookSender'];

/** True when `value` matches an IAM `StringLike` pattern (`*` any run of characters, `?` one). */
function stringLike(pattern: string, value: string): boolean {
  const regex = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${regex}$`).test(value);
}

/** Where a DynamoDB statement applies: the table itself or one of its indexes. */
function targetOf(statement: Statement): string {
  const resource = JSON.stringify(statement.Resource);
  const index = /\/index\/(\w+)/.exec(resource)?.[1];
  return index ? `index ${index}` : 'table';
}

/** A function's DynamoDB grants: per target (table, index …), its actions and leading-key patterns. */
function tableGrantsOf(source: Template, name: string) {
  return statementsOf(source, name)
    .filter((statement) => [statement.Action].flat().some((action) => action.startsWith('dynamodb:')))
    .filter((statement) => !JSON.stringify(statement.Resource).includes('StreamArn'))
    .map((statement) => ({
      target: targetOf(statement),
      actions: [statement.Action].flat(),
      leadingKeys: statement.Condition?.['ForAllValues:StringLike']?.['dynamodb:LeadingKeys'],
    }));
}

const webhookSecretsKey = (source: Template) => attOf(source, 'AWS::KMS::Key', /^WebhookSecretsKey/, 'Arn');

describe('RecordingsStack table grants', () => {
  it.each([
    [
      'Recordings',
      [
        {
          target: 'table',
          actions: [
            'dynamodb:BatchGetItem',
            'dynamodb:GetItem',
            'dynamodb:PutItem',
            'dynamodb:Query',
            'dynamodb:UpdateItem',
          ],
          leadingKeys: ['APP#*', 'CALL#*', 'DELIVERY#*', 'KEY#*', 'RATE#*'],
        },
        { target: 'index gsi1', actions: ['dynamodb:Query'], leadingKeys: ['DELIVERIES#*'] },
      ],
    ],
    [
      'MediaEvents',
      [
        {
          target: 'table',
          actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
          leadingKeys: ['APP#*', 'CALL#*'],
        },
        { target: 'index gsi2', actions: ['dynamodb:Query'], leadingKeys: ['CHAN#*'] },
      ],
    ],
    [
      'RetentionSweep',
      [
        {
          target: 'table',
          actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
          leadingKeys: ['CALL#*'],
        },
        { target: 'index gsi1', actions: ['dynamodb:Query'], leadingKeys: ['PURGE'] },
      ],
    ],
    [
      'WebhookSender',
      [
        {
          target: 'table',
          actions: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
          leadingKeys: ['APP#*', 'DELIVERY#*'],
        },
        { target: 'index gsi1', actions: ['dynamodb:Query'], leadingKeys: ['DELIVERIES#*'] },
      ],
    ],
    // The relay reads the stream only; it never reads or writes an item.
    ['OutboxRelay', []],
  ])('limits %s to exactly the item types it uses', (name, grants) => {
    expect(tableGrantsOf(template, name)).toEqual(grants);
  });

  it('puts a LeadingKeys condition on every DynamoDB item statement of every policy', () => {
    const unconditioned = identityStatements(template).filter(
      (statement) =>
        statement.actions.some((action) => action.startsWith('dynamodb:')) &&
        !JSON.stringify(statement.Resource).includes('StreamArn') &&
        statement.Condition?.['ForAllValues:StringLike']?.['dynamodb:LeadingKeys'] === undefined,
    );

    expect(unconditioned).toEqual([]);
  });

  it('lets no principal Scan, delete items, or use a DynamoDB wildcard action (a Scan has no leading key)', () => {
    const actions = identityStatements(template).flatMap((statement) => statement.actions);

    expect(
      actions.filter(
        (action) => /^dynamodb:(Scan|DeleteItem|BatchWriteItem|PartiQL.*|\*)$/.test(action) || action === '*',
      ),
    ).toEqual([]);
  });

  it("matches each item type's real partition key with exactly its own pattern", () => {
    const items = {
      apiKey: keys.apiKey('0123abcd').pk,
      application: keys.application('app_1').pk,
      call: keys.call('call_1').pk,
      recording: keys.recording('call_1', 2).pk,
      outboxEvent: keys.outboxEvent('call_1', 'evt_1').pk,
      delivery: keys.delivery('evt_1').pk,
      rate: keys.rate('app_1').pk,
      customer: keys.customer('cust_1').pk,
    };
    const patterns = Object.entries(ITEM_KEYS);

    const matched = Object.fromEntries(
      Object.entries(items).map(([item, key]) => [
        item,
        patterns.filter(([, pattern]) => stringLike(pattern, key)).map(([name]) => name),
      ]),
    );

    expect(matched).toEqual({
      apiKey: ['apiKey'],
      application: ['application'],
      // A call's recordings and outbox events share the call's partition.
      call: ['call'],
      recording: ['call'],
      outboxEvent: ['call'],
      delivery: ['delivery'],
      rate: ['rate'],
      customer: [],
    });
  });

  it("matches each index partition's real value with exactly its own pattern", () => {
    const partitions = {
      deliveries: deliveryIndexKeys('app_1', 'parked', '2026-05-29T12:00:00Z', 'evt_1')[GSI1.partition],
      purge: purgeIndexKeys(1_780_000_000_000, 'call_1', 1)[GSI1.partition],
      channel: keys.channel('8e3b0c1a-0000-4000-8000-000000000000', 'call_1')[GSI2.partition],
      // The admin CLI's listing of an application's keys: no function's.
      applicationKeys: 'APP#app_1#KEYS',
    };
    const patterns = Object.entries(INDEX_KEYS);

    const matched = Object.fromEntries(
      Object.entries(partitions).map(([partition, value]) => [
        partition,
        patterns.filter(([, pattern]) => stringLike(pattern, String(value))).map(([name]) => name),
      ]),
    );

    expect(matched).toEqual({
      deliveries: ['deliveries'],
      purge: ['purge'],
      channel: ['channel'],
      applicationKeys: [],
    });
  });
});

describe('RecordingsStack webhook secrets key', () => {
  it('is a customer-managed key that rotates (deleted with a dev stack)', () => {
    const [, key] = resourceOf(template, 'AWS::KMS::Key', /^WebhookSecretsKey/);

    expect(key.Properties.EnableKeyRotation).toBe(true);
    expect(key.DeletionPolicy).toBe('Delete');
  });

  it('is retained in prod', () => {
    expect(resourceOf(prod, 'AWS::KMS::Key', /^WebhookSecretsKey/)[1].DeletionPolicy).toBe('Retain');
  });

  it('lets only the webhook sender use it, to decrypt, and only with the application_id encryption context', () => {
    const onKey = identityStatements(template).filter(
      (statement) => JSON.stringify(statement.Resource) === JSON.stringify(webhookSecretsKey(template)),
    );

    expect(onKey.map(({ policy, Action, Condition }) => ({ policy, Action, Condition }))).toEqual([
      {
        policy: expect.stringMatching(/^WebhookSenderFunctionServiceRole/),
        Action: 'kms:Decrypt',
        Condition: {
          'ForAllValues:StringEquals': { 'kms:EncryptionContextKeys': ['application_id'] },
          Null: { 'kms:EncryptionContext:application_id': 'false' },
        },
      },
    ]);
  });

  it('gives the recordings function no KMS action but decrypting recordings', () => {
    const kms = statementsOf(template, 'Recordings').filter((statement) =>
      [statement.Action].flat().some((action) => action.startsWith('kms:')),
    );

    expect(kms).toEqual([
      {
        Action: ['kms:Decrypt'],
        Effect: 'Allow',
        Resource: attOf(template, 'AWS::KMS::Key', /^RecordingsKey/, 'Arn'),
      },
    ]);
  });

  it('names the key to the webhook sender alone', () => {
    const named = FUNCTIONS.filter((name) => 'WEBHOOK_SECRETS_KEY_ID' in environmentOf(template, name));

    expect(named).toEqual(['WebhookSender']);
    expect(environmentOf(template, 'WebhookSender').WEBHOOK_SECRETS_KEY_ID).toEqual(
      webhookSecretsKey(template),
    );
  });

  it("outputs the key's ARN for the admin CLI (operators encrypt with their own credentials)", () => {
    expect(template.findOutputs('WebhookSecretsKeyArn')).toEqual({
      WebhookSecretsKeyArn: {
        Value: webhookSecretsKey(template),
        Description: 'WEBHOOK_SECRETS_KEY_ID of the admin CLI (operators encrypt webhook secrets with it)',
      },
    });
  });
});
