import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ApiKeyReader } from '../../webhook-events/ports.ts';
import { documentSdk } from '../aws/aws-sdk.ts';
import { withDependencyErrors } from '../aws/dependency-errors.ts';
import { fromApiKeyItem } from './item-mappers.ts';
import { keys } from './table-schema.ts';

const { GetCommand } = documentSdk;

/** API keys by hash, read strongly consistently (a revoked key fails at once). */
export function createDynamoDbApiKeyReader(
  documents: DynamoDBDocumentClient,
  tableName: string,
): ApiKeyReader {
  const client = withDependencyErrors(documents, 'storage');
  return {
    async getApiKey(keyHash) {
      const out = await client.send(
        new GetCommand({ TableName: tableName, Key: keys.apiKey(keyHash), ConsistentRead: true }),
      );
      return out.Item ? fromApiKeyItem(out.Item) : undefined;
    },
  };
}
