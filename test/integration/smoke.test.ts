import { describe, expect, it } from 'vitest';
import { createFreeSwitchProvider } from '../../shared/adapters/freeswitch/freeswitch-provider.ts';
import { seedCall, seedTenant, drainQueue } from '../support/aws-fixtures.ts';
import { startFakeFreeSwitch } from '../support/fake-freeswitch.ts';
import { createRecordingsHarness } from '../support/recordings-harness.ts';

describe('smoke', () => {
  it('starts and stops', async () => {
    const fs = await startFakeFreeSwitch();
    const provider = createFreeSwitchProvider({ host: '127.0.0.1', port: fs.port, password: 'ClueCon', timeoutMs: 3000, recordingPathTemplate: '/rec/{call_id}/{recording_id}.wav', recordingUrlTemplate: 'https://media/{recording_id}.wav' });
    const h = await createRecordingsHarness({ provider });
    const tenant = await seedTenant(h.documents, h.table);
    const call = await seedCall(h.documents, h.table, tenant);
    fs.addChannel(call.provider_call_id ?? '');
    const a = await h.post(call.id, tenant.apiKey, { action: 'start' });
    console.log(JSON.stringify(a));
    const b = await h.post(call.id, tenant.apiKey, { action: 'stop' });
    console.log(JSON.stringify(b), fs.commands);
    console.log(JSON.stringify(await drainQueue(h.sqs, h.queueUrl)));
    console.log(h.logLines);
    expect(a.statusCode).toBe(200);
    await fs.close();
  });
});
