import { expectOk, withEslSession } from '../../shared/adapters/freeswitch/esl-client.ts';
import type { EslEndpoint } from '../../shared/adapters/freeswitch/esl-connection.ts';

/** A local media server as `npm start` lists it in `.local/runtime.json` (`esl_nodes`). */
export interface LocalMediaNode {
  name: string;
  host: string;
  port: number;
}

/**
 * What the call-control side of the platform does on one local media server: create a channel for a
 * new call (`originate … &park`) and hang one up (`uuid_kill`), over the Event Socket (a connection per
 * command: these are one-off operator commands).
 */
export function createMediaServerControl(endpoint: EslEndpoint, timeoutMs = 3000) {
  const api = (command: string) =>
    withEslSession({ ...endpoint, timeoutMs }, async (esl) => expectOk(command, await esl.api(command)));
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

/**
 * `npm start`'s media servers (from `.local/runtime.json`), by name: the named node's call control, the
 * first node's when no name is given, undefined when `npm start` runs no node of that name.
 */
export function createLocalMediaServers(nodes: LocalMediaNode[], password: string) {
  return {
    names: nodes.map((node) => node.name),
    controlOf(name: string | undefined) {
      const node = name === undefined ? nodes[0] : nodes.find((candidate) => candidate.name === name);
      if (!node) return undefined;
      return { name: node.name, ...createMediaServerControl({ host: node.host, port: node.port, password }) };
    },
  };
}
