import { readFile, writeFile } from 'node:fs/promises';
import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { hashApiKey } from '../../shared/accounts/api-key.ts';
import { keys } from '../../shared/adapters/dynamodb/table-schema.ts';
import { randomIds } from '../../shared/adapters/system/random-ids.ts';
import { systemClock } from '../../shared/adapters/system/system-clock.ts';
import {
  createApiKey,
  createApplication,
  createCall,
  createCustomer,
  generateWebhookSecret,
} from '../../shared/admin/admin-commands.ts';
import type { AdminStore } from '../../shared/admin/ports.ts';
import { isCallActive } from '../../shared/recordings/call-rules.ts';
import type { SecretSealer } from '../../shared/webhooks/ports.ts';

/** What `.local/demo.json` holds: everything needed to call the local API as the demo application. */
export interface DemoTenant {
  api_url: string;
  api_key: string;
  call_id: string;
  customer_id: string;
  application_id: string;
  webhook_secret: string;
}

/**
 * Returns the demo tenant, seeding it on first start: a customer, an application with a webhook secret
 * (its webhook_url set to `webhookUrl` on every start), an API key and one active call with a channel
 * on the simulated FreeSWITCH. Channels do not outlive the simulator, so each start gives the demo
 * call its channel again; a demo call that has ended is replaced by a new one.
 */
export async function ensureDemoTenant(options: {
  file: string;
  apiUrl: string;
  webhookUrl: string;
  store: AdminStore;
  /** Seals the demo application's webhook secret (the KMS stand-in). */
  sealer: SecretSealer;
  documents: DynamoDBDocumentClient;
  tableName: string;
  /** Creates a channel on the media server (with this uuid, when given) and returns its uuid. */
  originate: (uuid?: string) => Promise<string>;
  /** That media server's name: the demo call names it (`media_node`), as call control would. */
  mediaNode: string;
}): Promise<{ demo: DemoTenant; created: boolean }> {
  const previous = await readDemo(options.file);
  const stillThere =
    previous &&
    (
      await options.documents.send(
        new GetCommand({ TableName: options.tableName, Key: keys.apiKey(hashApiKey(previous.api_key)) }),
      )
    ).Item !== undefined;
  const deps = { store: options.store, clock: systemClock, ids: randomIds };
  if (previous && stillThere) {
    // The port may differ from last time: keep the URLs current.
    await options.store.setWebhook(previous.application_id, options.webhookUrl, undefined);
    const call = await options.store.getCall(previous.call_id);
    let callId = previous.call_id;
    if (call && isCallActive(call) && call.provider_call_id) {
      await options.originate(call.provider_call_id);
    } else {
      const fresh = await createCall(
        {
          applicationId: previous.application_id,
          providerCallId: await options.originate(),
          mediaNode: options.mediaNode,
        },
        deps,
      );
      callId = fresh.id;
    }
    const demo = { ...previous, api_url: options.apiUrl, call_id: callId };
    await writeFile(options.file, `${JSON.stringify(demo, null, 2)}\n`);
    return { demo, created: false };
  }
  const customer = await createCustomer({ name: 'Demo Customer' }, deps);
  const webhookSecret = generateWebhookSecret();
  const application = await createApplication(
    { customerId: customer.id, webhookUrl: options.webhookUrl, webhookSecret },
    { ...deps, sealer: options.sealer },
  );
  const key = await createApiKey({ applicationId: application.id, mode: 'test' }, deps);
  const call = await createCall(
    {
      applicationId: application.id,
      providerCallId: await options.originate(),
      mediaNode: options.mediaNode,
    },
    deps,
  );
  const demo: DemoTenant = {
    api_url: options.apiUrl,
    api_key: key.api_key,
    call_id: call.id,
    customer_id: customer.id,
    application_id: application.id,
    webhook_secret: webhookSecret,
  };
  await writeFile(options.file, `${JSON.stringify(demo, null, 2)}\n`);
  return { demo, created: true };
}

async function readDemo(file: string): Promise<DemoTenant | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as DemoTenant;
  } catch {
    return undefined;
  }
}

/** The documentation page's curl with only the host, the call id and the key changed. */
export function demoCurl(
  demo: Pick<DemoTenant, 'api_url' | 'api_key' | 'call_id'>,
  action: 'start' | 'stop' = 'start',
): string {
  return [
    `curl -sS -X POST ${demo.api_url}/v1/calls/${demo.call_id}/recordings \\`,
    `-H 'Authorization: Bearer ${demo.api_key}' \\`,
    `-H 'Content-Type: application/json' \\`,
    `--data @- <<'JSON'`,
    '{',
    `"action": "${action}"`,
    '}',
    'JSON',
  ].join('\n');
}

/** The list and download commands for the demo call's first recording (printed by `npm start`). */
export function demoReadCommands(demo: Pick<DemoTenant, 'api_url' | 'api_key' | 'call_id'>): string {
  const auth = `-H 'Authorization: Bearer ${demo.api_key}'`;
  return [
    `curl -sS ${auth} ${demo.api_url}/v1/calls/${demo.call_id}/recordings`,
    `curl -sS -L ${auth} ${demo.api_url}/v1/recordings/rec_${demo.call_id}/media -o rec_${demo.call_id}.wav`,
  ].join('\n');
}
