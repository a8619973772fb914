import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { INDEX_KEYS, ITEM_KEYS } from '../../infra/constructs/grants.ts';
import { documentSdk } from '../../shared/adapters/aws/aws-sdk.ts';
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
import {
  depsSourceOf,
  FUNCTION_TABLE_USE,
  portCallsIn,
  requestsOf,
  TABLE_ADAPTERS,
  type TableRequest,
  tableRequestsOf,
} from './table-requests.ts';

let template: Template;
let prod: Template;
beforeAll(() => {
  template = synth();
  prod = synth(PROD_CONTEXT);
});

const WRITE_ACTIONS = ['PutItem', 'UpdateItem', 'ConditionCheckItem', 'DeleteItem'].map(
  (a) => `dynamodb:${a}`,
);

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

/** A function's DynamoDB item statements (its stream's excluded). */
function tableStatementsOf(source: Template, name: string) {
  return statementsOf(source, name)
    .filter((statement) => [statement.Action].flat().some((action) => action.startsWith('dynamodb:')))
    .filter((statement) => !JSON.stringify(statement.Resource).includes('StreamArn'));
}

/** A function's DynamoDB grants: per statement, its id, target (table, index …), actions and leading-key patterns. */
function tableGrantsOf(source: Template, name: string) {
  return tableStatementsOf(source, name).map((statement) => ({
    sid: statement.Sid,
    target: targetOf(statement),
    actions: [statement.Action].flat(),
    leadingKeys: statement.Condition?.['ForAllValues:StringLike']?.['dynamodb:LeadingKeys'],
  }));
}

/** True when this statement allows this item request (LeadingKeys being its only condition). */
function allows(statement: Statement, request: TableRequest): boolean {
  const { 'ForAllValues:StringLike': like, ...otherConditions } = statement.Condition ?? {};
  const patterns = (like?.['dynamodb:LeadingKeys'] ?? []) as string[];
  return (
    statement.Effect === 'Allow' &&
    [statement.Action].flat().includes(`dynamodb:${request.action}`) &&
    targetOf(statement) === request.target &&
    Object.keys(otherConditions).length === 0 &&
    request.partition !== undefined &&
    patterns.some((pattern) => stringLike(pattern, request.partition as string))
  );
}

const webhookSecretsKey = (source: Template) => attOf(source, 'AWS::KMS::Key', /^WebhookSecretsKey/, 'Arn');
const senderRoleArn = (source: Template) =>
  attOf(source, 'AWS::IAM::Role', /^WebhookSenderFunctionServiceRole[0-9A-F]{8}$/, 'Arn');

