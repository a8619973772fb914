import type { MiniVoiceClient } from './client.ts';

/**
 * Never called: what the compiler refuses because the document does not allow it. Each line must be an
 * error (`@ts-expect-error` fails the build when it is not), so `tsc` proves the types are the API's.
 */
export function refusedByTheCompiler(client: MiniVoiceClient) {
  void client.raw.POST('/v1/calls/{call_id}/recordings', {
    params: { path: { call_id: 'call_1' } },
    // @ts-expect-error `action` is "start" or "stop"
    body: { action: 'pause' },
  });
  // @ts-expect-error the list route needs the call id
  void client.raw.GET('/v1/calls/{call_id}/recordings', {});
  // @ts-expect-error there is no such route
  void client.raw.GET('/v1/recordings');
  // @ts-expect-error `status` is a delivery status
  void client.listWebhookEvents('lost');
}
