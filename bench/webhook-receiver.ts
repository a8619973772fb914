import { createServer } from 'node:http';
import { type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { LOCAL_WEBHOOK_SECRETS_KEY } from '../scripts/emulators/local-kms.ts';
import { toApplicationItem } from '../shared/adapters/dynamodb/item-mappers.ts';
import { lazyKmsClient } from '../shared/adapters/kms/kms-client.ts';
import { createKmsSecretSealer } from '../shared/adapters/kms/kms-secret-sealer.ts';
import { listen } from './bench-helpers.ts';

/** The sealer the bench's applications are written with: the local KMS key, as the sender opens it. */
export const benchSealer = () =>
  createKmsSecretSealer(lazyKmsClient(), LOCAL_WEBHOOK_SECRETS_KEY.alias as string);

/** A local webhook receiver answering 204 to every POST, counting what it received. */
export async function startCountingReceiver() {
  let received = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      received += 1;
      res.writeHead(204).end();
    });
  });
  return {
    url: `${await listen(server)}/hook`,
    received: () => received,
    close: () => server.close(),
  };
}

/** Writes an active application whose webhooks go to `url`, its secret sealed as in AWS. */
export async function putWebhookApplication(
  documents: DynamoDBDocumentClient,
  table: string,
  application: { id: string; customerId: string; url: string; secret: string },
) {
  await documents.send(
    new PutCommand({
      TableName: table,
      Item: toApplicationItem({
        id: application.id,
        customer_id: application.customerId,
        status: 'active',
        webhook_url: application.url,
        webhook_secret: await benchSealer().seal(application.secret, application.id),
        created_at: '2026-11-24T10:00:00Z',
      }),
    }),
  );
}
