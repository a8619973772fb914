import { expectOk } from '../../shared/adapters/freeswitch/esl-client.ts';
import { EslConnection, type EslEndpoint } from '../../shared/adapters/freeswitch/esl-connection.ts';

/**
 * What the call-control side of the platform does on the local media server: create a channel for a
 * new call (`originate … &park`) and hang one up (`uuid_kill`), over the Event Socket.
 */
export function createMediaServerControl(endpoint: EslEndpoint, timeoutMs = 3000) {
  async function api(command: string): Promise<string> {
    const esl = await EslConnection.open(endpoint, timeoutMs);
    try {
      return expectOk(command, (await esl.api(command, timeoutMs)).trim());
    } finally {
      esl.close();
    }
  }
  return {
    /** Creates a parked channel (with this uuid, when given) and returns its uuid. */
    async originate(uuid?: string): Promise<string> {
      const vars = uuid ? `{origination_uuid=${uuid}}` : '';
      const reply = await api(`originate ${vars}loopback/4440 &park`);
      return reply.replace(/^\+OK /, '');
    },
    /** Hangs a channel up; its recordings close and the media events follow. */
    async hangup(uuid: string): Promise<void> {
      await api(`uuid_kill ${uuid}`);
    },
  };
}
