import { MEDIA_NODE_NAME } from '../../recordings/media-node.ts';

/** One media server of the fleet: its name (a call's `media_node`) and its Event Socket. */
export interface EslNode {
  name: string;
  host: string;
  port: number;
}

/** How `ESL_NODES` is written, for error messages and docs. */
export const ESL_NODES_FORMAT =
  'comma-separated name=host:port, e.g. fs-a=10.0.1.10:8021,fs-b=10.0.2.10:8021';

// A DNS name or IPv4 address, or an IPv6 address in brackets (`[fd00::10]:8021`).
const HOST = /^(?:[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?|\[[0-9A-Fa-f:.]{2,45}\])$/;

/**
 * Reads `ESL_NODES` (`fs-a=10.0.1.10:8021,fs-b=10.0.2.10:8021`): at least one node, names unique and
 * shaped like {@link MEDIA_NODE_NAME}, every port given. Throws an `Error` whose message says which
 * entry is wrong and why (the caller names the variable).
 */
export function parseEslNodes(value: string): EslNode[] {
  const entries = value.split(',').map((entry) => entry.trim());
  if (entries.every((entry) => entry === '')) throw new Error(`no node given: ${ESL_NODES_FORMAT}`);
  const nodes: EslNode[] = [];
  for (const entry of entries) {
    if (entry === '') throw new Error(`an entry is empty (a stray comma?): ${ESL_NODES_FORMAT}`);
    const match = /^([^=]*)=(.*):([^:\]]*)$/.exec(entry);
    if (!match) throw new Error(`"${entry}" is not name=host:port (${ESL_NODES_FORMAT})`);
    const [, name = '', host = '', port = ''] = match;
    if (!MEDIA_NODE_NAME.test(name)) {
      throw new Error(
        `node name "${name}" must be 1-32 lower-case letters, digits or dashes, starting with a letter or digit`,
      );
    }
    if (!HOST.test(host)) throw new Error(`node ${name}: "${host}" is not a host name or address`);
    const number = /^\d{1,5}$/.test(port) ? Number(port) : Number.NaN;
    if (!(number >= 1 && number <= 65_535)) throw new Error(`node ${name}: port "${port}" is not 1-65535`);
    if (nodes.some((node) => node.name === name)) throw new Error(`node ${name} is named twice`);
    nodes.push({ name, host: host.replace(/^\[(.*)\]$/, '$1'), port: number });
  }
  return nodes;
}