describe('RecordingsStack table grants', () => {
  it.each([
    [
      // Reads keys, calls, applications and deliveries; writes calls, marks deliveries pending, and
      // updates its allowances: it can write no API key and no application.
      'Recordings',
      [
        {
          sid: 'TableRead',
          target: 'table',
          actions: ['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:Query'],
          leadingKeys: ['APP#*', 'CALL#*', 'DELIVERY#*', 'KEY#*'],
        },
        {
          sid: 'TableWrite',
          target: 'table',
          actions: ['dynamodb:PutItem', 'dynamodb:UpdateItem'],
          leadingKeys: ['CALL#*'],
        },
        {
          sid: 'TableWrite2',
          target: 'table',
          actions: ['dynamodb:UpdateItem'],
          leadingKeys: ['DELIVERY#*', 'RATE#*'],
        },
        {
          sid: 'IndexQuery',
          target: 'index gsi1',
          actions: ['dynamodb:Query'],
          leadingKeys: ['DELIVERIES#*'],
        },
      ],
    ],
    [
      // Reads applications (retention) but writes calls only.
      'MediaEvents',
      [
        {
          sid: 'TableRead',
          target: 'table',
          actions: ['dynamodb:GetItem'],
          leadingKeys: ['APP#*', 'CALL#*'],
        },
        {
          sid: 'TableWrite',
          target: 'table',
          actions: ['dynamodb:PutItem', 'dynamodb:UpdateItem'],
          leadingKeys: ['CALL#*'],
        },
        { sid: 'IndexQuery', target: 'index gsi2', actions: ['dynamodb:Query'], leadingKeys: ['CHAN#*'] },
      ],
    ],
    [
      'RetentionSweep',
      [
        { sid: 'TableRead', target: 'table', actions: ['dynamodb:GetItem'], leadingKeys: ['CALL#*'] },
        {
          sid: 'TableWrite',
          target: 'table',
          actions: ['dynamodb:PutItem', 'dynamodb:UpdateItem'],
          leadingKeys: ['CALL#*'],
        },
        { sid: 'IndexQuery', target: 'index gsi1', actions: ['dynamodb:Query'], leadingKeys: ['PURGE'] },
      ],
    ],
    [
      'WebhookSender',
      [
        {
          sid: 'TableRead',
          target: 'table',
          actions: ['dynamodb:GetItem'],
          leadingKeys: ['APP#*', 'DELIVERY#*'],
        },
        {
          sid: 'TableWrite',
          target: 'table',
          actions: ['dynamodb:UpdateItem'],
          leadingKeys: ['APP#*', 'DELIVERY#*'],
        },
        {
          sid: 'IndexQuery',
          target: 'index gsi1',
          actions: ['dynamodb:Query'],
          leadingKeys: ['DELIVERIES#*'],
        },
      ],
    ],
    // The relay reads the stream only; it never reads or writes an item.
    ['OutboxRelay', []],
  ])('limits %s to exactly the reads and writes it makes, each on its own item types', (name, grants) => {
    expect(tableGrantsOf(template, name)).toEqual(grants);
  });

  it("lets no function put or delete an allowance item (either would drop a disabled application's flag)", () => {
    const rate = keys.rate('app_1').pk;

    const putters = FUNCTIONS.filter((name) =>
      tableStatementsOf(template, name).some((statement) =>
        ['PutItem', 'DeleteItem'].some((action) =>
          allows(statement, { action, target: 'table', partition: rate }),
        ),
      ),
    );

    expect(putters).toEqual([]);
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

describe('RecordingsStack table grants against the adapters', () => {
  const uses = Object.entries(FUNCTION_TABLE_USE);

  it.each(uses)(
    "lists exactly the port methods %s's use cases call (found in the modules its handler imports)",
    (_, use) => {
      const listed = Object.values(use.ports).flatMap((port) => port.methods as string[]);

      expect(portCallsIn(use)).toEqual(
        [...new Set([...listed, ...Object.keys(use.reachedButNotCalled ?? {})])].sort(),
      );
    },
  );

  it.each(uses)('wires each table port of %s to the adapter listed for it', (_, use) => {
    const source = depsSourceOf(use);

    const wired = Object.entries(use.ports).filter(([port, { adapter }]) =>
      new RegExp(`\\b${port}: ${TABLE_ADAPTERS[adapter].factory}\\(`).test(source),
    );

    expect(wired.map(([port]) => port)).toEqual(Object.keys(use.ports));
  });

  it.each(uses)('grants %s every table request its adapters make for its use cases', async (name, use) => {
    const statements = tableStatementsOf(template, name);
    const requests = await tableRequestsOf(use);

    expect(requests.length).toBeGreaterThan(0);
    expect(requests.filter((request) => !statements.some((statement) => allows(statement, request)))).toEqual(
      [],
    );
  });

  it.each(uses)(
    'grants %s no table read or item type its adapters never use, and no write action on an item type it never writes that way',
    async (name, use) => {
      const requests = await tableRequestsOf(use);

      const unused = tableStatementsOf(template, name).flatMap((statement) => {
        const actions = [statement.Action].flat();
        const patterns = statement.Condition?.['ForAllValues:StringLike']?.[
          'dynamodb:LeadingKeys'
        ] as string[];
        const served = (action: string, pattern: string) =>
          requests.some(
            (request) =>
              allows(statement, request) &&
              (action === '*' || `dynamodb:${request.action}` === action) &&
              (pattern === '*' || stringLike(pattern, request.partition as string)),
          );
        // A read statement's actions and item types must each be used; a write statement's every pair.
        const pairs = actions.some((action) => WRITE_ACTIONS.includes(action))
          ? actions.flatMap((action) => patterns.map((pattern) => [action, pattern] as const))
          : [
              ...actions.map((action) => [action, '*'] as const),
              ...patterns.map((pattern) => ['*', pattern] as const),
            ];
        return pairs
          .filter(([action, pattern]) => !served(action, pattern))
          .map(([action, pattern]) => `${statement.Sid}: ${action} on ${pattern}`);
      });

      expect(unused).toEqual([]);
    },
  );

  it('sees a transaction as the put and update of each of its items, on its own key', () => {
    const transaction = new documentSdk.TransactWriteCommand({
      TransactItems: [
        { Update: { TableName: 't', Key: keys.call('call_1'), UpdateExpression: 'SET a = :a' } },
        { Put: { TableName: 't', Item: { ...keys.outboxEvent('call_1', 'evt_1') } } },
        { ConditionCheck: { TableName: 't', Key: keys.application('app_1'), ConditionExpression: 'a' } },
      ],
    });

    expect(requestsOf(transaction)).toEqual([
      { action: 'UpdateItem', target: 'table', partition: 'CALL#call_1' },
      { action: 'PutItem', target: 'table', partition: 'CALL#call_1' },
      { action: 'ConditionCheckItem', target: 'table', partition: 'APP#app_1' },
    ]);
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

  it("keeps the account root's administration of the key and denies only decrypting (or re-encrypting elsewhere) to every principal but the webhook sender's role", () => {
    const [, key] = resourceOf(template, 'AWS::KMS::Key', /^WebhookSecretsKey/);

    expect(key.Properties.KeyPolicy).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Action: 'kms:*',
          Effect: 'Allow',
          // The region is known, so the partition is too (cdk.json's enablePartitionLiterals).
          Principal: { AWS: { 'Fn::Join': ['', ['arn:aws:iam::', { Ref: 'AWS::AccountId' }, ':root']] } },
          Resource: '*',
        },
        {
          Sid: 'OnlyTheWebhookSenderDecrypts',
          Action: ['kms:Decrypt', 'kms:ReEncryptFrom'],
          Effect: 'Deny',
          Principal: { AWS: '*' },
          Resource: '*',
          // A Lambda role's sessions are this ARN in aws:PrincipalArn.
          Condition: { ArnNotEquals: { 'aws:PrincipalArn': senderRoleArn(template) } },
        },
      ],
    });
  });

  it.each([
    ['the webhook sender', 'kms:Decrypt', false],
    ['the recordings function', 'kms:Decrypt', true],
    ['the account root', 'kms:Decrypt', true],
    ['an operator', 'kms:ReEncryptFrom', true],
    ['an operator', 'kms:Encrypt', false],
    ['the account root', 'kms:PutKeyPolicy', false],
    ['the account root', 'kms:ScheduleKeyDeletion', false],
  ])('answers whether the key policy denies %s %s: %s', (who, action, denied) => {
    const [, key] = resourceOf(template, 'AWS::KMS::Key', /^WebhookSecretsKey/);
    const principalArn = who === 'the webhook sender' ? senderRoleArn(template) : { other: who };
    const statements = (key.Properties.KeyPolicy as { Statement: Statement[] }).Statement;

    // Only the statements' own shape is evaluated: actions, and an ArnNotEquals on aws:PrincipalArn.
    const denies = statements.some(
      (statement) =>
        statement.Effect === 'Deny' &&
        [statement.Action].flat().includes(action) &&
        JSON.stringify(statement.Condition?.ArnNotEquals?.['aws:PrincipalArn']) !==
          JSON.stringify(principalArn),
    );

    expect(denies).toBe(denied);
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
