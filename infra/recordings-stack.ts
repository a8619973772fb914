import { RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { AttributeType, Billing, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';
import { GSI1, KEY_ATTRIBUTES } from '../shared/adapters/dynamodb/table-schema.ts';

/** Settings of one deployment. */
export interface RecordingsStackProps extends StackProps {
  stage: string;
}

/** The MiniVoice Recordings service: its table (the API, functions and queues are added to it). */
export class RecordingsStack extends Stack {
  readonly table: TableV2;

  constructor(scope: Construct, id: string, props: RecordingsStackProps) {
    super(scope, id, props);
    const prod = props.stage === 'prod';
    // Same schema as shared/adapters/dynamodb/table-schema.ts#createTableInput (used by the emulators).
    this.table = new TableV2(this, 'Table', {
      partitionKey: { name: KEY_ATTRIBUTES.partition, type: AttributeType.STRING },
      sortKey: { name: KEY_ATTRIBUTES.sort, type: AttributeType.STRING },
      billing: Billing.onDemand(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: prod,
      removalPolicy: prod ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
      globalSecondaryIndexes: [
        {
          indexName: GSI1.name,
          partitionKey: { name: GSI1.partition, type: AttributeType.STRING },
          sortKey: { name: GSI1.sort, type: AttributeType.STRING },
        },
      ],
    });
  }
}
